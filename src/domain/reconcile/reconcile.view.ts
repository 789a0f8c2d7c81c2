// What the reconciliation services return: runs, variances, overrides and accuracy flags, mapped
// from their rows (the variance detail opened by the caller, which holds the key).
import type { LinkCounts, LinkParams, VarianceKind } from './link.ts';
import type {
  RecordAccuracyFlagTable,
  ReconcileOverrideTable,
  ReconcileRunTable,
  ReconcileVarianceTable,
} from './reconcile.table.ts';
import type { SideDetail } from './sources.ts';

export type SourceInfo =
  | { kind: 'asset'; assetId: string; name: string; rows: number }
  | { kind: 'upload'; fileName: string; rows: number };

export interface RunCounts extends LinkCounts {
  variances: number;
  byKind: Record<string, number>;
  /** Milliseconds reading and opening records, linking, and storing the variance list. */
  readMs: number;
  /** Of which: the list, the feed, and hashing membership numbers under the index key. */
  readListMs: number;
  readFeedMs: number;
  hashMs: number;
  linkMs: number;
  storeMs: number;
}

export interface Run {
  id: string;
  title: string;
  list: SourceInfo;
  feed: SourceInfo;
  params: LinkParams;
  counts: RunCounts;
  status: string;
  startedBy: string;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number;
}

export function toRun(r: ReconcileRunTable): Run {
  return {
    id: r.run_id,
    title: r.title,
    list: JSON.parse(r.source_a) as SourceInfo,
    feed: JSON.parse(r.source_b) as SourceInfo,
    params: JSON.parse(r.params) as LinkParams,
    counts: JSON.parse(r.counts) as RunCounts,
    status: r.status,
    startedBy: r.started_by,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: r.duration_ms,
  };
}

export interface VarianceDetail {
  a: SideDetail | null;
  b: SideDetail | null;
}

export type VarianceState = 'open' | 'awaiting-approval' | 'overridden';

export interface Variance {
  id: string;
  runId: string;
  seq: number;
  kind: VarianceKind;
  reason: string;
  /** Plain words for the list. */
  summary: string;
  aRef: string | null;
  bRef: string | null;
  score: number | null;
  basis: string | null;
  state: VarianceState;
  a: SideDetail | null;
  b: SideDetail | null;
}

const SUMMARY: Record<string, string> = {
  'not-in-feed': 'On the list, not in the feed',
  'not-on-list': 'In the feed, not on the list',
  'inactive-but-active-in-feed': 'Marked not current on the list, but paying',
  'current-but-not-paying': 'Current on the list, but not paying',
  'postcode-differs': 'The postcodes differ',
  'address-differs': 'The addresses differ',
  'needs-review': 'Possibly the same person: check and decide',
};

export function toVariance(r: ReconcileVarianceTable, detail: VarianceDetail): Variance {
  return {
    id: r.variance_id,
    runId: r.run_id,
    seq: r.seq,
    kind: r.kind as VarianceKind,
    reason: r.reason,
    summary: SUMMARY[r.reason] ?? r.reason,
    aRef: r.a_ref,
    bRef: r.b_ref,
    score: r.score === null ? null : Math.round(r.score * 1000) / 1000,
    basis: r.basis,
    state: r.state as VarianceState,
    a: detail.a,
    b: detail.b,
  };
}

export interface Override {
  id: string;
  varianceId: string;
  runId: string;
  version: number;
  decision: 'explained' | 'set-status';
  newStatus: string | null;
  changesEligibility: boolean;
  justification: string;
  evidence: string;
  state: 'in-force' | 'awaiting-approval' | 'rejected' | 'superseded';
  requestedBy: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
}

export function toOverride(r: ReconcileOverrideTable): Override {
  return {
    id: r.override_id,
    varianceId: r.variance_id,
    runId: r.run_id,
    version: r.version,
    decision: r.decision as Override['decision'],
    newStatus: r.new_status,
    changesEligibility: r.changes_eligibility === 1,
    justification: r.justification,
    evidence: r.evidence,
    state: r.state as Override['state'],
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    decisionNote: r.decision_note,
  };
}

export interface AccuracyFlag {
  recordId: string;
  version: number;
  flag: 'disputed' | 'verified' | 'cleared';
  note: string;
  setBy: string;
  setAt: string;
}

export function toFlag(r: RecordAccuracyFlagTable): AccuracyFlag {
  return {
    recordId: r.record_id,
    version: r.version,
    flag: r.flag as AccuracyFlag['flag'],
    note: r.note,
    setBy: r.set_by,
    setAt: r.set_at,
  };
}
