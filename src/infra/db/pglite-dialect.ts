import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type { PGliteSession } from './pglite-thread.js';

/**
 * Kysely over PGlite. PGlite is one session, on its own thread (pglite-thread.ts) which runs calls
 * in the order they arrive. Single statements are sent as soon as they are made, so the thread
 * never idles while this one is busy; a transaction takes the session from its `begin` to its end,
 * and statements from elsewhere wait for it here rather than landing inside it.
 * (Kysely 0.29 ships a PGlite dialect but needs Node 22; this is the 0.28 equivalent.)
 */
export class PGliteDialect implements Dialect {
  constructor(private readonly pglite: PGliteSession) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PGliteDriver(this.pglite);
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}

class PGliteConnection implements DatabaseConnection {
  constructor(
    private readonly pglite: PGliteSession,
    private readonly session: SessionOwnership,
  ) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    await this.session.admit(this);
    // Without parameters use the simple protocol, which (like pg) accepts several statements:
    // migrations are scripts.
    const result =
      compiled.parameters.length === 0
        ? await this.pglite.exec(compiled.sql)
        : await this.pglite.query(compiled.sql, compiled.parameters);
    if (!result) return { rows: [] };
    const dml = /^(INSERT|UPDATE|DELETE|MERGE)/i.test(result.command ?? '');
    const affected = result.affectedRows ?? 0;
    return { rows: result.rows as R[], ...(dml ? { numAffectedRows: BigInt(affected) } : {}) };
  }

  async *streamQuery<R>(compiled: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    // PGlite has no cursors over its wire; callers stream with keyset pages instead.
    yield await this.executeQuery<R>(compiled);
  }
}

/** Which connection's transaction holds the session, if any. */
class SessionOwnership {
  private owner: DatabaseConnection | undefined;
  private ended: Promise<void> = Promise.resolve();
  private end: () => void = () => {};

  /** Resolves once `connection` may send: no transaction is open, or it is its own. */
  async admit(connection: DatabaseConnection): Promise<void> {
    while (this.owner && this.owner !== connection) await this.ended;
  }

  async take(connection: DatabaseConnection): Promise<void> {
    while (this.owner) await this.ended;
    this.owner = connection;
    this.ended = new Promise<void>((resolve) => {
      this.end = resolve;
    });
  }

  holds(connection: DatabaseConnection): boolean {
    return this.owner === connection;
  }

  give(connection: DatabaseConnection): void {
    if (this.owner !== connection) return;
    this.owner = undefined;
    this.end();
  }
}

class PGliteDriver implements Driver {
  private readonly session = new SessionOwnership();

  constructor(private readonly pglite: PGliteSession) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new PGliteConnection(this.pglite, this.session);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const iso = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : '';
    await this.session.take(connection);
    try {
      await connection.executeQuery(CompiledQuery.raw(`begin${iso}`));
    } catch (err) {
      this.session.give(connection);
      throw err;
    }
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await this.finish(connection, 'commit');
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await this.finish(connection, 'rollback');
  }

  private async finish(connection: DatabaseConnection, statement: 'commit' | 'rollback'): Promise<void> {
    try {
      await connection.executeQuery(CompiledQuery.raw(statement));
    } finally {
      this.session.give(connection);
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    // A transaction released without commit or rollback must not hold the session, nor stay open.
    if (this.session.holds(connection)) await this.finish(connection, 'rollback');
  }

  async destroy(): Promise<void> {
    await this.pglite.close();
  }
}
