// Tables of the rights module: subject requests and their timeline, legal holds, and the kept
// versions of corrected records. (The restriction flag lives on the record row: records.table.ts.)
export interface SubjectRequestTable {
  request_id: string;
  org_id: string;
  /** SR-<year>-<n>, for letters and phone calls. */
  reference: string;
  /** access | rectification | erasure | restriction | objection */
  kind: string;
  /** email | letter | phone | web | in-person | other */
  channel: string;
  received_at: string;
  /** The UK calendar date of receipt: the clock runs from it. */
  received_on: string;
  /** Sealed JSON: the subject's identifiers, the request text and redaction marks. */
  details: Buffer;
  key_version: number;
  /** JSON array: the subjects the identifiers matched in the identifier index. */
  subject_ids: string;
  identity_verified: number;
  /** received | awaiting-identity | awaiting-clarification | in-progress | completed | refused */
  status: string;
  /** JSON array of { from, to } dates. */
  pauses: string;
  extension_months: number;
  extension_reason: string | null;
  /** Kept current on every change, for ordering the queue. */
  due_on: string;
  /** What was done, or why it was refused. */
  outcome: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface SubjectRequestEventTable {
  event_id: string;
  org_id: string;
  request_id: string;
  at: string;
  by: string;
  kind: string;
  note: string;
  /** JSON. */
  data: string;
}

export interface LegalHoldTable {
  hold_id: string;
  org_id: string;
  /** record | subject | asset */
  scope: string;
  target_id: string;
  reason: string;
  set_by: string;
  set_at: string;
  lifted_by: string | null;
  lifted_at: string | null;
  lift_reason: string | null;
}

export interface RecordVersionTable {
  record_id: string;
  version: number;
  org_id: string;
  payload: Buffer;
  key_version: number;
  superseded_at: string;
  superseded_by: string;
  reason: string;
}

export interface RightsTables {
  subject_request: SubjectRequestTable;
  subject_request_event: SubjectRequestEventTable;
  legal_hold: LegalHoldTable;
  record_version: RecordVersionTable;
}
