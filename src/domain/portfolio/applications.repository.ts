// SQL for applications and the portfolio settings.
import type { Executor } from '../../store/store.ts';
import type { ApplicationTable, PortfolioSettingsTable } from './portfolio.table.ts';

export async function application(
  ex: Executor,
  orgId: string,
  appId: string,
): Promise<ApplicationTable | undefined> {
  return ex.db
    .selectFrom('application')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('app_id', '=', appId)
    .executeTakeFirst();
}

/** An application in any organisation (to tell "another organisation's" from "no such"). */
export async function applicationAnyOrg(
  ex: Executor,
  appId: string,
): Promise<ApplicationTable | undefined> {
  return ex.db.selectFrom('application').selectAll().where('app_id', '=', appId).executeTakeFirst();
}

export async function applications(ex: Executor, orgId: string): Promise<ApplicationTable[]> {
  return ex.db
    .selectFrom('application')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('name')
    .execute();
}

/** Every application with a health-check address, across organisations (for the scheduler). */
export async function withHealthChecks(ex: Executor): Promise<ApplicationTable[]> {
  return ex.db
    .selectFrom('application')
    .selectAll()
    .where('health_check_url', 'is not', null)
    .where('lifecycle', '!=', 'end-of-life')
    .execute();
}

export async function byName(
  ex: Executor,
  orgId: string,
  name: string,
): Promise<ApplicationTable | undefined> {
  return ex.db
    .selectFrom('application')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('name', '=', name)
    .executeTakeFirst();
}

export async function insertApplication(ex: Executor, row: ApplicationTable): Promise<void> {
  await ex.db.insertInto('application').values(row).execute();
}

export async function updateApplication(
  ex: Executor,
  orgId: string,
  appId: string,
  set: Partial<ApplicationTable>,
): Promise<void> {
  await ex.db
    .updateTable('application')
    .set(set)
    .where('org_id', '=', orgId)
    .where('app_id', '=', appId)
    .execute();
}

export async function settings(
  ex: Executor,
  orgId: string,
): Promise<PortfolioSettingsTable | undefined> {
  return ex.db
    .selectFrom('portfolio_settings')
    .selectAll()
    .where('org_id', '=', orgId)
    .executeTakeFirst();
}

export async function putSettings(ex: Executor, row: PortfolioSettingsTable): Promise<void> {
  await ex.db
    .insertInto('portfolio_settings')
    .values(row)
    .onConflict((oc) =>
      oc.column('org_id').doUpdateSet({
        it_budget_pence: row.it_budget_pence,
        vulnerability_days: row.vulnerability_days,
        ticket_levels: row.ticket_levels,
        updated_by: row.updated_by,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}
