// The one store module. SQLite (better-sqlite3, WAL, foreign keys on) is the embedded default;
// PostgreSQL (pg) is selected by a postgres:// URL. Both are reached through Kysely with the same
// table types, so repositories are written once. Hot paths that must run at raw-driver speed on
// SQLite (the audit log, bulk loads) use `tx.sqlite` — only inside a transaction, where Kysely's
// single SQLite connection is held by us and nothing else can interleave.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { SqliteDatabase } from 'kysely';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { AccordError } from '../errors.ts';
import { redactUrl } from '../config.ts';
import { checkpointsAside, committed, stopCheckpoints } from './checkpoint-aside.ts';
import type { DB } from './schema.ts';

export type DialectName = 'sqlite' | 'postgres';

/** What repositories receive: the database or a transaction, and which dialect it speaks. */
export interface Executor {
  readonly db: Kysely<DB>;
  readonly dialect: DialectName;
}

export interface Tx extends Executor {
  readonly isTransaction: true;
  /** The raw better-sqlite3 handle, for hot paths; undefined on PostgreSQL. */
  readonly sqlite: Database.Database | undefined;
  /** The transaction's own PostgreSQL client, for COPY; undefined on SQLite. */
  readonly pg: pg.PoolClient | undefined;
  /** Runs just before COMMIT, inside the transaction (the audit log flushes here). */
  beforeCommit(key: object, fn: () => Promise<void> | void): void;
  /** Runs after a successful COMMIT (in-memory caches move forward here). */
  afterCommit(fn: () => void): void;
  /** Runs after a ROLLBACK (connection settings a bulk job changed are put back here). */
  afterRollback(fn: () => void): void;
  /** Scratch space for one transaction, keyed by the module that owns it. */
  readonly local: Map<object, unknown>;
}

export interface Store extends Executor {
  readonly isTransaction: false;
  readonly url: string;
  /** Runs `fn` in one transaction (BEGIN IMMEDIATE on SQLite). Reuses `outer` when given one. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * A separate read-only connection for long scans (audit verification, exports) that must not
   * hold the writer's connection. On PostgreSQL the pool already gives one; `raw` is SQLite only.
   */
  reader(): Promise<Reader>;
  /**
   * A shared read-only SQLite connection for hot reads of committed data (audit proofs, policy
   * look-ups) at driver speed, without queueing behind the writer. Undefined on PostgreSQL.
   */
  fastReader(): Database.Database | undefined;
}

export interface Reader extends Executor {
  readonly raw: Database.Database | undefined;
  close(): Promise<void>;
}

export type Db = Store | Tx;

/** Runs `fn` in the caller's transaction when there is one, or in a new one. */
export function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction(fn);
}

class TxImpl implements Tx {
  readonly isTransaction = true as const;
  readonly local = new Map<object, unknown>();
  private readonly before = new Map<object, () => Promise<void> | void>();
  private readonly after: (() => void)[] = [];
  private readonly undone: (() => void)[] = [];
  constructor(
    readonly db: Kysely<DB>,
    readonly dialect: DialectName,
    readonly sqlite: Database.Database | undefined,
    readonly pg: pg.PoolClient | undefined = undefined,
  ) {}
  beforeCommit(key: object, fn: () => Promise<void> | void): void {
    // Keyed, so a module registers its flush once however many times it writes.
    if (!this.before.has(key)) this.before.set(key, fn);
  }
  afterCommit(fn: () => void): void {
    this.after.push(fn);
  }
  async runBeforeCommit(): Promise<void> {
    // A flush may register further work (e.g. the audit log writing a checkpoint); run to fixpoint.
    const done = new Set<object>();
    for (;;) {
      const next = [...this.before.entries()].find(([k]) => !done.has(k));
      if (!next) return;
      done.add(next[0]);
      await next[1]();
    }
  }
  runAfterCommit(): void {
    for (const fn of this.after) fn();
  }
  afterRollback(fn: () => void): void {
    this.undone.push(fn);
  }
  runAfterRollback(): void {
    for (const fn of this.undone) fn();
  }
}

function openSqlite(file: string, readonly = false): { db: Kysely<DB>; raw: Database.Database } {
  if (file !== ':memory:' && !readonly) fs.mkdirSync(path.dirname(file), { recursive: true });
  const raw = new Database(file, { readonly, fileMustExist: readonly });
  if (!readonly) raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 10000');
  if (!readonly) checkpointsAside(raw);
  return {
    db: new Kysely<DB>({ dialect: new SqliteDialect({ database: keptStatements(raw) }) }),
    raw,
  };
}

/**
 * Bulk work on SQLite (an import, the retention sweep) touches index pages in random order: keyed
 * identifier hashes. With the default 2 MiB page cache nearly every such step misses it, so the
 * bulk job widens the connection's cache for its own duration and gives the memory back after.
 */
export function widenCache(raw: Database.Database, mib = 64): () => void {
  const before = raw.pragma('cache_size', { simple: true }) as number;
  raw.pragma(`cache_size = -${mib * 1024}`);
  return () => raw.pragma(`cache_size = ${before}`);
}

const KEPT_STATEMENTS = 1000;

/**
 * The connection as Kysely sees it, keeping prepared statements by their SQL text: Kysely asks for
 * a new statement for every query, and preparing is a good part of a small query's cost. A kept
 * statement still iterating (a streamed read) is not shared: that query gets a fresh one.
 */
function keptStatements(raw: Database.Database): SqliteDatabase {
  const kept = new Map<string, Database.Statement>();
  return {
    close: () => raw.close(),
    prepare(text: string) {
      let stmt = kept.get(text);
      if (stmt && !stmt.busy) return stmt;
      stmt = raw.prepare(text);
      if (kept.size >= KEPT_STATEMENTS) kept.delete(kept.keys().next().value as string);
      kept.set(text, stmt);
      return stmt;
    },
  };
}

// Timestamps and 64-bit integers come back from pg as the same JS types SQLite gives us
// (ISO strings and numbers), so repositories and mappers do not branch on the dialect.
const pgTypes = new pg.TypeOverrides();
pgTypes.setTypeParser(20, (v: string) => Number(v)); // int8
pgTypes.setTypeParser(1184, (v: string) =>
  new Date(v.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00')).toISOString(),
);

/** Fails any query made on the store's own Kysely while a transaction runs in the same async context. */
class OutsideTransactionGuard implements KyselyPlugin {
  constructor(private readonly inTx: AsyncLocalStorage<true>) {}
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (this.inTx.getStore()) {
      throw new Error(
        'A query on the store inside a transaction: use the transaction (tx.db / gate.tx) instead',
      );
    }
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

export function openStore(url: string): Store {
  let db: Kysely<DB>;
  let raw: Database.Database | undefined;
  let dialect: DialectName;
  let pool: pg.Pool | undefined;
  if (url.startsWith('sqlite:')) {
    dialect = 'sqlite';
    ({ db, raw } = openSqlite(url.slice('sqlite:'.length)));
  } else {
    dialect = 'postgres';
    pool = new pg.Pool({ connectionString: url, max: 10, types: pgTypes });
    // An idle client that loses its server must not crash the process.
    pool.on('error', () => undefined);
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  }
  const sqliteRaw = raw;
  let fast: Database.Database | undefined;
  // Work inside a transaction must use the transaction. On SQLite a query on the store from
  // inside one would wait forever for the connection the transaction holds; on PostgreSQL it
  // would read outside the transaction. Both fail at once instead.
  const inTx = new AsyncLocalStorage<true>();
  const outside = db.withPlugin(new OutsideTransactionGuard(inTx));

  async function runTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    if (dialect === 'sqlite') {
      // BEGIN IMMEDIATE takes the write lock up front, so two processes on one file queue on
      // busy_timeout instead of failing when a read transaction tries to become a writer.
      return db.connection().execute(async (conn) => {
        const tx = new TxImpl(conn, dialect, sqliteRaw);
        await sql`begin immediate`.execute(conn);
        let result: T;
        try {
          result = await fn(tx);
          await tx.runBeforeCommit();
          await sql`commit`.execute(conn);
        } catch (e) {
          await sql`rollback`.execute(conn).catch(() => undefined);
          tx.runAfterRollback();
          throw e;
        }
        committed(sqliteRaw!);
        // Outside the transaction's context: work it starts (an outbox flush) uses the store.
        inTx.exit(() => tx.runAfterCommit());
        return result;
      });
    }
    // PostgreSQL: one pooled client for the whole transaction, with a Kysely bound to it, so bulk
    // loads can COPY on the same connection (tx.pg).
    const client = await pool!.connect();
    const bound = { query: client.query.bind(client), release: () => undefined };
    const trx = new Kysely<DB>({
      dialect: new PostgresDialect({
        pool: { connect: async () => bound, end: async () => undefined },
      }),
    });
    const tx = new TxImpl(trx, dialect, undefined, client);
    let result: T;
    try {
      await client.query('begin');
      result = await fn(tx);
      await tx.runBeforeCommit();
      await client.query('commit');
    } catch (e) {
      await client.query('rollback').catch(() => undefined);
      tx.runAfterRollback();
      throw e;
    } finally {
      client.release();
    }
    // Outside the transaction's context: work it starts (an outbox flush) uses the store.
    inTx.exit(() => tx.runAfterCommit());
    return result;
  }

  const store: Store = {
    isTransaction: false,
    db: outside,
    dialect,
    url,
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      if (inTx.getStore())
        throw new Error(
          'store.transaction() inside a transaction: pass the transaction (inTransaction) instead',
        );
      return inTx.run(true, () => runTransaction(fn));
    },
    async ping() {
      try {
        await sql`select 1`.execute(db);
      } catch (e) {
        throw new AccordError(
          'DATABASE_UNAVAILABLE',
          `The database at ${redactUrl(url)} cannot be reached: ${(e as Error).message}`,
        );
      }
    },
    async close() {
      if (sqliteRaw) await stopCheckpoints(sqliteRaw);
      fast?.close();
      fast = undefined;
      await db.destroy();
    },
    fastReader() {
      if (dialect !== 'sqlite') return undefined;
      const file = url.slice('sqlite:'.length);
      if (file === ':memory:') return undefined;
      fast ??= openSqlite(file, true).raw;
      return fast;
    },
    async reader() {
      if (dialect === 'postgres')
        return { db: outside, dialect, raw: undefined, close: async () => undefined };
      const r = openSqlite(url.slice('sqlite:'.length), true);
      return { db: r.db, dialect, raw: r.raw, close: () => r.db.destroy() };
    },
  };
  return store;
}
