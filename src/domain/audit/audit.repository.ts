// SQL for the audit log. Plain functions taking the executor first. On SQLite the write path and
// the bulk reads use prepared better-sqlite3 statements (inside a transaction only); everything
// else goes through Kysely so it runs unchanged on PostgreSQL.
import type Database from 'better-sqlite3';
import { sql } from 'kysely';
import type { Executor, Tx } from '../../store/store.ts';
import type { AuditEntryTable, AuditTileTable, AuditCheckpointTable } from './audit.table.ts';
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
      insertEntry: raw.prepare(
        'insert into audit_entry (seq, at, org_id, actor, action, target, purpose, outcome, entry, leaf_hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      insertTile: raw.prepare('insert into audit_tile (level, idx, hashes) values (?, ?, ?)'),
      tail: raw.prepare('select coalesce(max(seq) + 1, 0) as n from audit_entry').pluck(),
      tile: raw.prepare('select hashes from audit_tile where level = ? and idx = ?').pluck(),
    };
    statements.set(raw, s);
  }
  return s;
}

/** The number of entries (the next seq). */
export async function tailSize(ex: Executor | Tx): Promise<number> {
  if ('sqlite' in ex && ex.sqlite) return stmts(ex.sqlite).tail.get() as number;
  const r = await ex.db
    .selectFrom('audit_entry')
    .select(sql<number>`coalesce(max(seq) + 1, 0)`.as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function insertEntries(tx: Tx, rows: AuditEntryTable[]): Promise<void> {
  if (tx.sqlite) {
    const ins = stmts(tx.sqlite).insertEntry;
    for (const r of rows)
      ins.run(
        r.seq,
        r.at,
        r.org_id,
        r.actor,
        r.action,
        r.target,
        r.purpose,
        r.outcome,
        r.entry,
        r.leaf_hash,
      );
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
 * Every entry in seq order, in keyset pages, for verification (memory stays flat). With a raw
 * SQLite connection the pages come from one prepared statement, at driver speed.
 */
export async function* entryBatches(
  ex: Executor,
  raw: Database.Database | undefined,
  batch: number,
): AsyncGenerator<{ seqs: number[]; entries: string[] }> {
  const page = raw
    ?.prepare('select seq, entry from audit_entry where seq > ? order by seq limit ?')
    .raw();
  let after = -1;
  for (;;) {
    const rows = page
      ? (page.all(after, batch) as [number, string][]).map(([seq, entry]) => ({ seq, entry }))
      : await ex.db
          .selectFrom('audit_entry')
          .select(['seq', 'entry'])
          .where('seq', '>', after)
          .orderBy('seq')
          .limit(batch)
          .execute();
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.seq;
    yield { seqs: rows.map((r) => r.seq), entries: rows.map((r) => r.entry) };
  }
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

/** The first entry whose indexed columns disagree with its hashed JSON (edited in place). */
export async function firstColumnMismatch(ex: Executor): Promise<number | null> {
  const q =
    ex.dialect === 'sqlite'
      ? sql<{ seq: number }>`select seq from audit_entry where
          json_extract(entry, '$.seq') is not seq or json_extract(entry, '$.at') is not at
          or json_extract(entry, '$.org') is not org_id or json_extract(entry, '$.actor') is not actor
          or json_extract(entry, '$.action') is not action or json_extract(entry, '$.target') is not target
          or json_extract(entry, '$.purpose') is not purpose or json_extract(entry, '$.outcome') is not outcome
          order by seq limit 1`
      : sql<{ seq: number }>`select seq from audit_entry, lateral (select entry::jsonb as j) e where
          (j->>'seq')::bigint is distinct from seq or (j->>'at')::timestamptz is distinct from at
          or j->>'org' is distinct from org_id or j->>'actor' is distinct from actor
          or j->>'action' is distinct from action or j->>'target' is distinct from target
          or j->>'purpose' is distinct from purpose or j->>'outcome' is distinct from outcome
          order by seq limit 1`;
  const r = await q.execute(ex.db);
  return r.rows[0] ? Number(r.rows[0].seq) : null;
}

export async function insertCheckpoint(tx: Tx, cp: AuditCheckpointTable): Promise<void> {
  await tx.db.insertInto('audit_checkpoint').values(cp).execute();
}

export async function latestCheckpoint(ex: Executor): Promise<AuditCheckpointTable | undefined> {
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

export async function getEntryRow(
  ex: Executor,
  seq: number,
): Promise<Omit<AuditEntryTable, 'leaf_hash'> | undefined> {
  return ex.db.selectFrom('audit_entry').select(COLUMNS).where('seq', '=', seq).executeTakeFirst();
}

export async function listEntryRows(
  ex: Executor,
  f: AuditFilter,
): Promise<Omit<AuditEntryTable, 'leaf_hash'>[]> {
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
