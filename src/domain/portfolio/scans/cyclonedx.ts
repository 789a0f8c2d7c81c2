// CycloneDX (JSON, 1.4–1.6) with vulnerabilities, and VEX: each vulnerability affecting a
// component is a finding; its analysis state says whether it is open (exploitable, in_triage,
// none given), fixed (resolved) or not affected (not_affected, false_positive).
import { AccordError } from '../../../errors.ts';
import { cvss3BaseScore, severityOf, severityWord } from './cvss.ts';
import type { Finding, Json, ParsedScan } from './findings.ts';
import { arr, canonicalId, obj, splitPurl, str } from './findings.ts';

const METHOD_ORDER = ['CVSSv31', 'CVSSv3', 'CVSSv4', 'CVSSv2'];

function rating(ratings: Json[]): {
  score: number | null;
  severity: Finding['severity'] | undefined;
} {
  const sorted = [...ratings].sort(
    (a, b) =>
      ((METHOD_ORDER.indexOf(str(a.method) ?? '') + 10) % 10) -
      ((METHOD_ORDER.indexOf(str(b.method) ?? '') + 10) % 10),
  );
  for (const r of sorted) {
    const s = typeof r.score === 'number' ? r.score : undefined;
    if (s !== undefined && s >= 0 && s <= 10) return { score: s, severity: severityOf(s) };
    const fromVector = str(r.vector) ? cvss3BaseScore(str(r.vector)!) : undefined;
    if (fromVector !== undefined) return { score: fromVector, severity: severityOf(fromVector) };
  }
  for (const r of sorted) {
    const w = severityWord(r.severity);
    if (w) return { score: null, severity: w };
  }
  return { score: null, severity: undefined };
}

function toolName(metadata: Json): string {
  const tools = metadata.tools;
  const list = Array.isArray(tools)
    ? tools
    : [...arr(obj(tools).components), ...arr(obj(tools).services)];
  return str(obj(list[0]).name) ?? 'cyclonedx';
}

export function parseCycloneDx(doc: Json): ParsedScan {
  if (doc.bomFormat !== 'CycloneDX')
    throw new AccordError('SCAN_UNREADABLE', 'The file is not a CycloneDX document (bomFormat).');
  const refs = new Map<string, { purl: string | null; name: string; version: string | null }>();
  const walk = (list: unknown[]): void => {
    for (const c of list.map(obj)) {
      const ref = str(c['bom-ref']);
      const info = { purl: str(c.purl), name: str(c.name) ?? ref ?? '?', version: str(c.version) };
      if (ref) refs.set(ref, info);
      walk(arr(c.components));
    }
  };
  walk(arr(doc.components));
  const meta = obj(obj(doc.metadata).component);
  if (str(meta['bom-ref']))
    refs.set(str(meta['bom-ref'])!, {
      purl: str(meta.purl),
      name: str(meta.name) ?? '?',
      version: str(meta.version),
    });
  const findings: Finding[] = [];
  for (const vValue of arr(doc.vulnerabilities)) {
    const v = obj(vValue);
    const id = str(v.id);
    if (!id) continue;
    const aliases = arr(v.references)
      .map((r) => str(obj(r).id))
      .filter((x): x is string => x !== null);
    const { score, severity } = rating(arr(v.ratings).map(obj));
    const analysis = str(obj(v.analysis).state);
    const state: Finding['state'] =
      analysis === 'not_affected' || analysis === 'false_positive'
        ? 'not_affected'
        : analysis === 'resolved' || analysis === 'resolved_with_pedigree'
          ? 'fixed'
          : 'open';
    for (const aValue of arr(v.affects)) {
      const ref = str(obj(aValue).ref);
      if (!ref) continue;
      const c = refs.get(ref);
      const purl = c?.purl ?? (ref.startsWith('pkg:') ? ref : null);
      const split = purl
        ? splitPurl(purl)
        : { component: c?.name ?? ref, version: c?.version ?? null };
      findings.push({
        key: canonicalId(id, aliases),
        component: split.component,
        version: split.version ?? c?.version ?? null,
        title: (str(v.description) ?? str(v.detail) ?? id).slice(0, 300),
        severity: severity ?? 'medium',
        score,
        aliases: [...new Set([id, ...aliases])].filter((a) => a !== canonicalId(id, aliases)),
        state,
      });
    }
  }
  return { format: 'cyclonedx', tool: toolName(obj(doc.metadata)), findings };
}
