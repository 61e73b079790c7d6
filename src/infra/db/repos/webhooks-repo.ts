import type { WebhookRecord, WebhooksRepository } from '../../../core/webhooks/webhooks-repository.js';
import type { Db } from '../database.js';

export class KyselyWebhooksRepository implements WebhooksRepository {
  constructor(private readonly db: Db) {}

  async upsert(record: WebhookRecord): Promise<void> {
    await this.db
      .insertInto('seller_webhooks')
      .values(record)
      .onConflict((oc) =>
        oc
          .column('seller_id')
          .doUpdateSet({ url: record.url, secret: record.secret, updated_at: record.updated_at }),
      )
      .execute();
  }

  get(sellerId: string) {
    return this.db
      .selectFrom('seller_webhooks')
      .selectAll()
      .where('seller_id', '=', sellerId)
      .executeTakeFirst();
  }

  async delete(sellerId: string): Promise<boolean> {
    const res = await this.db
      .deleteFrom('seller_webhooks')
      .where('seller_id', '=', sellerId)
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }
}
