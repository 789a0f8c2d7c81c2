// SARIF 2.1.0 (OASIS): each result names a rule its tool defines (in the driver or an
// extension); a result naming a rule the tool does not define is refused, with where it is.
// Severity comes from the rule's (or result's) "security-severity" CVSS score, else its level.
import { AccordError } from '../../../errors.ts';
import type { Problem } from '../../../errors.ts';
import type { Severity } from '../settings.service.ts';
import { severityOf } from './cvss.ts';
import type { Finding, Json, ParsedScan } from './findings.ts';
import { arr, canonicalId, obj, str } from './findings.ts';

const LEVELS: Record<string, Severity> = {
  error: 'high',
  warning: 'medium',
  note: 'low',
  none: 'none',
};

function score(props: Json): number | null {
  const v = props['security-severity'];
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 && n <= 10 ? n : null;
}

export function parseSarif(doc: Json): ParsedScan {
  if (doc.version !== '2.1.0' || !Array.isArray(doc.runs))
    throw new AccordError(
      'SCAN_UNREADABLE',
      'Only SARIF version 2.1.0 with a runs array can be imported.',
    );
  const findings: Finding[] = [];
  const problems: Problem[] = [];
  let tool = 'sarif';
  for (const [ri, runValue] of arr(doc.runs).entries()) {
    const run = obj(runValue);
    const driver = obj(obj(run.tool).driver);
    tool = str(driver.name) ?? tool;
    const driverRules = arr(driver.rules).map(obj);
    const rules = new Map<string, Json>();
    for (const r of [
      ...driverRules,
      ...arr(obj(run.tool).extensions).flatMap((x) => arr(obj(x).rules).map(obj)),
    ]) {
      const id = str(r.id);
      if (id) rules.set(id, r);
    }
    for (const [i, resultValue] of arr(run.results).entries()) {
      const result = obj(resultValue);
      const where = `runs[${ri}].results[${i}]`;
      const idx = typeof result.ruleIndex === 'number' ? result.ruleIndex : undefined;
      const ruleId =
        str(result.ruleId) ??
        str(obj(result.rule).id) ??
        (idx !== undefined ? str(driverRules[idx]?.id) : null);
      if (!ruleId) {
        problems.push({
          field: `${where}.ruleId`,
          message: `The result at ${where} names no rule`,
        });
        continue;
      }
      // A hierarchical id ("CA1000/1") belongs to its base rule.
      const rule = rules.get(ruleId) ?? rules.get(ruleId.split('/')[0]!);
      if (!rule) {
        problems.push({
          field: `${where}.ruleId`,
          message: `The result at ${where} names the rule “${ruleId}”, which ${tool} does not define`,
        });
        continue;
      }
      const loc = obj(obj(arr(result.locations)[0]).physicalLocation);
      const uri = str(obj(loc.artifactLocation).uri) ?? '(no file)';
      const line = obj(loc.region).startLine;
      const fp =
        str(Object.values(obj(result.fingerprints))[0]) ??
        str(obj(result.partialFingerprints).primaryLocationLineHash);
      const component = fp
        ? `${uri}#${fp.slice(0, 16)}`
        : typeof line === 'number'
          ? `${uri}:${line}`
          : uri;
      const s = score(obj(result.properties)) ?? score(obj(rule.properties));
      const level = str(result.level) ?? str(obj(rule.defaultConfiguration).level) ?? 'warning';
      const suppressed = arr(result.suppressions).some((x) => {
        const st = str(obj(x).status);
        return st === null || st === 'accepted';
      });
      findings.push({
        key: canonicalId(ruleId, []),
        component,
        version: typeof line === 'number' ? `line ${line}` : null,
        title:
          str(obj(rule.shortDescription).text) ??
          str(rule.name) ??
          str(obj(result.message).text) ??
          ruleId,
        severity: s !== null ? severityOf(s) : (LEVELS[level] ?? 'medium'),
        score: s,
        aliases: [],
        state: suppressed ? 'not_affected' : 'open',
      });
    }
  }
  if (problems.length)
    throw new AccordError(
      'SCAN_UNKNOWN_RULE',
      `${problems.length} result${problems.length === 1 ? '' : 's'} name${problems.length === 1 ? 's' : ''} a rule the tool does not define: nothing was imported.`,
      problems.slice(0, 200),
    );
  return { format: 'sarif', tool, findings };
}
