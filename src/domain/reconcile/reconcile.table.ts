// Reconciliation runs, their variances, overrides of variances, and accuracy flags on records.
export interface ReconcileRunTable {
  run_id: string;
  org_id: string;
  title: string;
  /** JSON: { kind: 'asset', assetId, name } or { kind: 'upload', fileName, rows } — list side (A). */
  source_a: string;
  /** JSON, the same shape — feed side (B). */
  source_b: string;
  /** JSON: the thresholds and limits the run used (LinkParams). */
  params: string;
  /** JSON: rows read, links made, comparisons, variances by kind, timings. */
  counts: string;
  /** completed | failed */
  status: string;
  started_by: string;
  started_at: string;
  finished_at: string | null;
  duration_ms: number;
}

export interface ReconcileVarianceTable {
  variance_id: string;
  org_id: string;
  run_id: string;
  /** Order within the run, for stable paging and export. */
  seq: number;
  /** only-in-a | only-in-b | status-mismatch | address-mismatch | possible-match */
  kind: string;
  reason: string;
  /** record:<id> or line:<n>; null when the variance has no row on that side. */
  a_ref: string | null;
  b_ref: string | null;
  score: number | null;
  /** identifier | linkage */
  basis: string | null;
  /** Sealed JSON of both sides' names, numbers, statuses and addresses (personal data). */
  detail: Buffer;
  key_version: number;
  /** open | awaiting-approval | overridden */
  state: string;
  updated_at: string;
}

export interface ReconcileOverrideTable {
  override_id: string;
  org_id: string;
  run_id: string;
  variance_id: string;
  /** 1, 2, … per variance: a new override supersedes the last, which is kept. */
  version: number;
  /** explained (the records are right as they are) | set-status (the list's status is wrong) */
  decision: string;
  new_status: string | null;
  /** Whether it changes who is eligible (e.g. to vote in a ballot): a second person approves. */
  changes_eligibility: number;
  justification: string;
  evidence: string;
  /** in-force | awaiting-approval | rejected | superseded */
  state: string;
  requested_by: string;
  requested_at: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_note: string | null;
}

export interface RecordAccuracyFlagTable {
  flag_id: string;
  org_id: string;
  record_id: string;
  /** 1, 2, … per record: the latest is in force, the earlier are its history. */
  version: number;
  /** disputed | verified | cleared */
  flag: string;
  note: string;
  set_by: string;
  set_at: string;
}

export interface ReconcileTables {
  reconcile_run: ReconcileRunTable;
  reconcile_variance: ReconcileVarianceTable;
  reconcile_override: ReconcileOverrideTable;
  record_accuracy_flag: RecordAccuracyFlagTable;
}
