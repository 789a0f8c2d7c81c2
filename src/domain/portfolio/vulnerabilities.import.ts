// Importing a scan: its findings matched to the application's vulnerabilities by id (or alias)
// and component, new ones opened, ones marked fixed or not affected (VEX, suppressions) closed,
// fixed ones reported again reopened, and, for a full scan, what the same tool no longer
// reports closed as fixed. One transaction: a file that cannot be read stores nothing.
import { randomUUID } from 'node:crypto';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { ApplicationsService } from './applications.service.ts';
import type { PortfolioContext } from './portfolio.common.ts';
import { parseIds } from './portfolio.common.ts';
import type { VulnerabilityTable } from './portfolio.table.ts';
import type { Finding } from './scans/findings.ts';
import { parseScan } from './scans/parse.ts';
import * as repo from './vulnerabilities.repository.ts';
import type { ScanResult } from './vulnerabilities.service.ts';
import { SEVERITY_RANK as RANK } from './settings.service.ts';

/** One finding per vulnerability and component in a scan (the worst severity; open wins). */
function merge(findings: Finding[]): Finding[] {
  const by = new Map<string, Finding>();
  for (const f of findings) {
    const k = `${f.key}\u0000${f.component}`;
    const prev = by.get(k);
    if (!prev) by.set(k, { ...f });
    else {
      if (RANK[f.severity] > RANK[prev.severity])
        Object.assign(prev, { severity: f.severity, score: f.score });
      if (f.state === 'open') prev.state = 'open';
      prev.aliases = [...new Set([...prev.aliases, ...f.aliases])];
    }
  }
  return [...by.values()];
}

export async function importScan(
  p: PortfolioContext,
  applications: ApplicationsService,
  actor: Actor,
  appId: string,
  input: { scan: unknown; format?: string; full?: boolean },
): Promise<ScanResult> {
  return withAccess(p.ctx, actor, async (gate) => {
    await applications.load(gate, appId, 'portfolio.ingest');
    const parsed = parseScan(input.scan, input.format);
    const findings = merge(parsed.findings);
    const full = input.full !== false;
    const now = p.ctx.clock().toISOString();
    const scanId = randomUUID();
    const existing = await repo.vulnerabilities(gate.tx, actor.orgId, appId);
    const find = (f: Finding): VulnerabilityTable | undefined =>
      existing.find((v) => v.component === f.component && v.vuln_key === f.key) ??
      existing.find(
        (v) =>
          v.component === f.component &&
          (f.aliases.includes(v.vuln_key) || parseIds(v.aliases).includes(f.key)),
      );
    const r: ScanResult = {
      scanId,
      format: parsed.format,
      tool: parsed.tool,
      findings: findings.length,
      opened: 0,
      reopened: 0,
      closed: 0,
      unchanged: 0,
    };
    const seen = new Set<string>();
    for (const f of findings) {
      const v = find(f);
      const closedReason = f.state === 'open' ? null : f.state;
      if (!v) {
        const row: VulnerabilityTable = {
          vuln_id: randomUUID(),
          org_id: actor.orgId,
          app_id: appId,
          vuln_key: f.key,
          component: f.component,
          component_version: f.version,
          title: f.title,
          severity: f.severity,
          cvss_score: f.score,
          aliases: JSON.stringify(f.aliases),
          state: f.state,
          closed_reason: closedReason,
          first_seen_at: now,
          last_seen_at: now,
          closed_at: f.state === 'open' ? null : now,
          last_tool: parsed.tool,
          last_scan_id: scanId,
          reopened: 0,
        };
        await repo.insertVulnerability(gate.tx, row);
        existing.push(row);
        seen.add(row.vuln_id);
        if (f.state === 'open') r.opened++;
        else r.closed++;
        continue;
      }
      seen.add(v.vuln_id);
      const set: Partial<VulnerabilityTable> = {
        last_seen_at: now,
        last_tool: parsed.tool,
        last_scan_id: scanId,
        severity: f.severity,
        cvss_score: f.score ?? v.cvss_score,
        title: f.title,
        component_version: f.version ?? v.component_version,
        aliases: JSON.stringify([
          ...new Set([
            ...parseIds(v.aliases),
            ...f.aliases,
            ...(f.key !== v.vuln_key ? [f.key] : []),
          ]),
        ]),
      };
      if (f.state === 'open' && v.state !== 'open') {
        Object.assign(set, {
          state: 'open',
          closed_at: null,
          closed_reason: null,
          reopened: v.reopened + 1,
        });
        r.reopened++;
      } else if (f.state !== 'open' && v.state === 'open') {
        Object.assign(set, { state: f.state, closed_at: now, closed_reason: closedReason });
        r.closed++;
      } else r.unchanged++;
      await repo.updateVulnerability(gate.tx, actor.orgId, v.vuln_id, set);
    }
    if (full)
      for (const v of existing)
        if (v.state === 'open' && v.last_tool === parsed.tool && !seen.has(v.vuln_id)) {
          await repo.updateVulnerability(gate.tx, actor.orgId, v.vuln_id, {
            state: 'fixed',
            closed_at: now,
            closed_reason: 'absent',
          });
          r.closed++;
        }
    await repo.insertScan(gate.tx, {
      scan_id: scanId,
      org_id: actor.orgId,
      app_id: appId,
      format: parsed.format,
      tool: parsed.tool,
      full_scan: full ? 1 : 0,
      imported_by: actor.ref,
      imported_at: now,
      findings: findings.length,
      opened: r.opened + r.reopened,
      closed: r.closed,
    });
    gate.record('portfolio.scan.imported', `application:${appId}`, { ...r, full });
    return r;
  });
}
