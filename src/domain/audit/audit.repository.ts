// SQL for the audit log. Plain functions taking the executor first. On SQLite the write path and
// the bulk reads use prepared better-sqlite3 statements (inside a transaction only); everything
// else goes through Kysely so it runs unchanged on PostgreSQL.
import type Database from 'better-sqlite3';
import { sql } from 'kysely';
import type { Executor, Store, Tx } from '../../store/store.ts';
import type {
  AuditTileTable,
  AuditCheckpointTable,
  AuditEntryRow,
  NewAuditEntry,
} from './audit.table.ts';
import type { AuditFilter } from './audit.types.ts';
import { TILE_BYTES } from './tree-state.ts';

const COLUMNS = [
  'seq',
  'at',
  'org_id',
  'actor',
  'action',
  'target',
  'purpose',
  'outcome',
  'entry',
] as const;

interface SqliteStatements {
  insertEntry: Database.Statement;
  insertTile: Database.Statement;
  tail: Database.Statement;
  tile: Database.Statement;
}
const statements = new WeakMap<Database.Database, SqliteStatements>();

function stmts(raw: Database.Database): SqliteStatements {
  let s = statements.get(raw);
  if (!s) {
    s = {
      insertEntry: raw.prepare('insert into audit_entry (seq, entry, leaf_hash) values (?, ?, ?)'),
      insertTile: raw.prepare('insert into audit_tile (level, idx, hashes) values (?, ?, ?)'),
      tail: raw.prepare('select coalesce(max(seq) + 1, 0) as n from audit_entry').pluck(),
      tile: raw.prepare('select hashes from audit_tile where level = ? and idx = ?').pluck(),
    };
    statements.set(raw, s);
  }
  return s;
}

/** Prepared statements on the store's read-only connection, for proofs. */
interface FastReads {
  /** The hashed text of one entry (what a proof needs). */
  entry: Database.Statement;
  latestCheckpoint: Database.Statement;
}
const fastReads = new WeakMap<Database.Database, FastReads>();

function fastOf(ex: Executor | Tx): { raw: Database.Database; s: FastReads } | undefined {
  const raw = 'fastReader' in ex ? (ex as Store).fastReader() : undefined;
  if (!raw) return undefined;
  let s = fastReads.get(raw);
  if (!s) {
    s = {
      entry: raw.prepare('select entry from audit_entry where seq = ?').pluck(),
      latestCheckpoint: raw.prepare('select * from audit_checkpoint order by size desc limit 1'),
    };
    fastReads.set(raw, s);
  }
  return { raw, s };
}

/** The number of entries (the next seq). */
export async function tailSize(ex: Executor | Tx): Promise<number> {
  if ('sqlite' in ex && ex.sqlite) return stmts(ex.sqlite).tail.get() as number;
  const fast = fastOf(ex);
  if (fast) return stmts(fast.raw).tail.get() as number;
  const r = await ex.db
    .selectFrom('audit_entry')
    .select(sql<number>`coalesce(max(seq) + 1, 0)`.as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function insertEntries(tx: Tx, rows: NewAuditEntry[]): Promise<void> {
  if (tx.sqlite) {
    const ins = stmts(tx.sqlite).insertEntry;
    for (const r of rows) ins.run(r.seq, r.entry, r.leaf_hash);
    return;
  }
  for (let i = 0; i < rows.length; i += 1000) {
    await tx.db
      .insertInto('audit_entry')
      .values(rows.slice(i, i + 1000))
      .execute();
  }
}

export async function insertTiles(tx: Tx, tiles: AuditTileTable[]): Promise<void> {
  if (tiles.length === 0) return;
  if (tx.sqlite) {
    const ins = stmts(tx.sqlite).insertTile;
    for (const t of tiles) ins.run(t.level, t.idx, t.hashes);
    return;
  }
  for (const t of tiles) await tx.db.insertInto('audit_tile').values(t).execute();
}

export async function getTile(
  ex: Executor | Tx,
  level: number,
  idx: number,
): Promise<Buffer | undefined> {
  if ('sqlite' in ex && ex.sqlite)
    return stmts(ex.sqlite).tile.get(level, idx) as Buffer | undefined;
  const fast = fastOf(ex);
  if (fast) return stmts(fast.raw).tile.get(level, idx) as Buffer | undefined;
  const r = await ex.db
    .selectFrom('audit_tile')
    .select('hashes')
    .where('level', '=', level)
    .where('idx', '=', idx)
    .executeTakeFirst();
  return r?.hashes;
}

export async function getTiles(
  ex: Executor,
  level: number,
  from: number,
  to: number,
): Promise<AuditTileTable[]> {
  return ex.db
    .selectFrom('audit_tile')
    .selectAll()
    .where('level', '=', level)
    .where('idx', '>=', from)
    .where('idx', '<', to)
    .orderBy('idx')
    .execute();
}

/** The root hash (last 32 bytes) of the full tiles [from, from+count) at a tile level. */
export async function tileRoots(
  ex: Executor,
  level: number,
  from: number,
  count: number,
): Promise<Buffer[]> {
  if (count === 0) return [];
  const start = TILE_BYTES - 32 + 1;
  const rows = await ex.db
    .selectFrom('audit_tile')
    .select(
      ex.dialect === 'sqlite'
        ? sql<Buffer>`substr(hashes, ${start}, 32)`.as('root')
        : sql<Buffer>`substring(hashes from ${start} for 32)`.as('root'),
    )
    .where('level', '=', level)
    .where('idx', '>=', from)
    .where('idx', '<', from + count)
    .orderBy('idx')
    .execute();
  return rows.map((r) => r.root);
}

export async function entryTexts(
  ex: Executor,
  from: number,
  to: number,
): Promise<{ seq: number; entry: string }[]> {
  if (to <= from) return [];
  return ex.db
    .selectFrom('audit_entry')
    .select(['seq', 'entry'])
    .where('seq', '>=', from)
    .where('seq', '<', to)
    .orderBy('seq')
    .execute();
}

/**
 * The entries with seq in [from, to), in order, by one range scan (the primary key). With a raw
 * SQLite connection this runs at driver speed; verification reads the whole log this way.
 */
export async function entryRange(
  ex: Executor,
  raw: Database.Database | undefined,
  from: number,
  to: number,
): Promise<string[]> {
  if (raw) {
    let s = rangeStatements.get(raw);
    if (!s)
      rangeStatements.set(
        raw,
        (s = raw
          .prepare('select entry from audit_entry where seq >= ? and seq < ? order by seq')
          .pluck()),
      );
    return s.all(from, to) as string[];
  }
  const rows = await ex.db
    .selectFrom('audit_entry')
    .select('entry')
    .where('seq', '>=', from)
    .where('seq', '<', to)
    .orderBy('seq')
    .execute();
  return rows.map((r) => r.entry);
}
const rangeStatements = new WeakMap<Database.Database, Database.Statement>();

/** The seq numbers present in [from, to), to find a gap. */
export async function seqsIn(ex: Executor, from: number, to: number): Promise<number[]> {
  const rows = await ex.db
    .selectFrom('audit_entry')
    .select('seq')
    .where('seq', '>=', from)
    .where('seq', '<', to)
    .orderBy('seq')
    .execute();
  return rows.map((r) => r.seq);
}

/** Entries with their stored leaf hashes, for pinpointing an altered entry in a range. */
export async function entriesWithLeaves(
  ex: Executor,
  from: number,
  to: number,
): Promise<{ seq: number; entry: string; leaf_hash: Buffer }[]> {
  return ex.db
    .selectFrom('audit_entry')
    .select(['seq', 'entry', 'leaf_hash'])
    .where('seq', '>=', from)
    .where('seq', '<', to)
    .orderBy('seq')
    .execute();
}

export async function insertCheckpoint(tx: Tx, cp: AuditCheckpointTable): Promise<void> {
  await tx.db.insertInto('audit_checkpoint').values(cp).execute();
}

export async function latestCheckpoint(ex: Executor): Promise<AuditCheckpointTable | undefined> {
  const fast = fastOf(ex);
  if (fast) return fast.s.latestCheckpoint.get() as AuditCheckpointTable | undefined;
  return ex.db
    .selectFrom('audit_checkpoint')
    .selectAll()
    .orderBy('size', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function checkpointCovering(
  ex: Executor,
  seq: number,
): Promise<AuditCheckpointTable | undefined> {
  return ex.db
    .selectFrom('audit_checkpoint')
    .selectAll()
    .where('size', '>', seq)
    .orderBy('size', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function allCheckpoints(ex: Executor): Promise<AuditCheckpointTable[]> {
  return ex.db.selectFrom('audit_checkpoint').selectAll().orderBy('size').execute();
}

/** The hashed text of entry `seq`, or undefined. */
export async function entryText(ex: Executor, seq: number): Promise<string | undefined> {
  const fast = fastOf(ex);
  if (fast) return fast.s.entry.get(seq) as string | undefined;
  const r = await ex.db
    .selectFrom('audit_entry')
    .select('entry')
    .where('seq', '=', seq)
    .executeTakeFirst();
  return r?.entry;
}

export async function getEntryRow(
  ex: Executor,
  seq: number,
): Promise<Omit<AuditEntryRow, 'leaf_hash'> | undefined> {
  return ex.db.selectFrom('audit_entry').select(COLUMNS).where('seq', '=', seq).executeTakeFirst();
}

export async function listEntryRows(
  ex: Executor,
  f: AuditFilter,
): Promise<Omit<AuditEntryRow, 'leaf_hash'>[]> {
  let q = ex.db.selectFrom('audit_entry').select(COLUMNS);
  if (f.orgId !== undefined)
    q = f.orgId === null ? q.where('org_id', 'is', null) : q.where('org_id', '=', f.orgId);
  if (f.actor) q = q.where('actor', '=', f.actor);
  if (f.action) q = q.where('action', '=', f.action);
  if (f.target) q = q.where('target', '=', f.target);
  if (f.before !== undefined) q = q.where('seq', '<', f.before);
  return q
    .orderBy('seq', 'desc')
    .limit(Math.min(f.limit ?? 50, 500))
    .execute();
}
