// SQL for incidents and personal-data breaches.
import type { Executor } from '../../store/store.ts';
import type { IncidentTable } from './governance.table.ts';

export async function insert(ex: Executor, row: IncidentTable): Promise<void> {
  await ex.db.insertInto('incident').values(row).execute();
}

export async function anyOrg(ex: Executor, incidentId: string): Promise<IncidentTable | undefined> {
  return ex.db
    .selectFrom('incident')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .executeTakeFirst();
}

export async function list(
  ex: Executor,
  orgId: string,
  f: { status?: string; reporterId?: string; awareSince?: string } = {},
): Promise<IncidentTable[]> {
  let q = ex.db.selectFrom('incident').selectAll().where('org_id', '=', orgId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.reporterId) q = q.where('reporter_id', '=', f.reporterId);
  if (f.awareSince) q = q.where('aware_at', '>=', f.awareSince);
  return q.orderBy('aware_at', 'desc').limit(1000).execute();
}

export async function update(
  ex: Executor,
  orgId: string,
  incidentId: string,
  set: Partial<IncidentTable>,
): Promise<void> {
  await ex.db
    .updateTable('incident')
    .set(set)
    .where('org_id', '=', orgId)
    .where('incident_id', '=', incidentId)
    .execute();
}
