import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../database.js';
import type { ExportDocumentsTable, InvoiceExportsTable } from '../schema.js';

export type ExportRow = Selectable<InvoiceExportsTable>;
export type ExportDocumentRow = Selectable<ExportDocumentsTable>;

export const exportsRepo = {
  insert(db: Db, row: Insertable<InvoiceExportsTable>) {
    return db.insertInto('invoice_exports').values(row).execute();
  },

  get(db: Db, sellerId: string, exportId: string) {
    return db
      .selectFrom('invoice_exports')
      .selectAll()
      .where('seller_id', '=', sellerId)
      .where('export_id', '=', exportId)
      .executeTakeFirst();
  },

  update(db: Db, sellerId: string, exportId: string, changes: Partial<Insertable<InvoiceExportsTable>>) {
    return db
      .updateTable('invoice_exports')
      .set(changes)
      .where('seller_id', '=', sellerId)
      .where('export_id', '=', exportId)
      .execute();
  },

  /** Keyset page of a seller's exports in a marketplace and creation window, newest first. */
  page(
    db: Db,
    f: { sellerId: string; marketplaceId: string; start: Date; end: Date; status?: string | undefined },
    limit: number,
    after?: { createdAt: string; exportId: string },
  ) {
    let q = db
      .selectFrom('invoice_exports')
      .selectAll()
      .where('seller_id', '=', f.sellerId)
      .where('marketplace_id', '=', f.marketplaceId)
      .where('created_at', '>=', f.start)
      .where('created_at', '<=', f.end);
    if (f.status) q = q.where('status', '=', f.status as ExportRow['status']);
    if (after) {
      q = q.where((eb) =>
        eb(eb.refTuple('created_at', 'export_id'), '<', eb.tuple(new Date(after.createdAt), after.exportId)),
      );
    }
    return q.orderBy('created_at', 'desc').orderBy('export_id', 'desc').limit(limit).execute();
  },

  documentIds(db: Db, sellerId: string, exportIds: string[]) {
    if (!exportIds.length) return Promise.resolve([] as { export_id: string; document_id: string }[]);
    return db
      .selectFrom('export_documents')
      .select(['export_id', 'document_id'])
      .where('seller_id', '=', sellerId)
      .where('export_id', 'in', exportIds)
      .orderBy('part')
      .execute();
  },

  document(db: Db, sellerId: string, documentId: string) {
    return db
      .selectFrom('export_documents')
      .selectAll()
      .where('seller_id', '=', sellerId)
      .where('document_id', '=', documentId)
      .executeTakeFirst();
  },

  documentByPart(db: Db, sellerId: string, exportId: string, part: number) {
    return db
      .selectFrom('export_documents')
      .selectAll()
      .where('seller_id', '=', sellerId)
      .where('export_id', '=', exportId)
      .where('part', '=', part)
      .executeTakeFirst();
  },

  insertDocument(db: Db, row: Insertable<ExportDocumentsTable>) {
    return db
      .insertInto('export_documents')
      .values(row)
      .onConflict((oc) => oc.columns(['seller_id', 'export_id', 'part']).doNothing())
      .execute();
  },

  /** Exports past retention, a batch at a time. */
  expired(db: Db, now: Date, limit: number) {
    return db
      .selectFrom('invoice_exports')
      .select(['seller_id', 'export_id'])
      .where('expires_at', '<', now)
      .orderBy('expires_at')
      .limit(limit)
      .execute();
  },

  delete(db: Db, sellerId: string, exportId: string) {
    return db
      .deleteFrom('invoice_exports')
      .where('seller_id', '=', sellerId)
      .where('export_id', '=', exportId)
      .execute();
  },

  blobKeysOf(db: Db, sellerId: string, exportId: string) {
    return db
      .selectFrom('export_documents')
      .select('blob_key')
      .where('seller_id', '=', sellerId)
      .where('export_id', '=', exportId)
      .execute();
  },
};
