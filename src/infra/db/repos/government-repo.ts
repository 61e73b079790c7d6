import { sql } from 'kysely';
import type {
  GovernmentRepository,
  GovernmentRequestChanges,
  GovernmentRequestRecord,
} from '../../../core/government/government-repository.js';
import type { Db } from '../database.js';

/** The JSON columns as text. */
function jsonColumns<T extends Partial<Pick<GovernmentRequestRecord, 'contexts' | 'errors'>>>(values: T) {
  const { contexts, errors, ...rest } = values;
  return {
    ...rest,
    ...(contexts ? { contexts: JSON.stringify(contexts) } : {}),
    ...(errors ? { errors: JSON.stringify(errors) } : {}),
  };
}

export class KyselyGovernmentRepository implements GovernmentRepository {
  constructor(private readonly db: Db) {}

  get(sellerId: string, shipmentId: string) {
    return this.db
      .selectFrom('government_invoice_requests')
      .selectAll()
      .where('seller_id', '=', sellerId)
      .where('shipment_id', '=', shipmentId)
      .executeTakeFirst();
  }

  getForUpdate(sellerId: string, shipmentId: string) {
    return this.db
      .selectFrom('government_invoice_requests')
      .selectAll()
      .where('seller_id', '=', sellerId)
      .where('shipment_id', '=', shipmentId)
      .forUpdate()
      .executeTakeFirst();
  }

  async insert(record: Parameters<GovernmentRepository['insert']>[0]): Promise<void> {
    await this.db
      .insertInto('government_invoice_requests')
      .values(jsonColumns(record) as never)
      .execute();
  }

  /**
   * Updates the row only while it is still the PROCESSING run of `generation`: a stale job (the
   * request was finished or resubmitted since) changes nothing. Returns whether a row changed.
   */
  async updateRun(
    sellerId: string,
    shipmentId: string,
    generation: number,
    changes: GovernmentRequestChanges,
  ): Promise<boolean> {
    const res = await this.db
      .updateTable('government_invoice_requests')
      .set(jsonColumns(changes))
      .where('seller_id', '=', sellerId)
      .where('shipment_id', '=', shipmentId)
      .where('generation', '=', generation)
      .where('status', '=', 'PROCESSING')
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async update(sellerId: string, shipmentId: string, changes: GovernmentRequestChanges): Promise<void> {
    await this.db
      .updateTable('government_invoice_requests')
      .set(jsonColumns(changes))
      .where('seller_id', '=', sellerId)
      .where('shipment_id', '=', shipmentId)
      .execute();
  }

  /**
   * Serializes number allocation per seller: call first inside the allocating transaction. NO KEY
   * UPDATE does not conflict with the key-share locks of foreign keys, so ingestion is not blocked.
   */
  async lockSeller(sellerId: string): Promise<void> {
    await this.db
      .selectFrom('sellers')
      .select('seller_id')
      .where('seller_id', '=', sellerId)
      .forNoKeyUpdate()
      .execute();
  }

  /**
   * The highest NF-e number (model 55) the seller has used in `series`, counting both the numbers
   * given to government requests and the invoices already stored (issued elsewhere and ingested).
   */
  async highestNumber(sellerId: string, series: number): Promise<number> {
    const requested = await this.db
      .selectFrom('government_invoice_requests')
      .select((eb) => eb.fn.max('number').as('n'))
      .where('seller_id', '=', sellerId)
      .where('series', '=', series)
      .executeTakeFirst();
    // invoices.number is the digits of ide/nNF (1 to 9, validated on ingestion), stored as text.
    const stored = await this.db
      .selectFrom('invoices')
      .select(sql<string | number | null>`max(number::bigint)`.as('n'))
      .where('seller_id', '=', sellerId)
      .where('model', '=', '55')
      .where('series', '=', String(series))
      .executeTakeFirst();
    return Math.max(Number(requested?.n ?? 0), Number(stored?.n ?? 0));
  }
}
