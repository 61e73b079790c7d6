import type { SettingsRepository } from '../../../core/ports/settings.js';
import type { Db } from '../database.js';

export class KyselySettingsRepository implements SettingsRepository {
  constructor(private readonly db: Db) {}

  async get<T>(key: string): Promise<T | undefined> {
    const row = await this.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst();
    // Both drivers hand jsonb back parsed (a stored JSON string arrives as a JS string).
    return row?.value as T | undefined;
  }

  async put(key: string, value: unknown, at: Date): Promise<void> {
    await this.db
      .insertInto('settings')
      .values({ key, value: JSON.stringify(value), updated_at: at })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: at }))
      .execute();
  }

  async getOrCreate<T>(key: string, make: () => T, at: Date): Promise<T> {
    await this.db
      .insertInto('settings')
      .values({ key, value: JSON.stringify(make()), updated_at: at })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    return (await this.get<T>(key)) as T;
  }
}
