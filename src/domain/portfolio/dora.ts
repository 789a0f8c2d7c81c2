// The DORA software delivery measures, computed from events as DORA defines them:
//   deployment frequency     successful deployments to production per period;
//   lead time for changes    from a change's commit to its first successful production deployment;
//   change failure rate      deployments that failed, or that caused an incident, over all deployments;
//   failed deployment recovery time (time to restore)
//                            from a failed deployment to the next successful one, and from an
//                            incident opening to its resolution;
//   rework rate              deployments that were unplanned work to fix production (flagged as
//                            rework, or made to restore a failed deployment or during an incident)
//                            over successful deployments.
// Pure functions: one sweep per application turns its events (in time order) into a timeline, and
// any period or bucket is measured from timelines with binary searches.
import { createHash } from 'node:crypto';
import { DAY_MS, HOUR_MS, median } from './portfolio.common.ts';
export { buckets } from './periods.ts';
export type { BucketUnit } from './periods.ts';

/**
 * A 40-bit number standing for a commit sha (its first 10 hex digits) or any other reference (a
 * digest of it), so the measures match commits and incidents without handling strings.
 */
export function doraKey(s: string): number {
  if (/^[0-9a-f]{10}/i.test(s)) return parseInt(s.slice(0, 10), 16);
  let k = digests.get(s);
  if (k === undefined) {
    k = parseInt(createHash('sha256').update(s).digest('hex').slice(0, 10), 16);
    // Environments and ids repeat: remember recent digests (a bounded memo).
    if (digests.size >= 10_000) digests.clear();
    digests.set(s, k);
  }
  return k;
}
const digests = new Map<string, number>();

export type { DoraEvent, DoraKind, EventColumns, Timeline } from './dora.sweep.ts';
export { CODE, emptyColumns, sweep, sweepColumns, toColumns } from './dora.sweep.ts';
import type { Timeline } from './dora.sweep.ts';

export type Band = 'elite' | 'high' | 'medium' | 'low';

export interface DoraMeasures {
  /** Successful production deployments in the period. */
  deployments: number;
  deploymentsPerWeek: number;
  /** Changes deployed, and the median lead time (hours). */
  changes: number;
  leadTimeHours: number | null;
  /** All production deployments, those that failed or caused an incident, and the rate. */
  attempts: number;
  failures: number;
  changeFailureRate: number | null;
  /** Restorations and the median time to restore (hours). */
  recoveries: number;
  recoveryHours: number | null;
  reworkDeployments: number;
  reworkRate: number | null;
  bands: {
    deploymentFrequency: Band | null;
    leadTime: Band | null;
    changeFailureRate: Band | null;
    recovery: Band | null;
  };
}

/** First index with xs[i] >= v (xs ascending). */
function lower(xs: number[], v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** DORA's performance bands (the 2023 State of DevOps clusters, read as thresholds). */
export const BANDS = {
  deploymentFrequency: (perWeek: number): Band =>
    perWeek >= 7 ? 'elite' : perWeek >= 1 ? 'high' : perWeek >= 12 / 52 ? 'medium' : 'low',
  leadTime: (hours: number): Band =>
    hours < 24 ? 'elite' : hours < 168 ? 'high' : hours < 720 ? 'medium' : 'low',
  changeFailureRate: (rate: number): Band =>
    rate <= 0.05 ? 'elite' : rate <= 0.1 ? 'high' : rate <= 0.15 ? 'medium' : 'low',
  recovery: (hours: number): Band =>
    hours < 1 ? 'elite' : hours < 24 ? 'high' : hours < 168 ? 'medium' : 'low',
};

/** The measures over [from, to) for one or many timelines (a portfolio roll-up pools them). */
export function measure(timelines: Timeline[], from: number, to: number): DoraMeasures {
  let deployments = 0;
  let rework = 0;
  let attempts = 0;
  let failures = 0;
  let events = 0;
  const leads: number[] = [];
  const recoveries: number[] = [];
  for (const t of timelines) {
    events += t.events;
    const d0 = lower(t.deployAt, from);
    const d1 = lower(t.deployAt, to);
    deployments += d1 - d0;
    for (let i = d0; i < d1; i++) rework += t.deployRework[i]!;
    const a0 = lower(t.attemptAt, from);
    const a1 = lower(t.attemptAt, to);
    attempts += a1 - a0;
    for (let i = a0; i < a1; i++) failures += t.attemptFailed[i]!;
    const l1 = lower(t.leadAt, to);
    for (let i = lower(t.leadAt, from); i < l1; i++) leads.push(t.leadMs[i]!);
    const r1 = lower(t.recoveryAt, to);
    for (let i = lower(t.recoveryAt, from); i < r1; i++) recoveries.push(t.recoveryMs[i]!);
  }
  const weeks = Math.max(to - from, DAY_MS) / (7 * DAY_MS);
  const perWeek = deployments / weeks;
  const lead = median(leads);
  const rec = median(recoveries);
  const cfr = attempts ? failures / attempts : null;
  return {
    deployments,
    deploymentsPerWeek: perWeek,
    changes: leads.length,
    leadTimeHours: lead === null ? null : lead / HOUR_MS,
    attempts,
    failures,
    changeFailureRate: cfr,
    recoveries: recoveries.length,
    recoveryHours: rec === null ? null : rec / HOUR_MS,
    reworkDeployments: rework,
    reworkRate: deployments ? rework / deployments : null,
    bands: {
      deploymentFrequency: events ? BANDS.deploymentFrequency(perWeek) : null,
      leadTime: lead === null ? null : BANDS.leadTime(lead / HOUR_MS),
      changeFailureRate: cfr === null ? null : BANDS.changeFailureRate(cfr),
      recovery: rec === null ? null : BANDS.recovery(rec / HOUR_MS),
    },
  };
}
