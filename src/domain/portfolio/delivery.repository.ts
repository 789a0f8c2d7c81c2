// SQL for delivery events. Inserts ignore an event already stored (the unique key makes a
// redelivered or repeated event count once). On SQLite the insert is a prepared better-sqlite3
// statement, used inside a transaction only.
import type Database from 'better-sqlite3';
import type { Executor, Tx } from '../../store/store.ts';
import type { DeliveryEventTable } from './portfolio.table.ts';

const EVENT_COLUMNS = [
  'event_id',
  'org_id',
  'app_id',
  'kind',
  'source',
  'dedupe_key',
  'occurred_at',
  'ref',
  'sha',
  'committed_at',
  'head_sha',
  'environment',
  'status',
  'rework',
  'changes',
  'received_at',
  'at_ms',
  'committed_ms',
  'sha_key',
  'head_key',
  'ref_key',
  'env_key',
] as const;

interface Statements {
  insertEvent: Database.Statement;
}
const cache = new WeakMap<Database.Database, Statements>();

function stmts(raw: Database.Database): Statements {
  let s = cache.get(raw);
  if (!s) {
    s = {
      insertEvent: raw.prepare(
        `insert into delivery_event (${EVENT_COLUMNS.join(', ')}) values (${EVENT_COLUMNS.map(() => '?').join(', ')}) on conflict do nothing`,
      ),
    };
    cache.set(raw, s);
  }
  return s;
}

const sqliteOf = (ex: Executor): Database.Database | undefined =>
  'sqlite' in ex ? (ex as Tx).sqlite : undefined;

/** Stores the events not already stored; returns how many were new. */
export async function insertEvents(ex: Executor, rows: DeliveryEventTable[]): Promise<number> {
  if (rows.length === 0) return 0;
  const raw = sqliteOf(ex);
  if (raw) {
    const s = stmts(raw).insertEvent;
    let n = 0;
    for (const r of rows) n += s.run(...EVENT_COLUMNS.map((c) => r[c])).changes;
    return n;
  }
  let n = 0;
  for (let i = 0; i < rows.length; i += 500) {
    const r = await ex.db
      .insertInto('delivery_event')
      .values(rows.slice(i, i + 500))
      .onConflict((oc) => oc.columns(['org_id', 'app_id', 'dedupe_key']).doNothing())
      .executeTakeFirst();
    n += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  return n;
}

export async function recentEvents(
  ex: Executor,
  orgId: string,
  appId: string,
  limit: number,
): Promise<DeliveryEventTable[]> {
  return ex.db
    .selectFrom('delivery_event')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('app_id', '=', appId)
    .orderBy('occurred_at', 'desc')
    .limit(limit)
    .execute();
}
