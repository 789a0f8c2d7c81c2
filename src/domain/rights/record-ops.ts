// What the rights module does to records, in the caller's transaction: destroy (record, its kept
// versions, and identifiers no remaining record needs), pseudonymise, restrict, and the rule for
// when a retention rule still requires a record to be kept.
import type Database from 'better-sqlite3';
import { sql } from 'kysely';
import type { Tx } from '../../store/store.ts';
import type { FieldInfo } from '../records/annotations.ts';
import { basisLabel } from '../records/lawful-bases.ts';
import type { InformationAssetTable } from '../records/records.table.ts';

const CHUNK = 500;

/**
 * On SQLite, the sweep's deletes as prepared statements on the transaction's connection. The
 * unary + keeps the planner on the subject index (record_identifier has no index on org_id
 * since migration 0014; record has one, but the primary key finds the chunk faster).
 */
interface SqliteDeletes {
  versions: Database.Statement;
  records: Database.Statement;
  /** Which of a chunk of subjects still have a record. */
  remaining: Database.Statement;
  orphans: Database.Statement;
}
const prepared = new WeakMap<Database.Database, SqliteDeletes>();
const marks = (n: number): string => Array(n).fill('?').join(',');

function sqliteDeletes(raw: Database.Database): SqliteDeletes {
  let s = prepared.get(raw);
  if (!s) {
    s = {
      versions: raw.prepare(`delete from record_version where record_id in (${marks(CHUNK)})`),
      records: raw.prepare(
        `delete from record where +org_id = ? and record_id in (${marks(CHUNK)})`,
      ),
      remaining: raw
        .prepare(
          `select distinct subject_id from record where org_id = ? and subject_id in (${marks(CHUNK)})`,
        )
        .pluck(),
      orphans: raw.prepare(
        `delete from record_identifier where +org_id = ? and subject_id in (${marks(CHUNK)})`,
      ),
    };
    prepared.set(raw, s);
  }
  return s;
}

/** A chunk padded to CHUNK values (with an id no row has) so one prepared statement serves all. */
const padded = (ids: readonly string[]): string[] =>
  ids.length === CHUNK ? [...ids] : [...ids, ...Array<string>(CHUNK - ids.length).fill('')];

/**
 * Lawful bases under which erasure does not apply while the retention period runs (UK GDPR
 * Art. 17(3)(b): a legal obligation, a task in the public interest or official authority; and
 * law-enforcement processing under DPA 2018 Part 3, where s.47 erasure yields to retention law).
 */
const KEEP_BASES = new Set(['art6-1-c', 'art6-1-e', 'dpa-part-3']);

/** Why the asset's retention rule requires keeping the record today, or null. */
export function retentionKeeps(
  asset: Pick<InformationAssetTable, 'name' | 'lawful_basis' | 'retention_period'>,
  retainUntil: string | null,
  today: string,
): string | null {
  if (!KEEP_BASES.has(asset.lawful_basis) || !retainUntil || retainUntil <= today) return null;
  return `the retention rule of ${asset.name} (${asset.retention_period ?? 'no period'}, held under ${basisLabel(asset.lawful_basis)}) requires keeping it until ${retainUntil}`;
}

/**
 * Deletes records, their kept versions, and the identifier-index entries of subjects left with
 * no record at all (so the person can no longer be found). Returns how many records went.
 */
export async function destroyRecords(
  tx: Tx,
  orgId: string,
  recordIds: readonly string[],
  subjectIds: readonly string[],
): Promise<number> {
  let n = 0;
  if (tx.sqlite) {
    const st = sqliteDeletes(tx.sqlite);
    // Most organisations have few corrected records: skip the versions table when it holds none.
    const versions = tx.sqlite
      .prepare('select 1 from record_version where org_id = ? limit 1')
      .get(orgId);
    for (let i = 0; i < recordIds.length; i += CHUNK) {
      const ids = padded(recordIds.slice(i, i + CHUNK));
      if (versions) st.versions.run(...ids);
      n += st.records.run(orgId, ...ids).changes;
    }
    const unique = [...new Set(subjectIds)];
    // One probe per subject for what remains, then the identifiers of those left with nothing.
    for (let i = 0; i < unique.length; i += CHUNK) {
      const chunk = unique.slice(i, i + CHUNK);
      const kept = new Set(st.remaining.all(orgId, ...padded(chunk)) as string[]);
      const gone = chunk.filter((x) => !kept.has(x));
      if (gone.length) st.orphans.run(orgId, ...padded(gone));
    }
    return n;
  }
  for (let i = 0; i < recordIds.length; i += CHUNK) {
    const ids = recordIds.slice(i, i + CHUNK);
    await tx.db.deleteFrom('record_version').where('record_id', 'in', ids).execute();
    const r = await tx.db
      .deleteFrom('record')
      .where('org_id', '=', orgId)
      .where('record_id', 'in', ids)
      .executeTakeFirst();
    n += Number(r.numDeletedRows);
  }
  await forgetOrphans(tx, orgId, subjectIds);
  return n;
}

/** Removes the identifier entries of subjects that no longer have any record. */
export async function forgetOrphans(
  tx: Tx,
  orgId: string,
  subjectIds: readonly string[],
): Promise<void> {
  const unique = [...new Set(subjectIds)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    await tx.db
      .deleteFrom('record_identifier')
      .where('org_id', '=', orgId)
      .where('subject_id', 'in', unique.slice(i, i + CHUNK))
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('record')
              .select(sql`1`.as('one'))
              .where('record.org_id', '=', orgId)
              .whereRef('record.subject_id', '=', 'record_identifier.subject_id'),
          ),
        ),
      )
      .execute();
  }
}

/**
 * The payload with the subject taken out: identifying fields replaced by a keyed token (the same
 * person gives the same token within the organisation, so statistics still link), other free
 * text about a person dropped, and dates, numbers and codes kept.
 */
export function pseudonymisePayload(
  fields: readonly FieldInfo[],
  payload: Record<string, unknown>,
  token: (field: string, value: string) => string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(payload)) {
    const f = fields.find((x) => x.name === k);
    if (v === null || v === undefined) continue;
    if (f?.identifies) out[k] = token(k, typeof v === 'string' ? v : JSON.stringify(v));
    else if (
      f &&
      f.category !== 'none' &&
      typeof v === 'string' &&
      f.type === 'string' &&
      !/^\d{4}-\d{2}-\d{2}$/.test(v)
    )
      continue;
    else out[k] = v;
  }
  return out;
}

export async function setRestriction(
  tx: Tx,
  orgId: string,
  recordIds: readonly string[],
  restriction: { at: string; reason: string } | null,
): Promise<void> {
  for (let i = 0; i < recordIds.length; i += CHUNK)
    await tx.db
      .updateTable('record')
      .set({
        restricted_at: restriction?.at ?? null,
        restriction_reason: restriction?.reason ?? null,
      })
      .where('org_id', '=', orgId)
      .where('record_id', 'in', recordIds.slice(i, i + CHUNK))
      .execute();
}
