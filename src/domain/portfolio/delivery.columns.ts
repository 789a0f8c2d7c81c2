// The organisation's delivery events as columns of numbers for the DORA sweep. The database joins
// each field of each application's events into one list (group_concat / string_agg), so a year of
// half a million events never becomes half a million row objects; on SQLite the statements are
// prepared once on the raw connection, inside the caller's transaction.
import type Database from 'better-sqlite3';
import { sql } from 'kysely';
import type { Executor, Tx } from '../../store/store.ts';
import type { EventColumns } from './dora.ts';
import { doraKey, emptyColumns } from './dora.ts';

const sqliteOf = (ex: Executor): Database.Database | undefined =>
  'sqlite' in ex ? (ex as Tx).sqlite : undefined;

/** Unsigned integers in "n,n,,n" (empty for none) as numbers (NaN for none). */
export function parseList(text: string | null): Float64Array {
  if (!text) return new Float64Array(0);
  let n = 1;
  for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) === 44) n++;
  const out = new Float64Array(n);
  let j = 0;
  let v = 0;
  let has = false;
  const len = text.length;
  for (let k = 0; k <= len; k++) {
    const ch = k < len ? text.charCodeAt(k) : 44;
    if (ch >= 48 && ch <= 57) {
      v = v * 10 + (ch - 48);
      has = true;
      continue;
    }
    out[j++] = has ? v : NaN;
    v = 0;
    has = false;
  }
  return out;
}

/** What each query returns per event: one list per field. */
const SHAPES = {
  change: {
    kinds: ['change'],
    fields: ['e.at_ms / 1000', 'e.committed_ms / 1000', 'e.sha_key', 'e.head_key'],
  },
  deployment: {
    kinds: ['deployment'],
    fields: [
      "(e.status = 'success')",
      'e.at_ms / 1000',
      'e.sha_key',
      'e.ref_key',
      'e.rework',
      'e.env_key',
    ],
  },
  incident: {
    kinds: ['incident-opened', 'incident-resolved', 'incident-reopened'],
    fields: [
      "(case e.kind when 'incident-opened' then 3 when 'incident-resolved' then 4 else 5 end)",
      'e.at_ms / 1000',
      'e.ref_key',
      'e.sha_key',
    ],
  },
} as const;
type Shape = keyof typeof SHAPES;

const sqliteEvents = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/**
 * Each application's events of one shape: the database joins each field of all its events into
 * one list, so rows never become objects one by one.
 */
async function lists(
  ex: Executor,
  shape: Shape,
  orgId: string,
  from: number,
  to: number,
  appId?: string,
): Promise<[string, ...(string | null)[]][]> {
  const { kinds, fields } = SHAPES[shape];
  const raw = sqliteOf(ex);
  if (raw) {
    let cache = sqliteEvents.get(raw);
    if (!cache) {
      cache = new Map<string, Database.Statement>();
      sqliteEvents.set(raw, cache);
    }
    const key = `${shape}${appId ? '1' : ''}`;
    let st = cache.get(key);
    if (!st) {
      st = raw
        .prepare(
          `select e.app_id, ${fields.map((f) => `group_concat(ifnull(${f}, ''), ',')`).join(', ')}
           from delivery_event e indexed by delivery_event_compute
           where e.org_id = ? and e.kind in (${kinds.map((k) => `'${k}'`).join(', ')})
             and e.at_ms >= ? and e.at_ms < ? ${appId ? 'and e.app_id = ?' : ''}
           group by e.app_id`,
        )
        .raw(true);
      cache.set(key, st);
    }
    return (appId ? st.all(orgId, from, to, appId) : st.all(orgId, from, to)) as [
      string,
      ...(string | null)[],
    ][];
  }
  const cols = fields.map(
    (f, i) =>
      sql`string_agg(coalesce(cast(${sql.raw(f.replace("(e.status = 'success')", "(case when e.status = 'success' then 1 else 0 end)"))} as text), ''), ',' order by e.at_ms, e.event_id) as ${sql.ref(`f${i}`)}`,
  );
  const rows = await sql<Record<string, string | null>>`
    select e.app_id, ${sql.join(cols)}
    from delivery_event e
    where e.org_id = ${orgId} and e.kind in (${sql.join([...kinds])})
      and e.at_ms >= ${from} and e.at_ms < ${to}
      ${appId ? sql`and e.app_id = ${appId}` : sql``}
    group by e.app_id`.execute(ex.db);
  return rows.rows.map((r) => [r.app_id!, ...fields.map((_, i) => r[`f${i}`] ?? null)]);
}

/**
 * Each application's production events in [from, to) ms, as columns for the sweep (the order
 * does not matter: the sweep sorts).
 */
export async function productionEvents(
  ex: Executor,
  orgId: string,
  from: number,
  to: number,
  appId?: string,
): Promise<Map<string, EventColumns>> {
  const production = new Map(
    (
      await ex.db
        .selectFrom('application')
        .select(['app_id', 'production_environment'])
        .where('org_id', '=', orgId)
        .execute()
    ).map((a) => [a.app_id, doraKey(a.production_environment.toLowerCase())]),
  );
  let q = ex.db
    .selectFrom('delivery_event')
    .select(['app_id', 'at_ms', 'ref_key', 'changes'])
    .where('org_id', '=', orgId)
    .where('changes', 'is not', null)
    .where('at_ms', '>=', from)
    .where('at_ms', '<', to);
  if (appId) q = q.where('app_id', '=', appId);
  const explicit = new Map<string, number[]>();
  for (const r of await q.execute())
    explicit.set(
      `${r.app_id}|${Math.floor(r.at_ms / 1000) * 1000}|${r.ref_key}`,
      (JSON.parse(r.changes!) as string[]).map(doraKey),
    );
  const parts = new Map<string, Partial<Record<Shape, Float64Array[]>>>();
  let total = 0;
  for (const shape of Object.keys(SHAPES) as Shape[]) {
    for (const [app, ...texts] of await lists(ex, shape, orgId, from, to, appId)) {
      const cols = texts.map(parseList);
      total += cols[0]!.length;
      const p = parts.get(app) ?? {};
      p[shape] = cols;
      parts.set(app, p);
    }
  }
  const all = emptyColumns(total);
  const out = new Map<string, EventColumns>();
  let i = 0;
  for (const [app, p] of parts) {
    const start = i;
    if (p.change) {
      const [at, committed, sha, head] = p.change as [
        Float64Array,
        Float64Array,
        Float64Array,
        Float64Array,
      ];
      for (let k = 0; k < at.length; k++, i++) {
        all.code[i] = 0;
        all.at[i] = at[k]! * 1000;
        all.committed[i] = committed[k]! * 1000;
        all.sha[i] = sha[k]!;
        all.head[i] = head[k]!;
        all.ref[i] = NaN;
        all.rework[i] = 0;
      }
    }
    if (p.deployment) {
      const [ok, at, sha, ref, rework, env] = p.deployment as [
        Float64Array,
        Float64Array,
        Float64Array,
        Float64Array,
        Float64Array,
        Float64Array,
      ];
      const prod = production.get(app) ?? -1;
      for (let k = 0; k < at.length; k++) {
        // Deployments to another environment do not count; one naming none is production.
        if (!Number.isNaN(env[k]!) && env[k] !== prod) continue;
        all.code[i] = ok[k] === 1 ? 1 : 2;
        all.at[i] = at[k]! * 1000;
        all.committed[i] = NaN;
        all.sha[i] = sha[k]!;
        all.head[i] = NaN;
        all.ref[i] = ref[k]!;
        all.rework[i] = rework[k] === 1 ? 1 : 0;
        i++;
      }
    }
    if (p.incident) {
      const [code, at, ref, sha] = p.incident as [
        Float64Array,
        Float64Array,
        Float64Array,
        Float64Array,
      ];
      for (let k = 0; k < at.length; k++, i++) {
        all.code[i] = code[k]!;
        all.at[i] = at[k]! * 1000;
        all.committed[i] = NaN;
        all.sha[i] = sha[k]!;
        all.head[i] = NaN;
        all.ref[i] = ref[k]!;
        all.rework[i] = 0;
      }
    }
    const cols: EventColumns = {
      length: i - start,
      code: all.code.subarray(start, i),
      at: all.at.subarray(start, i),
      committed: all.committed.subarray(start, i),
      sha: all.sha.subarray(start, i),
      head: all.head.subarray(start, i),
      ref: all.ref.subarray(start, i),
      rework: all.rework.subarray(start, i),
      changes: new Map(),
    };
    if (explicit.size)
      for (let k = 0; k < cols.length; k++) {
        const named = explicit.get(`${app}|${cols.at[k]}|${cols.ref[k]}`);
        if (named && (cols.code[k] === 1 || cols.code[k] === 2)) cols.changes.set(k, named);
      }
    out.set(app, cols);
  }
  return out;
}
