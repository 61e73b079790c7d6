import type { Db } from '../database.js';

export const settingsRepo = {
  async get<T>(db: Db, key: string): Promise<T | undefined> {
    const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    // Both drivers hand jsonb back parsed (a stored JSON string arrives as a JS string).
    return row?.value as T | undefined;
  },

  async put(db: Db, key: string, value: unknown, at: Date): Promise<void> {
    await db
      .insertInto('settings')
      .values({ key, value: JSON.stringify(value), updated_at: at })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: at }))
      .execute();
  },

  /** Insert unless present; returns the stored value either way (first writer wins across processes). */
  async getOrCreate<T>(db: Db, key: string, make: () => T, at: Date): Promise<T> {
    await db
      .insertInto('settings')
      .values({ key, value: JSON.stringify(make()), updated_at: at })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    return (await settingsRepo.get<T>(db, key)) as T;
  },
};
