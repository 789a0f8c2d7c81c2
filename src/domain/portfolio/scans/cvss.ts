// CVSS v3.0/v3.1 base scores from vectors (FIRST's specification, section 7), and the
// qualitative severity of a score.
import type { Severity } from '../settings.service.ts';

const W = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  CIA: { H: 0.56, L: 0.22, N: 0 },
} as const;

/** CVSS v3.1 Roundup: the smallest number, to one decimal place, equal to or above the input. */
export function roundUp(x: number): number {
  const i = Math.round(x * 100_000);
  return i % 10_000 === 0 ? i / 100_000 : (Math.floor(i / 10_000) + 1) / 10;
}

/** The base score of a CVSS:3.0 or CVSS:3.1 vector, or undefined when it is not one. */
export function cvss3BaseScore(vector: string): number | undefined {
  const m = /^CVSS:3\.[01]\/(.*)$/.exec(vector.trim());
  if (!m) return undefined;
  const parts = new Map<string, string>();
  for (const p of m[1]!.split('/')) {
    const [k, v] = p.split(':');
    if (k && v) parts.set(k, v);
  }
  const get = <T extends Record<string, number>>(k: string, table: T): number | undefined => {
    const v = parts.get(k);
    return v !== undefined && v in table ? table[v as keyof T] : undefined;
  };
  const scope = parts.get('S');
  if (scope !== 'U' && scope !== 'C') return undefined;
  const changed = scope === 'C';
  const av = get('AV', W.AV);
  const ac = get('AC', W.AC);
  const ui = get('UI', W.UI);
  const pr = get('PR', changed ? { N: 0.85, L: 0.68, H: 0.5 } : { N: 0.85, L: 0.62, H: 0.27 });
  const c = get('C', W.CIA);
  const i = get('I', W.CIA);
  const a = get('A', W.CIA);
  if ([av, ac, ui, pr, c, i, a].some((x) => x === undefined)) return undefined;
  const iss = 1 - (1 - c!) * (1 - i!) * (1 - a!);
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
  const exploitability = 8.22 * av! * ac! * pr! * ui!;
  if (impact <= 0) return 0;
  return changed
    ? roundUp(Math.min(1.08 * (impact + exploitability), 10))
    : roundUp(Math.min(impact + exploitability, 10));
}

/** The CVSS qualitative severity of a score. */
export function severityOf(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'none';
}

/** A severity word from a scanner (GitHub's "moderate", CycloneDX's "info"…), when it is one. */
export function severityWord(word: unknown): Severity | undefined {
  if (typeof word !== 'string') return undefined;
  const w = word.trim().toLowerCase();
  if (w === 'critical' || w === 'high' || w === 'medium' || w === 'low' || w === 'none') return w;
  if (w === 'moderate') return 'medium';
  if (w === 'info' || w === 'informational' || w === 'negligible') return 'none';
  return undefined;
}
