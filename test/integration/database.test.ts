import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnavailableError, UniqueViolationError } from '../../src/core/errors.js';
import { DataDirLockedError } from '../../src/infra/db/data-dir-lock.js';
import { openDatabase } from '../../src/infra/db/database.js';
import { translateDbError } from '../../src/infra/db/db-errors.js';
import { loadMigrations, migrate } from '../../src/infra/db/migrate.js';
import { openPGliteThread } from '../../src/infra/db/pglite-thread.js';
import { CLI, ensureCliBuilt } from '../support/cli-process.js';
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

  it('keeps the SQLSTATE and detail of a failed statement, which decide how it is answered', async () => {
    const db = t.database.db;
    const row = { key: 'twice', value: JSON.stringify(1), updated_at: new Date() };
    await db.insertInto('settings').values(row).execute();
    const err = await db
      .insertInto('settings')
      .values(row)
      .execute()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: '23505', detail: expect.stringContaining('(key)=(twice)') });
    expect(translateDbError(err)).toBeInstanceOf(UniqueViolationError);
    // Values of every kind come back as JavaScript types the repos read the same way on both databases.
    const back = await sql<{ n: number; at: Date; bytes: Uint8Array; doc: unknown }>`
      select 7::int as n, timestamptz '2026-01-02T03:04:05.678Z' as at, '\\x0102ff'::bytea as bytes,
             '{"a":[1,"b"]}'::jsonb as doc`.execute(db);
    const { bytes, ...rest } = back.rows[0]!;
    expect(rest).toEqual({ n: 7, at: new Date('2026-01-02T03:04:05.678Z'), doc: { a: [1, 'b'] } });
    // Buffer on pg, Uint8Array on PGlite: both are byte arrays.
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect([...bytes]).toEqual([1, 2, 255]);
  });

  it.runIf(!process.env.TEST_DATABASE_URL)('refuses a second open of the same PGlite directory', async () => {
    await expect(openDatabase({ databaseUrl: undefined, dataDir: t.dataDir })).rejects.toBeInstanceOf(
      DataDirLockedError,
    );
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)('a PostgreSQL database', () => {
  it('is refused unless encoded in UTF-8, with the encoding named', async () => {
    const admin = new URL(process.env.TEST_DATABASE_URL as string);
    const name = `invoicehub_latin1_${process.pid}`;
    const server = await openDatabase({ databaseUrl: admin.toString(), dataDir: os.tmpdir() });
    try {
      await sql.raw(`drop database if exists ${name}`).execute(server.db);
      await sql
        .raw(`create database ${name} encoding 'LATIN1' template template0 lc_collate 'C' lc_ctype 'C'`)
        .execute(server.db);
      const url = new URL(admin);
      url.pathname = `/${name}`;
      const latin1 = await openDatabase({ databaseUrl: url.toString(), dataDir: os.tmpdir() });
      try {
        await expect(migrate(latin1.db)).rejects.toThrow(/encoded in LATIN1: invoicehub needs UTF8/);
        const tables =
          await sql`select count(*)::int as n from pg_tables where schemaname = 'public'`.execute(latin1.db);
        expect(tables.rows).toEqual([{ n: 0 }]);
      } finally {
        await latin1.close();
      }
    } finally {
      await sql.raw(`drop database if exists ${name}`).execute(server.db);
      await server.close();
    }
  });

  it('fails a transaction whose connection the server terminates as unavailable, and serves the next query', async () => {
    const server = await openDatabase({ databaseUrl: process.env.TEST_DATABASE_URL, dataDir: os.tmpdir() });
    try {
      const err = await server.db
        .transaction()
        .execute(async (trx) => {
          const own = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
          await sql`select pg_terminate_backend(${own.rows[0]?.pid})`.execute(server.db);
          // Until the client has seen its connection end: then pg fails the query and the ROLLBACK
          // after it with errors of its own, which carry no code.
          await new Promise((resolve) => setTimeout(resolve, 200));
          await sql`select 1`.execute(trx);
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(translateDbError(err)).toBeInstanceOf(UnavailableError);
      expect((await sql<{ one: number }>`select 1 as one`.execute(server.db)).rows).toEqual([{ one: 1 }]);
    } finally {
      await server.close();
    }
  });
});

describe.runIf(!process.env.TEST_DATABASE_URL)('PGlite on its own thread', () => {
  it('fails to open a directory that cannot hold a cluster, instead of hanging', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pglite-bad-')), 'not-a-dir');
    fs.writeFileSync(file, 'x');
    await expect(openPGliteThread(path.join(file, 'pglite'))).rejects.toThrow(/ENOTDIR|not a directory/i);
  });

  it('answers a call made after close with an error', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglite-closed-'));
    const session = await openPGliteThread(dir);
    expect((await session.query('select $1::int + 1 as n', [41])).rows).toEqual([{ n: 42 }]);
    await session.close();
    await expect(session.query('select 1', [])).rejects.toMatchObject({ code: '57P01' });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('does not keep a process alive once its calls are answered', () => {
    ensureCliBuilt();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglite-idle-'));
    const thread = pathToFileURL(path.join(path.dirname(CLI), 'infra/db/pglite-thread.js')).href;
    // Opens, queries and never closes: like a script that forgot to, it must still end.
    const program = `const { openPGliteThread } = await import(${JSON.stringify(thread)});
      const s = await openPGliteThread(${JSON.stringify(dir)});
      console.log(JSON.stringify((await s.query('select 1 as n', [])).rows));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', program], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(run.signal).toBeNull();
    expect(run.stdout.trim()).toBe('[{"n":1}]');
  }, 90_000);
});
