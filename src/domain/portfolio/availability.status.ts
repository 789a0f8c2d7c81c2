// An application's availability as its page shows it: current status and since when, 90 days of
// uptime by day, outages of the last week, notices and what is coming on the roadmap.
import type { Executor } from '../../store/store.ts';
import { today } from '../context.ts';
import * as repo from './availability.repository.ts';
import type { ApplicationTable, AvailabilityNoticeTable } from './portfolio.table.ts';
import type { PortfolioContext } from './portfolio.common.ts';
import { DAY_MS } from './portfolio.common.ts';
import { roadmapOf } from './roadmap.service.ts';
import type { RoadmapItem } from './roadmap.service.ts';

export type CurrentStatus = 'up' | 'down' | 'unknown';

export interface Notice {
  id: string;
  appId: string;
  kind: 'incident' | 'maintenance';
  title: string;
  body: string;
  startsAt: string;
  endsAt: string | null;
  resolvedAt: string | null;
  /** active: happening now; upcoming: maintenance still to come; past: over. */
  state: 'active' | 'upcoming' | 'past';
}

export interface AvailabilityStatus {
  application: { id: string; name: string; statusPublic: boolean; monitored: boolean };
  status: CurrentStatus;
  lastCheckedAt: string | null;
  lastLatencyMs: number | null;
  /** Since when the current status has held (from the checks of the last week). */
  since: string | null;
  /** Share of checks up over the last 90 days (null with no checks). */
  uptime90: number | null;
  days: { day: string; uptime: number | null; checks: number; averageLatencyMs: number | null }[];
  outages: { from: string; to: string | null }[];
  notices: Notice[];
  roadmap: RoadmapItem[];
}

export const toNotice = (n: AvailabilityNoticeTable, now: string): Notice => ({
  id: n.notice_id,
  appId: n.app_id,
  kind: n.kind as Notice['kind'],
  title: n.title,
  body: n.body,
  startsAt: n.starts_at,
  endsAt: n.ends_at,
  resolvedAt: n.resolved_at,
  state:
    n.resolved_at || (n.ends_at && n.ends_at <= now)
      ? 'past'
      : n.starts_at > now
        ? 'upcoming'
        : 'active',
});

export async function statusOf(
  p: PortfolioContext,
  ex: Executor,
  app: ApplicationTable,
  internal: boolean,
): Promise<AvailabilityStatus> {
  const now = p.ctx.clock();
  const nowIso = now.toISOString();
  const day = today(p.ctx);
  const fromDay = new Date(Date.parse(`${day}T00:00:00Z`) - 89 * DAY_MS).toISOString().slice(0, 10);
  const byDay = new Map(
    (await repo.days(ex, app.org_id, fromDay, app.app_id)).map((d) => [d.day, d]),
  );
  const days = Array.from({ length: 90 }, (_, i) => {
    const d = new Date(Date.parse(`${fromDay}T00:00:00Z`) + i * DAY_MS).toISOString().slice(0, 10);
    const r = byDay.get(d);
    return {
      day: d,
      checks: r?.checks ?? 0,
      uptime: r && r.checks ? r.up_checks / r.checks : null,
      averageLatencyMs:
        r && r.up_checks ? Math.round(r.latency_total_ms / Math.max(1, r.up_checks)) : null,
    };
  });
  const checks = [...byDay.values()].reduce((s, d) => s + d.checks, 0);
  const up = [...byDay.values()].reduce((s, d) => s + d.up_checks, 0);
  const recent = await repo.checksSince(
    ex,
    app.org_id,
    app.app_id,
    new Date(now.getTime() - 7 * DAY_MS).toISOString(),
  );
  const outages: { from: string; to: string | null }[] = [];
  for (const c of recent) {
    const last = outages.at(-1);
    if (!c.up && (!last || last.to !== null)) outages.push({ from: c.checked_at, to: null });
    else if (c.up && last && last.to === null) last.to = c.checked_at;
  }
  const latest = recent.at(-1) ?? (await repo.latestCheck(ex, app.org_id, app.app_id));
  let since: string | null = null;
  for (let i = recent.length - 1; i >= 0 && latest && recent[i]!.up === latest.up; i--)
    since = recent[i]!.checked_at;
  const notices = (await repo.notices(ex, app.org_id, app.app_id))
    .map((n) => toNotice(n, nowIso))
    .filter(
      (n) =>
        n.state !== 'past' ||
        Date.parse(n.resolvedAt ?? n.endsAt ?? n.startsAt) > now.getTime() - 30 * DAY_MS,
    );
  return {
    application: {
      id: app.app_id,
      name: app.name,
      statusPublic: app.status_public === 1,
      monitored: app.health_check_url !== null,
    },
    status: !latest ? 'unknown' : latest.up ? 'up' : 'down',
    lastCheckedAt: latest?.checked_at ?? null,
    lastLatencyMs: latest?.latency_ms ?? null,
    since,
    uptime90: checks ? up / checks : null,
    days,
    outages: outages.reverse(),
    notices,
    roadmap: (await roadmapOf(ex, app.org_id, app.app_id)).filter(
      (r) => internal || r.status !== 'dropped',
    ),
  };
}
