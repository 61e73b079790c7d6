import type {
  AccessTokenRecord,
  CredentialRecord,
  SellerCursor,
  SellerRecord,
} from '../../../core/sellers/seller-records.js';
import type { SellersRepository } from '../../../core/sellers/sellers-repository.js';
import type { Db } from '../database.js';

export class KyselySellersRepository implements SellersRepository {
  constructor(private readonly db: Db) {}

  async insert(seller: SellerRecord): Promise<void> {
    await this.db.insertInto('sellers').values(seller).execute();
  }

  byId(sellerId: string) {
    return this.db.selectFrom('sellers').selectAll().where('seller_id', '=', sellerId).executeTakeFirst();
  }

  byCnpj(cnpj: string) {
    return this.db.selectFrom('sellers').selectAll().where('cnpj', '=', cnpj).executeTakeFirst();
  }

  page(limit: number, after?: SellerCursor) {
    let q = this.db.selectFrom('sellers').selectAll().orderBy('created_at').orderBy('seller_id').limit(limit);
    if (after) {
      q = q.where((eb) =>
        eb(eb.refTuple('created_at', 'seller_id'), '>', eb.tuple(after.createdAt, after.sellerId)),
      );
    }
    return q.execute();
  }

  async count(): Promise<number> {
    const r = await this.db
      .selectFrom('sellers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async insertCredential(credential: CredentialRecord): Promise<void> {
    await this.db.insertInto('credentials').values(credential).execute();
  }

  credentialByClientId(clientId: string) {
    return this.db.selectFrom('credentials').selectAll().where('client_id', '=', clientId).executeTakeFirst();
  }

  credentialsOf(sellerId: string) {
    return this.db
      .selectFrom('credentials')
      .selectAll()
      .where('seller_id', '=', sellerId)
      .orderBy('created_at')
      .execute();
  }

  /** Two statements: run it in a transaction. */
  async revokeCredential(sellerId: string, clientId: string, at: Date): Promise<boolean> {
    const res = await this.db
      .updateTable('credentials')
      .set({ revoked_at: at })
      .where('seller_id', '=', sellerId)
      .where('client_id', '=', clientId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    await this.db
      .deleteFrom('access_tokens')
      .where('seller_id', '=', sellerId)
      .where('client_id', '=', clientId)
      .execute();
    return Number(res.numUpdatedRows) > 0;
  }

  async insertAccessToken(token: AccessTokenRecord): Promise<void> {
    await this.db.insertInto('access_tokens').values(token).execute();
  }

  accessToken(sellerId: string, tokenHash: string) {
    return this.db
      .selectFrom('access_tokens as t')
      .innerJoin('sellers as s', 's.seller_id', 't.seller_id')
      .select(['t.seller_id', 't.client_id', 't.expires_at', 's.marketplace_ids', 's.storefronts'])
      .where('t.seller_id', '=', sellerId)
      .where('t.token_hash', '=', tokenHash)
      .executeTakeFirst();
  }

  /** Expired tokens are kept a day so a client is told "expired" rather than "invalid". */
  async deleteAccessTokensExpiredBefore(before: Date): Promise<void> {
    await this.db.deleteFrom('access_tokens').where('expires_at', '<', before).execute();
  }
}
