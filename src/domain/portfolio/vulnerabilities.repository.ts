// SQL for vulnerabilities and the scans that reported them.
import type { Executor } from '../../store/store.ts';
import type { VulnerabilityScanTable, VulnerabilityTable } from './portfolio.table.ts';

export async function vulnerabilities(
  ex: Executor,
  orgId: string,
  appId?: string,
): Promise<VulnerabilityTable[]> {
  let q = ex.db.selectFrom('vulnerability').selectAll().where('org_id', '=', orgId);
  if (appId) q = q.where('app_id', '=', appId);
  return q.orderBy('first_seen_at').execute();
}

export async function insertVulnerability(ex: Executor, v: VulnerabilityTable): Promise<void> {
  await ex.db.insertInto('vulnerability').values(v).execute();
}

export async function updateVulnerability(
  ex: Executor,
  orgId: string,
  vulnId: string,
  set: Partial<VulnerabilityTable>,
): Promise<void> {
  await ex.db
    .updateTable('vulnerability')
    .set(set)
    .where('org_id', '=', orgId)
    .where('vuln_id', '=', vulnId)
    .execute();
}

export async function insertScan(ex: Executor, s: VulnerabilityScanTable): Promise<void> {
  await ex.db.insertInto('vulnerability_scan').values(s).execute();
}

export async function scans(
  ex: Executor,
  orgId: string,
  appId: string,
  limit = 20,
): Promise<VulnerabilityScanTable[]> {
  return ex.db
    .selectFrom('vulnerability_scan')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('app_id', '=', appId)
    .orderBy('imported_at', 'desc')
    .limit(limit)
    .execute();
}
