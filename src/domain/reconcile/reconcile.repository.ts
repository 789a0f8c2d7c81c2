// SQL for reconciliation runs, variances, overrides and accuracy flags. Plain functions taking
// the database or transaction first; no rules here.
import type { Executor, Tx } from '../../store/store.ts';
import type {
  RecordAccuracyFlagTable,
  ReconcileOverrideTable,
  ReconcileRunTable,
  ReconcileVarianceTable,
} from './reconcile.table.ts';

export async function insertRun(ex: Executor, row: ReconcileRunTable): Promise<void> {
  await ex.db.insertInto('reconcile_run').values(row).execute();
}

const VARIANCE_COLUMNS = [
  'variance_id',
  'org_id',
  'run_id',
  'seq',
  'kind',
  'reason',
  'a_ref',
  'b_ref',
  'score',
  'basis',
  'detail',
  'key_version',
  'state',
  'updated_at',
] as const;

/** Many variances at once: prepared statements on SQLite, multi-row inserts on PostgreSQL. */
export async function insertVariances(tx: Tx, rows: readonly ReconcileVarianceTable[]) {
  if (tx.sqlite) {
    const st = tx.sqlite.prepare(
      `insert into reconcile_variance (${VARIANCE_COLUMNS.join(', ')}) values (${VARIANCE_COLUMNS.map(() => '?').join(', ')})`,
    );
    for (const r of rows) st.run(...VARIANCE_COLUMNS.map((c) => r[c]));
    return;
  }
  for (let i = 0; i < rows.length; i += 1000)
    await tx.db
      .insertInto('reconcile_variance')
      .values(rows.slice(i, i + 1000))
      .execute();
}

export async function runs(ex: Executor, orgId: string): Promise<ReconcileRunTable[]> {
  return ex.db
    .selectFrom('reconcile_run')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('started_at', 'desc')
    .limit(200)
    .execute();
}

export async function run(ex: Executor, runId: string): Promise<ReconcileRunTable | undefined> {
  return ex.db
    .selectFrom('reconcile_run')
    .selectAll()
    .where('run_id', '=', runId)
    .executeTakeFirst();
}

export interface VarianceFilter {
  kind?: string;
  state?: string;
  limit: number;
  offset: number;
}

export async function variances(
  ex: Executor,
  runId: string,
  f: VarianceFilter,
): Promise<{ rows: ReconcileVarianceTable[]; total: number }> {
  let q = ex.db.selectFrom('reconcile_variance').where('run_id', '=', runId);
  if (f.kind) q = q.where('kind', '=', f.kind);
  if (f.state) q = q.where('state', '=', f.state);
  const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await q.selectAll().orderBy('seq').limit(f.limit).offset(f.offset).execute();
  return { rows, total: Number(total.n) };
}

export async function variance(
  ex: Executor,
  varianceId: string,
): Promise<ReconcileVarianceTable | undefined> {
  return ex.db
    .selectFrom('reconcile_variance')
    .selectAll()
    .where('variance_id', '=', varianceId)
    .executeTakeFirst();
}

export async function setVarianceState(
  ex: Executor,
  varianceId: string,
  state: string,
  at: string,
) {
  await ex.db
    .updateTable('reconcile_variance')
    .set({ state, updated_at: at })
    .where('variance_id', '=', varianceId)
    .execute();
}

export async function overridesOf(
  ex: Executor,
  varianceId: string,
): Promise<ReconcileOverrideTable[]> {
  return ex.db
    .selectFrom('reconcile_override')
    .selectAll()
    .where('variance_id', '=', varianceId)
    .orderBy('version', 'desc')
    .execute();
}

export async function override(
  ex: Executor,
  overrideId: string,
): Promise<ReconcileOverrideTable | undefined> {
  return ex.db
    .selectFrom('reconcile_override')
    .selectAll()
    .where('override_id', '=', overrideId)
    .executeTakeFirst();
}

export async function awaitingApproval(
  ex: Executor,
  orgId: string,
): Promise<ReconcileOverrideTable[]> {
  return ex.db
    .selectFrom('reconcile_override')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('state', '=', 'awaiting-approval')
    .orderBy('requested_at')
    .execute();
}

export async function insertOverride(ex: Executor, row: ReconcileOverrideTable): Promise<void> {
  await ex.db.insertInto('reconcile_override').values(row).execute();
}

export async function updateOverride(
  ex: Executor,
  overrideId: string,
  set: Partial<ReconcileOverrideTable>,
): Promise<void> {
  await ex.db
    .updateTable('reconcile_override')
    .set(set)
    .where('override_id', '=', overrideId)
    .execute();
}

export async function flagsOf(
  ex: Executor,
  orgId: string,
  recordIds: readonly string[],
): Promise<RecordAccuracyFlagTable[]> {
  if (recordIds.length === 0) return [];
  return ex.db
    .selectFrom('record_accuracy_flag')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('record_id', 'in', recordIds)
    .orderBy('version', 'desc')
    .execute();
}

export async function insertFlag(ex: Executor, row: RecordAccuracyFlagTable): Promise<void> {
  await ex.db.insertInto('record_accuracy_flag').values(row).execute();
}
