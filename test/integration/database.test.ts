import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirLockedError } from '../../src/infra/db/data-dir-lock.js';
import { openDatabase } from '../../src/infra/db/database.js';
import { loadMigrations, migrate } from '../../src/infra/db/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

describe('database', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('db');
  });
  afterAll(() => t.close());

  it('applies every migration once and records it', async () => {
    const again = await migrate(t.database.db);
    expect(again).toEqual([]);
    const rows = await t.database.db.selectFrom('schema_migrations').select('version').execute();
    expect(rows.map((r) => r.version)).toEqual(loadMigrations().map((m) => m.version));
  });

  it('rolls a failed transaction back completely', async () => {
    const db = t.database.db;
    await expect(
      db.transaction().execute(async (trx) => {
        await trx
          .insertInto('settings')
          .values({ key: 'probe', value: JSON.stringify(1), updated_at: new Date() })
          .execute();
        await sql`select 1/0`.execute(trx);
      }),
    ).rejects.toThrow();
    const row = await db.selectFrom('settings').selectAll().where('key', '=', 'probe').executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it.runIf(!process.env.TEST_DATABASE_URL)('refuses a second open of the same PGlite directory', async () => {
    await expect(openDatabase({ databaseUrl: undefined, dataDir: t.dataDir })).rejects.toBeInstanceOf(
      DataDirLockedError,
    );
  });
});
