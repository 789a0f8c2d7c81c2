// SQL for registered health-check hosts, health checks (raw and by day) and availability notices.
import { sql } from 'kysely';
import type { Executor } from '../../store/store.ts';
import type {
  AvailabilityNoticeTable,
  HealthCheckTable,
  HealthDayTable,
  HealthHostTable,
} from './portfolio.table.ts';

export async function hosts(ex: Executor, orgId: string): Promise<HealthHostTable[]> {
  return ex.db
    .selectFrom('health_host')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('host')
    .execute();
}

export async function hostNames(ex: Executor, orgId: string): Promise<string[]> {
  return (await hosts(ex, orgId)).map((h) => h.host);
}

export async function insertHost(ex: Executor, h: HealthHostTable): Promise<void> {
  await ex.db.insertInto('health_host').values(h).execute();
}

export async function host(ex: Executor, hostId: string): Promise<HealthHostTable | undefined> {
  return ex.db
    .selectFrom('health_host')
    .selectAll()
    .where('host_id', '=', hostId)
    .executeTakeFirst();
}

export async function deleteHost(ex: Executor, orgId: string, hostId: string): Promise<void> {
  await ex.db
    .deleteFrom('health_host')
    .where('org_id', '=', orgId)
    .where('host_id', '=', hostId)
    .execute();
}

export async function insertCheck(ex: Executor, c: HealthCheckTable): Promise<void> {
  await ex.db.insertInto('health_check').values(c).execute();
  const day = c.checked_at.slice(0, 10);
  const up = c.up;
  const latency = c.latency_ms ?? 0;
  await ex.db
    .insertInto('health_day')
    .values({
      org_id: c.org_id,
      app_id: c.app_id,
      day,
      checks: 1,
      up_checks: up,
      latency_total_ms: latency,
    })
    .onConflict((oc) =>
      oc.columns(['org_id', 'app_id', 'day']).doUpdateSet({
        checks: sql<number>`health_day.checks + 1`,
        up_checks: sql<number>`health_day.up_checks + ${up}`,
        latency_total_ms: sql<number>`health_day.latency_total_ms + ${latency}`,
      }),
    )
    .execute();
}

export async function latestCheck(
  ex: Executor,
  orgId: string,
  appId: string,
): Promise<HealthCheckTable | undefined> {
  return ex.db
    .selectFrom('health_check')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('app_id', '=', appId)
    .orderBy('checked_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function checksSince(
  ex: Executor,
  orgId: string,
  appId: string,
  since: string,
): Promise<HealthCheckTable[]> {
  return ex.db
    .selectFrom('health_check')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('app_id', '=', appId)
    .where('checked_at', '>=', since)
    .orderBy('checked_at')
    .execute();
}

export async function days(
  ex: Executor,
  orgId: string,
  fromDay: string,
  appId?: string,
): Promise<HealthDayTable[]> {
  let q = ex.db
    .selectFrom('health_day')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('day', '>=', fromDay);
  if (appId) q = q.where('app_id', '=', appId);
  return q.orderBy('day').execute();
}

export async function pruneChecks(ex: Executor, before: string): Promise<number> {
  const r = await ex.db
    .deleteFrom('health_check')
    .where('checked_at', '<', before)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function notices(
  ex: Executor,
  orgId: string,
  appId?: string,
): Promise<AvailabilityNoticeTable[]> {
  let q = ex.db.selectFrom('availability_notice').selectAll().where('org_id', '=', orgId);
  if (appId) q = q.where('app_id', '=', appId);
  return q.orderBy('starts_at', 'desc').limit(200).execute();
}

export async function notice(
  ex: Executor,
  noticeId: string,
): Promise<AvailabilityNoticeTable | undefined> {
  return ex.db
    .selectFrom('availability_notice')
    .selectAll()
    .where('notice_id', '=', noticeId)
    .executeTakeFirst();
}

export async function insertNotice(ex: Executor, n: AvailabilityNoticeTable): Promise<void> {
  await ex.db.insertInto('availability_notice').values(n).execute();
}

export async function resolveNotice(
  ex: Executor,
  orgId: string,
  noticeId: string,
  at: string,
): Promise<void> {
  await ex.db
    .updateTable('availability_notice')
    .set({ resolved_at: at })
    .where('org_id', '=', orgId)
    .where('notice_id', '=', noticeId)
    .execute();
}
