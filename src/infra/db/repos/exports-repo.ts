import type {
  ExportCursor,
  ExportDocumentRecord,
  ExportRecord,
  ExportsFilter,
  ExportsRepository,
} from '../../../core/exports/exports-repository.js';
import type { InvoiceFilter } from '../../../core/invoices/invoice-records.js';
import type { Db } from '../database.js';

/** The filter is kept as JSON, its dates as ISO strings. */
function withFilter<R extends { filter: unknown }>(row: R): Omit<R, 'filter'> & { filter: InvoiceFilter } {
  const f = (typeof row.filter === 'string' ? JSON.parse(row.filter) : row.filter) as InvoiceFilter;
  return { ...row, filter: { ...f, start: new Date(f.start), end: new Date(f.end) } };
}

export class KyselyExportsRepository implements ExportsRepository {
  constructor(private readonly db: Db) {}

  async insert(record: ExportRecord): Promise<void> {
    await this.db
      .insertInto('invoice_exports')
      .values({ ...record, filter: JSON.stringify(record.filter) })
      .execute();
  }

  async get(sellerId: string, exportId: string): Promise<ExportRecord | undefined> {
    const row = await this.db
      .selectFrom('invoice_exports')
      .selectAll()
      .where('seller_id', '=', sellerId)
      .where('export_id', '=', exportId)
      .executeTakeFirst();
    return row && withFilter(row);
  }

  async update(sellerId: string, exportId: string, changes: Partial<ExportRecord>): Promise<void> {
    const { filter: _never, ...values } = changes;
    await this.db
      .updateTable('invoice_exports')
      .set(values)
      .where('seller_id', '=', sellerId)
      .where('export_id', '=', exportId)
      .execute();
  }

  async page(f: ExportsFilter, limit: number, after?: ExportCursor): Promise<ExportRecord[]> {
    let q = this.db
      .selectFrom('invoice_exports')
      .selectAll()
      .where('seller_id', '=', f.sellerId)
      .where('marketplace_id', '=', f.marketplaceId)
      .where('created_at', '>=', f.start)
      .where('created_at', '<=', f.end);
    if (f.status) q = q.where('status', '=', f.status as ExportRecord['status']);
    if (after) {
      q = q.where((eb) =>
        eb(eb.refTuple('created_at', 'export_id'), '<', eb.tuple(new Date(after.createdAt), after.exportId)),
      );
    }
    const rows = await q.orderBy('created_at', 'desc').orderBy('export_id', 'desc').limit(limit).execute();
    return rows.map(withFilter);
  }

  async documentIds(sellerId: string, exportIds: string[]) {
    if (!exportIds.length) return [];
    return this.db
      .selectFrom('export_documents')
      .select(['export_id', 'document_id'])
      .where('seller_id', '=', sellerId)
      .where('export_id', 'in', exportIds)
      .orderBy('part')
      .execute();
  }

  document(sellerId: string, documentId: string): Promise<ExportDocumentRecord | undefined> {
    return this.db
      .selectFrom('export_documents')
      .selectAll()
      .where('seller_id', '=', sellerId)
      .where('document_id', '=', documentId)
      .executeTakeFirst();
  }

  async insertDocument(record: ExportDocumentRecord): Promise<void> {
    await this.db
      .insertInto('export_documents')
      .values(record)
      .onConflict((oc) => oc.columns(['seller_id', 'export_id', 'part']).doNothing())
      .execute();
  }

  expired(now: Date, limit: number) {
    return this.db
      .selectFrom('invoice_exports')
      .select(['seller_id', 'export_id'])
      .where('expires_at', '<', now)
      .orderBy('expires_at')
      .limit(limit)
      .execute();
  }

  async delete(sellerId: string, exportId: string): Promise<void> {
    await this.db
      .deleteFrom('invoice_exports')
      .where('seller_id', '=', sellerId)
      .where('export_id', '=', exportId)
      .execute();
  }
}
