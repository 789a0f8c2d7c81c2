// Availability: the hosts an administrator registers for health checks, polling each
// application's health-check address on a schedule (up or down, latency), notices of incidents
// and planned maintenance, and the availability page with current status and 90-day uptime.
import { randomUUID } from 'node:crypto';
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { Executor } from '../../store/store.ts';
import * as apps from './applications.repository.ts';
import type { ApplicationsService } from './applications.service.ts';
import * as repo from './availability.repository.ts';
import type { AvailabilityNoticeTable, ApplicationTable } from './portfolio.table.ts';
import type { PortfolioContext } from './portfolio.common.ts';
import { parseTime } from './portfolio.common.ts';
import { normaliseHost } from './url-guard.ts';
import { HealthChecker } from './availability.checks.ts';
import { statusOf, toNotice } from './availability.status.ts';
import type { AvailabilityStatus, Notice } from './availability.status.ts';
export type { AvailabilityStatus, CurrentStatus, Notice } from './availability.status.ts';

export interface HostEntry {
  id: string;
  host: string;
  addedBy: string;
  addedAt: string;
}

export interface NoticeInput {
  kind: string;
  title: string;
  body?: string;
  startsAt?: string;
  endsAt?: string | null;
}

export class AvailabilityService {
  private readonly checker: HealthChecker;

  constructor(
    private readonly p: PortfolioContext,
    private readonly applications: ApplicationsService,
    /** How long a health check may take. */
    timeoutMs = 10_000,
  ) {
    this.checker = new HealthChecker(p, timeoutMs);
  }

  async hosts(actor: Actor): Promise<HostEntry[]> {
    return withAccess(this.p.ctx, actor, async (gate) => {
      gate.require('portfolio.read', { orgId: actor.orgId, ref: 'health-hosts' });
      return (await repo.hosts(gate.tx, actor.orgId)).map((h) => ({
        id: h.host_id,
        host: h.host,
        addedBy: h.added_by,
        addedAt: h.added_at,
      }));
    });
  }

  async addHost(actor: Actor, input: string): Promise<HostEntry> {
    return withAccess(this.p.ctx, actor, async (gate) => {
      gate.require('portfolio.manage', { orgId: actor.orgId, ref: 'health-hosts' });
      const host = normaliseHost(input ?? '');
      if (!host)
        assertNoProblems([
          {
            field: 'host',
            message:
              'Enter a host name, like status.example.org or 10.0.0.5:8080 (no https:// or path)',
          },
        ]);
      if ((await repo.hostNames(gate.tx, actor.orgId)).includes(host!))
        throw new AccordError('CONFLICT', `${host} is already registered.`);
      const row = {
        host_id: randomUUID(),
        org_id: actor.orgId,
        host: host!,
        added_by: actor.ref,
        added_at: this.p.ctx.clock().toISOString(),
      };
      await repo.insertHost(gate.tx, row);
      gate.record('portfolio.health-host.added', `health-host:${row.host_id}`, { host: row.host });
      return { id: row.host_id, host: row.host, addedBy: row.added_by, addedAt: row.added_at };
    });
  }

  /** Removes a host: applications on it are no longer checked (their address stays, refused). */
  async removeHost(actor: Actor, hostId: string): Promise<void> {
    await withAccess(this.p.ctx, actor, async (gate) => {
      const h = await repo.host(gate.tx, hostId);
      gate.require('portfolio.manage', { orgId: h?.org_id ?? '', ref: `health-host:${hostId}` });
      await repo.deleteHost(gate.tx, actor.orgId, hostId);
      gate.record('portfolio.health-host.removed', `health-host:${hostId}`, { host: h!.host });
    });
  }

  /** Checks one address once (see HealthChecker.probe). */
  probe(url: string) {
    return this.checker.probe(url);
  }

  /** Checks every application on a registered host, across organisations; never overlaps. */
  runChecks(): Promise<number> {
    return this.checker.runChecks();
  }

  /** Runs the checks every `intervalMs` until stopped; errors are passed to `onError`. */
  startScheduler(intervalMs: number, onError: (e: unknown) => void): { stop(): Promise<void> } {
    return this.checker.startScheduler(intervalMs, onError);
  }

  async statusOf(
    ex: Executor,
    app: ApplicationTable,
    internal: boolean,
  ): Promise<AvailabilityStatus> {
    return statusOf(this.p, ex, app, internal);
  }

  /** The availability page for someone in the organisation. */
  async status(actor: Actor, appId: string): Promise<AvailabilityStatus> {
    return withAccess(this.p.ctx, actor, async (gate) => {
      const app = await this.applications.load(gate, appId);
      return this.statusOf(gate.tx, app, true);
    });
  }

  /** The public availability page: only applications whose page is public (NOT_FOUND otherwise). */
  async publicStatus(appId: string): Promise<AvailabilityStatus> {
    const app = /^[0-9a-f-]{36}$/i.test(appId)
      ? await apps.applicationAnyOrg(this.p.ctx.store, appId)
      : undefined;
    if (!app || app.status_public !== 1) throw new AccordError('NOT_FOUND');
    return this.statusOf(this.p.ctx.store, app, false);
  }

  /** Every application's current status and 90-day uptime. */
  async overview(actor: Actor): Promise<AvailabilityStatus[]> {
    return withAccess(this.p.ctx, actor, async (gate) => {
      gate.require('portfolio.read', { orgId: actor.orgId, ref: 'availability' });
      const out: AvailabilityStatus[] = [];
      for (const a of await apps.applications(gate.tx, actor.orgId))
        out.push(await this.statusOf(gate.tx, a, true));
      return out;
    });
  }

  async postNotice(actor: Actor, appId: string, input: NoticeInput): Promise<Notice> {
    return withAccess(this.p.ctx, actor, async (gate) => {
      await this.applications.load(gate, appId, 'portfolio.manage');
      const problems = [];
      if (input.kind !== 'incident' && input.kind !== 'maintenance')
        problems.push({ field: 'kind', message: 'Choose an incident or planned maintenance' });
      if (!input.title?.trim())
        problems.push({ field: 'title', message: 'Enter a title people will understand' });
      const now = this.p.ctx.clock().toISOString();
      const starts = input.startsAt ? parseTime(input.startsAt) : now;
      const ends = input.endsAt ? parseTime(input.endsAt) : null;
      if (!starts)
        problems.push({
          field: 'startsAt',
          message: 'Enter when it starts, like 2026-04-01T18:00:00Z',
        });
      if (input.endsAt && !ends)
        problems.push({
          field: 'endsAt',
          message: 'Enter when it ends, like 2026-04-01T20:00:00Z',
        });
      if (starts && ends && ends <= starts)
        problems.push({ field: 'endsAt', message: 'The end must be after the start' });
      if (input.kind === 'maintenance' && !ends)
        problems.push({ field: 'endsAt', message: 'Say when the maintenance ends' });
      assertNoProblems(problems);
      const row: AvailabilityNoticeTable = {
        notice_id: randomUUID(),
        org_id: actor.orgId,
        app_id: appId,
        kind: input.kind,
        title: input.title.trim(),
        body: input.body?.trim() ?? '',
        starts_at: starts!,
        ends_at: ends ?? null,
        resolved_at: null,
        created_by: actor.ref,
        created_at: now,
      };
      await repo.insertNotice(gate.tx, row);
      gate.record('portfolio.notice.posted', `notice:${row.notice_id}`, {
        appId,
        kind: row.kind,
        title: row.title,
        startsAt: row.starts_at,
        endsAt: row.ends_at,
      });
      return toNotice(row, now);
    });
  }

  async resolveNotice(actor: Actor, noticeId: string): Promise<Notice> {
    return withAccess(this.p.ctx, actor, async (gate) => {
      const n = await repo.notice(gate.tx, noticeId);
      gate.require('portfolio.manage', { orgId: n?.org_id ?? '', ref: `notice:${noticeId}` });
      if (n!.resolved_at) throw new AccordError('CONFLICT', 'That notice is already resolved.');
      const now = this.p.ctx.clock().toISOString();
      await repo.resolveNotice(gate.tx, actor.orgId, noticeId, now);
      gate.record('portfolio.notice.resolved', `notice:${noticeId}`, { appId: n!.app_id });
      return toNotice({ ...n!, resolved_at: now }, now);
    });
  }
}
