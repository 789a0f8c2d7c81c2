// SQL shared by the governance registers: per-organisation numbering, links between records,
// charter settings and dashboard snapshots.
import type { Executor } from '../../store/store.ts';
import type {
  GovernanceLinkTable,
  GovernanceSettingsTable,
  IndicatorSnapshotTable,
} from './governance.table.ts';

/**
 * The next number of a kind (dpia, risk, …) for an organisation. One statement that takes the
 * row's lock on PostgreSQL, so two people adding at once never get the same number.
 */
export async function nextNumber(ex: Executor, orgId: string, kind: string): Promise<number> {
  const row = await ex.db
    .insertInto('governance_counter')
    .values({ org_id: orgId, kind, n: 1 })
    .onConflict((oc) =>
      oc
        .columns(['org_id', 'kind'])
        .doUpdateSet((eb) => ({ n: eb('governance_counter.n', '+', 1) })),
    )
    .returning('n')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertLinks(ex: Executor, rows: GovernanceLinkTable[]): Promise<void> {
  if (rows.length) await ex.db.insertInto('governance_link').values(rows).execute();
}

export async function deleteLinks(
  ex: Executor,
  orgId: string,
  fromKind: string,
  fromId: string,
): Promise<void> {
  await ex.db
    .deleteFrom('governance_link')
    .where('org_id', '=', orgId)
    .where('from_kind', '=', fromKind)
    .where('from_id', '=', fromId)
    .execute();
}

export async function linksFrom(
  ex: Executor,
  orgId: string,
  fromKind: string,
  fromId?: string,
): Promise<GovernanceLinkTable[]> {
  let q = ex.db
    .selectFrom('governance_link')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('from_kind', '=', fromKind);
  if (fromId) q = q.where('from_id', '=', fromId);
  return q.orderBy('created_at').execute();
}

export async function linksTo(
  ex: Executor,
  orgId: string,
  kind: string,
  targetId: string,
): Promise<GovernanceLinkTable[]> {
  return ex.db
    .selectFrom('governance_link')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('kind', '=', kind)
    .where('target_id', '=', targetId)
    .execute();
}

export async function settings(
  ex: Executor,
  orgId: string,
): Promise<GovernanceSettingsTable | undefined> {
  return ex.db
    .selectFrom('governance_settings')
    .selectAll()
    .where('org_id', '=', orgId)
    .executeTakeFirst();
}

export async function putSettings(ex: Executor, row: GovernanceSettingsTable): Promise<void> {
  const { org_id: _org, ...rest } = row;
  await ex.db
    .insertInto('governance_settings')
    .values(row)
    .onConflict((oc) => oc.column('org_id').doUpdateSet(rest))
    .execute();
}

/** Keeps one value per indicator per day: the latest computation that day. */
export async function putSnapshots(ex: Executor, rows: IndicatorSnapshotTable[]): Promise<void> {
  for (const r of rows) {
    await ex.db
      .insertInto('indicator_snapshot')
      .values(r)
      .onConflict((oc) =>
        oc
          .columns(['org_id', 'indicator_id', 'day'])
          .doUpdateSet({ value: r.value, status: r.status, taken_at: r.taken_at }),
      )
      .execute();
  }
}

export async function snapshots(
  ex: Executor,
  orgId: string,
  fromDay: string,
): Promise<IndicatorSnapshotTable[]> {
  return ex.db
    .selectFrom('indicator_snapshot')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('day', '>=', fromDay)
    .orderBy('indicator_id')
    .orderBy('day')
    .execute();
}

export async function latestSnapshotDay(ex: Executor, orgId: string): Promise<string | undefined> {
  const r = await ex.db
    .selectFrom('indicator_snapshot')
    .select((eb) => eb.fn.max('day').as('day'))
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return r?.day ?? undefined;
}
