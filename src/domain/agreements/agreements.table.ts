// Data-sharing agreements. An agreement has versions; a version's terms never change once
// proposed (its digest is the SHA-256 of its canonical terms). Each party's DPO and SIRO approve
// a version; in force means approved by all, started, not ended, not suspended.
export interface AgreementTable {
  agreement_id: string;
  /** The organisation that proposed it (its register lists it first). */
  org_id: string;
  /** DSA-<n>: short, readable, unique on the node. */
  reference: string;
  title: string;
  created_by: string;
  created_at: string;
}

export interface AgreementVersionTable {
  version_id: string;
  agreement_id: string;
  org_id: string;
  version: number;
  /** draft | proposed | approved | rejected | withdrawn */
  status: string;
  /** The terms, canonical JSON (see model.ts). */
  body: string;
  digest: string | null;
  starts_at: string | null;
  ends_at: string | null;
  review_on: string | null;
  proposed_by: string | null;
  proposed_at: string | null;
  approved_at: string | null;
  suspended_at: string | null;
  suspended_by: string | null;
  suspend_reason: string | null;
  terminated_at: string | null;
  terminated_by: string | null;
  terminate_reason: string | null;
  updated_at: string;
}

/** Which organisations are party to a version (one row each), so each finds its agreements. */
export interface AgreementPartyTable {
  version_id: string;
  org_id: string;
}

export interface AgreementApprovalTable {
  approval_id: string;
  version_id: string;
  /** The party organisation the approver signs for. */
  org_id: string;
  person_id: string;
  /** dpo | siro */
  role: string;
  decision: string;
  comment: string | null;
  decided_at: string;
}

/** The purposes vocabulary an organisation offers when building agreements. */
export interface PurposeTable {
  purpose_id: string;
  org_id: string;
  key: string;
  label: string;
  description: string;
  created_by: string;
  created_at: string;
}

export interface AgreementsTables {
  agreement: AgreementTable;
  agreement_version: AgreementVersionTable;
  agreement_party: AgreementPartyTable;
  agreement_approval: AgreementApprovalTable;
  purpose: PurposeTable;
}
