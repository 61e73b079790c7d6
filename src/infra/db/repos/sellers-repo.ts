import type { Selectable } from 'kysely';
import type { Db } from '../database.js';
import type { CredentialsTable, SellersTable } from '../schema.js';

export type SellerRow = Selectable<SellersTable>;
export type CredentialRow = Selectable<CredentialsTable>;

export const sellersRepo = {
  insert(db: Db, row: SellerRow) {
    return db.insertInto('sellers').values(row).execute();
  },

  byId(db: Db, sellerId: string) {
    return db.selectFrom('sellers').selectAll().where('seller_id', '=', sellerId).executeTakeFirst();
  },

  byCnpj(db: Db, cnpj: string) {
    return db.selectFrom('sellers').selectAll().where('cnpj', '=', cnpj).executeTakeFirst();
  },

  /** Keyset page ordered by (created_at, seller_id). */
  page(db: Db, limit: number, after?: { createdAt: Date; sellerId: string }) {
    let q = db.selectFrom('sellers').selectAll().orderBy('created_at').orderBy('seller_id').limit(limit);
    if (after) {
      q = q.where((eb) =>
        eb.or([
          eb('created_at', '>', after.createdAt),
          eb.and([eb('created_at', '=', after.createdAt), eb('seller_id', '>', after.sellerId)]),
        ]),
      );
    }
    return q.execute();
  },

  count(db: Db) {
    return db
      .selectFrom('sellers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n));
  },

  insertCredential(db: Db, row: CredentialRow) {
    return db.insertInto('credentials').values(row).execute();
  },

  credentialByClientId(db: Db, clientId: string) {
    return db.selectFrom('credentials').selectAll().where('client_id', '=', clientId).executeTakeFirst();
  },

  credentialsOf(db: Db, sellerId: string) {
    return db
      .selectFrom('credentials')
      .selectAll()
      .where('seller_id', '=', sellerId)
      .orderBy('created_at')
      .execute();
  },

  async revokeCredential(db: Db, sellerId: string, clientId: string, at: Date): Promise<boolean> {
    return db.transaction().execute(async (trx) => {
      const res = await trx
        .updateTable('credentials')
        .set({ revoked_at: at })
        .where('seller_id', '=', sellerId)
        .where('client_id', '=', clientId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      await trx
        .deleteFrom('access_tokens')
        .where('seller_id', '=', sellerId)
        .where('client_id', '=', clientId)
        .execute();
      return Number(res.numUpdatedRows) > 0;
    });
  },

  insertAccessToken(
    db: Db,
    row: { seller_id: string; token_hash: string; client_id: string; expires_at: Date },
  ) {
    return db.insertInto('access_tokens').values(row).execute();
  },

  /** The token with what a request needs of its seller, in one round trip. */
  accessToken(db: Db, sellerId: string, tokenHash: string) {
    return db
      .selectFrom('access_tokens as t')
      .innerJoin('sellers as s', 's.seller_id', 't.seller_id')
      .select(['t.seller_id', 't.client_id', 't.expires_at', 's.marketplace_ids', 's.storefronts'])
      .where('t.seller_id', '=', sellerId)
      .where('t.token_hash', '=', tokenHash)
      .executeTakeFirst();
  },

  /** Expired tokens are kept a day so a client is told "expired" rather than "invalid". */
  deleteAccessTokensExpiredBefore(db: Db, before: Date) {
    return db.deleteFrom('access_tokens').where('expires_at', '<', before).execute();
  },
};
