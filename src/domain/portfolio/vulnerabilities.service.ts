// Vulnerabilities per application from scanner results (SARIF, CycloneDX with VEX, OSV),
// de-duplicated across imports and tools, with first seen, fixed, time to fix against the
// service level for their severity, and open counts per application over time.
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { Executor } from '../../store/store.ts';
import * as apps from './applications.repository.ts';
import type { ApplicationsService } from './applications.service.ts';
import type { PortfolioContext } from './portfolio.common.ts';
import { DAY_MS, median, parseIds } from './portfolio.common.ts';
import type { VulnerabilityTable } from './portfolio.table.ts';
import { importScan } from './vulnerabilities.import.ts';
import * as repo from './vulnerabilities.repository.ts';
import type { PortfolioSettingsService, Severity, VulnerabilityDays } from './settings.service.ts';
import { SEVERITIES, SEVERITY_RANK } from './settings.service.ts';
import { buckets } from './dora.ts';

export interface Vulnerability {
  id: string;
  appId: string;
  key: string;
  component: string;
  version: string | null;
  title: string;
  severity: Severity;
  cvssScore: number | null;
  aliases: string[];
  state: 'open' | 'fixed' | 'not_affected';
  closedReason: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  closedAt: string | null;
  tool: string;
  reopened: number;
  /** Days allowed to fix it (null for severity none). */
  slaDays: number | null;
  dueAt: string | null;
  /** Days open so far (open) or taken to fix (closed as fixed or absent). */
  days: number | null;
  overdue: boolean;
  /** Fixed within its service level (null while open, or when not affected). */
  withinSla: boolean | null;
}

export interface ScanResult {
  scanId: string;
  format: string;
  tool: string;
  findings: number;
  opened: number;
  reopened: number;
  closed: number;
  unchanged: number;
}

export interface AppVulnerabilities {
  id: string;
  name: string;
  critical: boolean;
  open: Record<Severity, number>;
  openTotal: number;
  overdue: number;
  fixed90: number;
  medianDaysToFix: number | null;
  withinSlaShare: number | null;
}

const RANK = SEVERITY_RANK;

export function toVulnerability(
  v: VulnerabilityTable,
  days: VulnerabilityDays,
  now: number,
): Vulnerability {
  const sla = v.severity === 'none' ? null : days[v.severity as keyof VulnerabilityDays];
  const first = Date.parse(v.first_seen_at);
  const due = sla === null ? null : first + sla * DAY_MS;
  const closed = v.closed_at ? Date.parse(v.closed_at) : null;
  const counts = v.state === 'open' || v.closed_reason !== 'not_affected';
  const span = counts ? ((closed ?? now) - first) / DAY_MS : null;
  return {
    id: v.vuln_id,
    appId: v.app_id,
    key: v.vuln_key,
    component: v.component,
    version: v.component_version,
    title: v.title,
    severity: v.severity as Severity,
    cvssScore: v.cvss_score,
    aliases: parseIds(v.aliases),
    state: v.state as Vulnerability['state'],
    closedReason: v.closed_reason,
    firstSeenAt: v.first_seen_at,
    lastSeenAt: v.last_seen_at,
    closedAt: v.closed_at,
    tool: v.last_tool,
    reopened: v.reopened,
    slaDays: sla,
    dueAt: due === null ? null : new Date(due).toISOString(),
    days: span === null ? null : Math.round(span * 10) / 10,
    overdue: v.state === 'open' && due !== null && now > due,
    withinSla: v.state === 'open' || !counts || due === null ? null : closed! <= due,
  };
}

export class VulnerabilitiesService {
  constructor(
    private readonly p: PortfolioContext,
    private readonly applications: ApplicationsService,
    private readonly settings: PortfolioSettingsService,
  ) {}

  /**
   * Imports a scan for an application. A full scan (the default) also closes, as fixed, every
   * open vulnerability the same tool reported before and no longer reports.
   */
  async importScan(
    actor: Actor,
    appId: string,
    input: { scan: unknown; format?: string; full?: boolean },
  ): Promise<ScanResult> {
    return importScan(this.p, this.applications, actor, appId, input);
  }

  async list(actor: Actor, appId: string, state?: 'open' | 'closed' | 'all') {
    return withAccess(this.p.ctx, actor, async (gate) => {
      const app = await this.applications.load(gate, appId);
      const { vulnerabilityDays } = await this.settings.of(gate.tx, actor.orgId);
      const now = this.p.ctx.clock().getTime();
      const all = (await repo.vulnerabilities(gate.tx, actor.orgId, appId)).map((v) =>
        toVulnerability(v, vulnerabilityDays, now),
      );
      const wanted = all
        .filter(
          (v) =>
            !state ||
            state === 'all' ||
            (state === 'open' ? v.state === 'open' : v.state !== 'open'),
        )
        .sort(
          (a, b) =>
            RANK[b.severity] - RANK[a.severity] || a.firstSeenAt.localeCompare(b.firstSeenAt),
        );
      return {
        application: { id: app.app_id, name: app.name },
        vulnerabilities: wanted,
        summary: this.summarise(app.app_id, app.name, app.critical === 1, all, now),
        openOverTime: this.overTime(
          all.map((v) => [v.firstSeenAt, v.closedAt]),
          now,
        ),
        scans: (await repo.scans(gate.tx, actor.orgId, appId)).map((s) => ({
          id: s.scan_id,
          format: s.format,
          tool: s.tool,
          full: s.full_scan === 1,
          importedAt: s.imported_at,
          importedBy: s.imported_by,
          findings: s.findings,
          opened: s.opened,
          closed: s.closed,
        })),
      };
    });
  }

  /** Open counts per application, and the portfolio's open count at the end of each month. */
  async summary(actor: Actor): Promise<{
    applications: AppVulnerabilities[];
    openOverTime: { label: string; open: number }[];
    slaDays: VulnerabilityDays;
  }> {
    return withAccess(this.p.ctx, actor, async (gate) => {
      gate.require('portfolio.read', { orgId: actor.orgId, ref: 'vulnerabilities' });
      return this.summaryOf(gate.tx, actor.orgId);
    });
  }

  async summaryOf(ex: Executor, orgId: string) {
    const { vulnerabilityDays } = await this.settings.of(ex, orgId);
    const now = this.p.ctx.clock().getTime();
    const all = (await repo.vulnerabilities(ex, orgId)).map((v) =>
      toVulnerability(v, vulnerabilityDays, now),
    );
    const byApp = new Map<string, Vulnerability[]>();
    for (const v of all) byApp.set(v.appId, [...(byApp.get(v.appId) ?? []), v]);
    return {
      applications: (await apps.applications(ex, orgId)).map((a) =>
        this.summarise(a.app_id, a.name, a.critical === 1, byApp.get(a.app_id) ?? [], now),
      ),
      openOverTime: this.overTime(
        all.map((v) => [v.firstSeenAt, v.closedAt]),
        now,
      ),
      slaDays: vulnerabilityDays,
    };
  }

  private summarise(
    id: string,
    name: string,
    critical: boolean,
    vs: Vulnerability[],
    now: number,
  ): AppVulnerabilities {
    const open = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
    for (const v of vs) if (v.state === 'open') open[v.severity]++;
    const fixed = vs.filter(
      (v) => v.state !== 'open' && v.closedReason !== 'not_affected' && v.days !== null,
    );
    const recent = fixed.filter((v) => Date.parse(v.closedAt!) > now - 90 * DAY_MS);
    const judged = fixed.filter((v) => v.withinSla !== null);
    return {
      id,
      name,
      critical,
      open,
      openTotal: vs.filter((v) => v.state === 'open').length,
      overdue: vs.filter((v) => v.overdue).length,
      fixed90: recent.length,
      medianDaysToFix: median(fixed.map((v) => v.days!)),
      withinSlaShare: judged.length
        ? judged.filter((v) => v.withinSla).length / judged.length
        : null,
    };
  }

  /** Vulnerabilities open at the end of each of the last twelve months (the last one: now). */
  private overTime(
    spans: [string, string | null][],
    now: number,
  ): { label: string; open: number }[] {
    const end = new Date(now);
    const from = Date.UTC(end.getUTCFullYear() - 1, end.getUTCMonth() + 1, 1);
    return buckets(from, now + 1, 'month').map((b) => {
      const at = new Date(b.to - 1).toISOString();
      return {
        label: b.label,
        open: spans.filter(([f, c]) => f <= at && (c === null || c > at)).length,
      };
    });
  }
}
