// OSV JSON: osv-scanner's results (packages with their vulnerabilities, grouped by alias), or
// OSV records themselves (one, a list, or the API's { vulns: [...] }). Severity from the CVSS v3
// vector, osv-scanner's max_severity, or the database's own word (GitHub's "moderate").
import { AccordError } from '../../../errors.ts';
import { cvss3BaseScore, severityOf, severityWord } from './cvss.ts';
import type { Finding, Json, ParsedScan } from './findings.ts';
import { arr, canonicalId, obj, purlOf, splitPurl, str } from './findings.ts';

function scoreOf(record: Json): number | null {
  for (const s of arr(record.severity).map(obj)) {
    const type = str(s.type) ?? '';
    const v = str(s.score);
    if (v && type.startsWith('CVSS_V3')) {
      const n = cvss3BaseScore(v);
      if (n !== undefined) return n;
    }
  }
  return null;
}

function severityFrom(
  records: Json[],
  max?: string | null,
): { score: number | null; severity: Finding['severity'] } {
  const n = max ? Number(max) : NaN;
  if (Number.isFinite(n) && n >= 0 && n <= 10) return { score: n, severity: severityOf(n) };
  const scores = records.map(scoreOf).filter((x): x is number => x !== null);
  if (scores.length) {
    const s = Math.max(...scores);
    return { score: s, severity: severityOf(s) };
  }
  for (const r of records) {
    const w =
      severityWord(obj(r.database_specific).severity) ??
      severityWord(obj(r.ecosystem_specific).severity);
    if (w) return { score: null, severity: w };
  }
  return { score: null, severity: 'medium' };
}

const idsOf = (r: Json): string[] =>
  [str(r.id), ...arr(r.aliases).map(str)].filter((x): x is string => x !== null);

function finding(
  records: Json[],
  ids: string[],
  component: string,
  version: string | null,
  max?: string | null,
): Finding {
  const first = records[0] ?? {};
  const key = canonicalId(ids[0] ?? '?', ids);
  return {
    key,
    component,
    version,
    title: (str(first.summary) ?? str(first.details) ?? key).slice(0, 300),
    ...severityFrom(records, max),
    aliases: [...new Set(ids)].filter((a) => a !== key),
    state: records.length && records.every((r) => str(r.withdrawn)) ? 'not_affected' : 'open',
  };
}

export function parseOsv(doc: unknown): ParsedScan {
  const root = obj(doc);
  const findings: Finding[] = [];
  if (Array.isArray(root.results)) {
    for (const result of arr(root.results).map(obj)) {
      for (const pkgValue of arr(result.packages)) {
        const pkg = obj(obj(pkgValue).package);
        const name = str(pkg.name);
        const eco = str(pkg.ecosystem);
        if (!name || !eco) continue;
        const component = str(pkg.purl) ? splitPurl(str(pkg.purl)!).component : purlOf(eco, name);
        const vulns = arr(obj(pkgValue).vulnerabilities).map(obj);
        const groups = arr(obj(pkgValue).groups).map(obj);
        const grouped = groups.length
          ? groups.map((g) => {
              const ids = [...arr(g.ids), ...arr(g.aliases)]
                .map(str)
                .filter((x): x is string => x !== null);
              return {
                ids,
                records: vulns.filter((v) => ids.includes(str(v.id) ?? '')),
                max: str(g.max_severity),
              };
            })
          : vulns.map((v) => ({ ids: idsOf(v), records: [v], max: null }));
        for (const g of grouped) {
          const ids = [...new Set([...g.ids, ...g.records.flatMap(idsOf)])];
          if (ids.length)
            findings.push(finding(g.records, ids, component, str(pkg.version), g.max));
        }
      }
    }
    return { format: 'osv', tool: 'osv-scanner', findings };
  }
  const records = Array.isArray(doc)
    ? doc.map(obj)
    : Array.isArray(root.vulns)
      ? arr(root.vulns).map(obj)
      : [root];
  if (!records.every((r) => str(r.id) && (Array.isArray(r.affected) || r.withdrawn)))
    throw new AccordError(
      'SCAN_UNREADABLE',
      'The file is neither osv-scanner results nor OSV records (id, affected).',
    );
  for (const r of records) {
    for (const a of arr(r.affected).map(obj)) {
      const pkg = obj(a.package);
      const purl = str(pkg.purl);
      const eco = str(pkg.ecosystem);
      const name = str(pkg.name);
      const component = purl ? splitPurl(purl).component : eco && name ? purlOf(eco, name) : null;
      if (!component) continue;
      const versions = arr(a.versions)
        .map(str)
        .filter((x): x is string => x !== null);
      findings.push(finding([r], idsOf(r), component, versions.length === 1 ? versions[0]! : null));
    }
  }
  return { format: 'osv', tool: 'osv', findings };
}
