import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import type { Db } from '../database.js';
import type { GovernmentInvoiceRequestsTable } from '../schema.js';

export type GovernmentRequestRow = Selectable<GovernmentInvoiceRequestsTable>;
type Changes = Updateable<GovernmentInvoiceRequestsTable>;

export const governmentRepo = {
  get(db: Db, sellerId: string, shipmentId: string) {
    return db
      .selectFrom('government_invoice_requests')
      .selectAll()
      .where('seller_id', '=', sellerId)
      .where('shipment_id', '=', shipmentId)
      .executeTakeFirst();
  },

  /** The row, locked until the transaction ends (concurrent submissions of one shipment take turns). */
  getForUpdate(trx: Db, sellerId: string, shipmentId: string) {
    return trx
      .selectFrom('government_invoice_requests')
      .selectAll()
      .where('seller_id', '=', sellerId)
      .where('shipment_id', '=', shipmentId)
      .forUpdate()
      .executeTakeFirst();
  },

  insert(db: Db, row: Insertable<GovernmentInvoiceRequestsTable>) {
    return db.insertInto('government_invoice_requests').values(row).execute();
  },

  /**
   * Updates the row only while it is still the PROCESSING run of `generation`: a stale job (the
   * request was finished or resubmitted since) changes nothing. Returns whether a row changed.
   */
  async updateRun(db: Db, sellerId: string, shipmentId: string, generation: number, changes: Changes) {
    const res = await db
      .updateTable('government_invoice_requests')
      .set(changes)
      .where('seller_id', '=', sellerId)
      .where('shipment_id', '=', shipmentId)
      .where('generation', '=', generation)
      .where('status', '=', 'PROCESSING')
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  },

  update(db: Db, sellerId: string, shipmentId: string, changes: Changes) {
    return db
      .updateTable('government_invoice_requests')
      .set(changes)
      .where('seller_id', '=', sellerId)
      .where('shipment_id', '=', shipmentId)
      .execute();
  },

  /**
   * Serializes number allocation per seller: call first inside the allocating transaction. NO KEY
   * UPDATE does not conflict with the key-share locks of foreign keys, so ingestion is not blocked.
   */
  async lockSeller(trx: Db, sellerId: string): Promise<void> {
    await trx
      .selectFrom('sellers')
      .select('seller_id')
      .where('seller_id', '=', sellerId)
      .forNoKeyUpdate()
      .execute();
  },

  /**
   * The highest NF-e number (model 55) the seller has used in `series`, counting both the numbers
   * given to government requests and the invoices already stored (issued elsewhere and ingested).
   */
  async highestNumber(db: Db, sellerId: string, series: number): Promise<number> {
    const requested = await db
      .selectFrom('government_invoice_requests')
      .select((eb) => eb.fn.max('number').as('n'))
      .where('seller_id', '=', sellerId)
      .where('series', '=', series)
      .executeTakeFirst();
    // invoices.number is the digits of ide/nNF (1 to 9, validated on ingestion), stored as text.
    const stored = await db
      .selectFrom('invoices')
      .select(sql<string | number | null>`max(number::bigint)`.as('n'))
      .where('seller_id', '=', sellerId)
      .where('model', '=', '55')
      .where('series', '=', String(series))
      .executeTakeFirst();
    return Math.max(Number(requested?.n ?? 0), Number(stored?.n ?? 0));
  },
};
