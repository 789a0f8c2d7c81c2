// SQL for the risk register: risks, their actions and the appetite per category.
import type { Executor } from '../../store/store.ts';
import type { RiskActionTable, RiskAppetiteTable, RiskTable } from './governance.table.ts';

export async function insert(ex: Executor, row: RiskTable): Promise<void> {
  await ex.db.insertInto('risk').values(row).execute();
}

export async function anyOrg(ex: Executor, riskId: string): Promise<RiskTable | undefined> {
  return ex.db.selectFrom('risk').selectAll().where('risk_id', '=', riskId).executeTakeFirst();
}

export async function list(
  ex: Executor,
  orgId: string,
  f: { status?: string; category?: string } = {},
): Promise<RiskTable[]> {
  let q = ex.db.selectFrom('risk').selectAll().where('org_id', '=', orgId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.category) q = q.where('category', '=', f.category);
  return q.orderBy('ref').execute();
}

export async function update(
  ex: Executor,
  orgId: string,
  riskId: string,
  set: Partial<RiskTable>,
): Promise<void> {
  await ex.db
    .updateTable('risk')
    .set(set)
    .where('org_id', '=', orgId)
    .where('risk_id', '=', riskId)
    .execute();
}

export async function insertAction(ex: Executor, row: RiskActionTable): Promise<void> {
  await ex.db.insertInto('risk_action').values(row).execute();
}

export async function actions(
  ex: Executor,
  orgId: string,
  riskId?: string,
): Promise<RiskActionTable[]> {
  let q = ex.db.selectFrom('risk_action').selectAll().where('org_id', '=', orgId);
  if (riskId) q = q.where('risk_id', '=', riskId);
  return q.orderBy('due_on').execute();
}

export async function completeAction(
  ex: Executor,
  orgId: string,
  actionId: string,
  on: string,
): Promise<void> {
  await ex.db
    .updateTable('risk_action')
    .set({ done_on: on })
    .where('org_id', '=', orgId)
    .where('action_id', '=', actionId)
    .execute();
}

export async function appetite(ex: Executor, orgId: string): Promise<RiskAppetiteTable[]> {
  return ex.db
    .selectFrom('risk_appetite')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('category')
    .execute();
}

export async function putAppetite(ex: Executor, row: RiskAppetiteTable): Promise<void> {
  await ex.db
    .insertInto('risk_appetite')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['org_id', 'category'])
        .doUpdateSet({ max_score: row.max_score, set_by: row.set_by, set_at: row.set_at }),
    )
    .execute();
}
