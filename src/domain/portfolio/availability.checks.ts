// Health checks: each application's health-check address polled on a schedule, only when its
// host is registered (http or https, no redirects followed), up or down and latency recorded. A
// change between up and down is written to the audit log with the check; the checks themselves
// are Accord's own observations and are not audited one by one.
import { randomUUID } from 'node:crypto';
import * as apps from './applications.repository.ts';
import * as repo from './availability.repository.ts';
import type { ApplicationTable, HealthCheckTable } from './portfolio.table.ts';
import type { PortfolioContext } from './portfolio.common.ts';
import { DAY_MS } from './portfolio.common.ts';
import { checkUrl } from './url-guard.ts';

export class HealthChecker {
  private running: Promise<number> | undefined;
  private lastPrune = 0;

  constructor(
    private readonly p: PortfolioContext,
    /** How long a health check may take. */
    private readonly timeoutMs = 10_000,
  ) {}

  /** Checks one address once: up when it answers 2xx or 3xx (redirects are not followed). */
  async probe(url: string): Promise<{
    up: boolean;
    status: number | null;
    latencyMs: number | null;
    error: string | null;
  }> {
    const t0 = performance.now();
    try {
      const res = await fetch(url, {
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
        headers: { 'user-agent': 'Accord health check', accept: '*/*' },
      });
      await res.body?.cancel().catch(() => undefined);
      const latencyMs = Math.round(performance.now() - t0);
      const up = res.status >= 200 && res.status < 400;
      return { up, status: res.status, latencyMs, error: up ? null : `HTTP ${res.status}` };
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      const reason =
        err.name === 'TimeoutError'
          ? `no answer within ${this.timeoutMs / 1000} s`
          : (err.cause?.code ?? err.message);
      return { up: false, status: null, latencyMs: null, error: reason.slice(0, 200) };
    }
  }

  /** Records a check; a change between up and down is written to the audit log with it. */
  private async record(
    app: ApplicationTable,
    r: Awaited<ReturnType<HealthChecker['probe']>>,
  ): Promise<void> {
    await this.p.ctx.store.transaction(async (tx) => {
      const before = await repo.latestCheck(tx, app.org_id, app.app_id);
      const row: HealthCheckTable = {
        check_id: randomUUID(),
        org_id: app.org_id,
        app_id: app.app_id,
        checked_at: this.p.ctx.clock().toISOString(),
        up: r.up ? 1 : 0,
        status_code: r.status,
        latency_ms: r.latencyMs,
        error: r.error,
      };
      await repo.insertCheck(tx, row);
      if (!before || before.up !== row.up)
        this.p.ctx.audit.record(tx, {
          orgId: app.org_id,
          actor: 'node',
          action: r.up ? 'portfolio.availability.up' : 'portfolio.availability.down',
          target: `application:${app.app_id}`,
          outcome: 'ok',
          details: { url: app.health_check_url, status: r.status, error: r.error },
        });
    });
  }

  /**
   * Checks every application with a health-check address whose host is registered, across all
   * organisations (the scheduler calls this). Returns how many were checked. Never overlaps.
   */
  async runChecks(): Promise<number> {
    this.running ??= (async () => {
      try {
        const due = await apps.withHealthChecks(this.p.ctx.store);
        const allowed = new Map<string, string[]>();
        for (const a of due)
          if (!allowed.has(a.org_id))
            allowed.set(a.org_id, await repo.hostNames(this.p.ctx.store, a.org_id));
        const checkable = due.filter(
          (a) => checkUrl(a.health_check_url!, allowed.get(a.org_id)!).ok,
        );
        // A few at a time, so one slow address does not hold up the rest.
        for (let i = 0; i < checkable.length; i += 8) {
          const batch = checkable.slice(i, i + 8);
          const results = await Promise.all(batch.map((a) => this.probe(a.health_check_url!)));
          for (const [j, a] of batch.entries()) await this.record(a, results[j]!);
        }
        const now = this.p.ctx.clock().getTime();
        if (now - this.lastPrune > DAY_MS) {
          this.lastPrune = now;
          await repo.pruneChecks(this.p.ctx.store, new Date(now - 92 * DAY_MS).toISOString());
        }
        return checkable.length;
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** Runs the checks every `intervalMs` until stopped; errors are passed to `onError`. */
  startScheduler(intervalMs: number, onError: (e: unknown) => void): { stop(): Promise<void> } {
    const timer = setInterval(() => {
      this.runChecks().catch(onError);
    }, intervalMs);
    timer.unref();
    return {
      stop: async () => {
        clearInterval(timer);
        await this.running?.catch(() => undefined);
      },
    };
  }
}
