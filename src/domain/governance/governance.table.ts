// Governance registers: DPIAs, risks, vendors and processors, incidents and breaches, links from
// risks and incidents to other records, the charter settings, and dashboard snapshots.
// Times are ISO-8601 UTC instants; `_on` columns are calendar dates (YYYY-MM-DD); JSON is text.

export interface DpiaTable {
  dpia_id: string;
  org_id: string;
  /** DPIA-001, numbered per organisation. */
  ref: string;
  title: string;
  /** Nature, scope, context and purposes of the processing. */
  description: string;
  /** The person who wrote it (segregation of duties: they cannot sign it off). */
  author_id: string | null;
  created_by: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
  /** screening | assessment | advice | sign-off | signed | rejected | not-required */
  status: string;
  /** { answers: { [indicator]: boolean }, notes } */
  screening: string | null;
  screened_by: string | null;
  screened_at: string | null;
  /** The screening found an ICO high-risk indicator: a full DPIA is required. */
  high_risk: number | null;
  necessity: string | null;
  proportionality: string | null;
  consultation: string | null;
  /** [{ description, likelihood, severity, measures, residual }] */
  risks: string;
  /** The highest residual risk: low | medium | high. */
  residual_risk: string | null;
  /** High residual risk: the ICO must be consulted before the processing starts (Art. 36). */
  prior_consultation: number;
  ico_consulted_on: string | null;
  ico_reference: string | null;
  ico_outcome: string | null;
  dpo_advice: string | null;
  /** proceed | proceed-with-changes | do-not-proceed */
  dpo_recommendation: string | null;
  dpo_advice_by: string | null;
  dpo_advice_at: string | null;
  /** approved | rejected */
  decision: string | null;
  signed_by: string | null;
  signed_at: string | null;
  sign_off_note: string | null;
  advice_followed: number | null;
  overrule_reason: string | null;
  review_on: string | null;
  last_reviewed_on: string | null;
  /** A summary citizens may read on the information charter (no personal data). */
  public_summary: string | null;
  publish_summary: number;
}

export interface RiskTable {
  risk_id: string;
  org_id: string;
  ref: string;
  title: string;
  description: string;
  /** information | cyber | supplier | continuity | legal | operational | financial | reputational */
  category: string;
  owner_id: string;
  inherent_likelihood: number;
  inherent_impact: number;
  residual_likelihood: number | null;
  residual_impact: number | null;
  /** treat | tolerate | transfer | terminate, or null while undecided. */
  treatment: string | null;
  treatment_notes: string;
  review_on: string;
  last_reviewed_on: string | null;
  /** open | closed */
  status: string;
  closed_reason: string | null;
  created_by: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
}

export interface RiskActionTable {
  action_id: string;
  org_id: string;
  risk_id: string;
  description: string;
  owner_id: string | null;
  due_on: string;
  done_on: string | null;
  created_by: string;
  created_at: string;
}

export interface RiskAppetiteTable {
  org_id: string;
  category: string;
  /** The highest residual score (likelihood × impact, 1–25) the organisation accepts. */
  max_score: number;
  set_by: string;
  set_at: string;
}

/** A link from a risk or an incident to another record, by kind and id (vendor, dpia, asset, …). */
export interface GovernanceLinkTable {
  link_id: string;
  org_id: string;
  /** risk | incident */
  from_kind: string;
  from_id: string;
  kind: string;
  target_id: string;
  created_by: string;
  created_at: string;
}

export interface VendorTable {
  vendor_id: string;
  org_id: string;
  ref: string;
  name: string;
  services: string;
  is_processor: number;
  contract_ref: string | null;
  contract_start: string | null;
  contract_end: string | null;
  /** The contract holds the terms UK GDPR Art. 28(3) requires. */
  art28_terms: number;
  /** [{ scheme, reference, expiresOn }] */
  certifications: string;
  /** Countries or regions where the data is held. */
  data_locations: string;
  international_transfers: number;
  transfer_mechanism: string | null;
  /** [{ name, service, location }] */
  sub_processors: string;
  breach_history: string;
  exit_plan: string;
  recovery_plan_tested_on: string | null;
  purposes: string;
  data_categories: string;
  subject_categories: string;
  retention: string;
  security_measures: string;
  next_review_on: string;
  last_reviewed_on: string | null;
  /** active | ended */
  status: string;
  on_charter: number;
  created_by: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
}

export interface IncidentTable {
  incident_id: string;
  org_id: string;
  ref: string;
  summary: string;
  description: string;
  /** The actor who reported it (person:<id>, token:<id>). */
  reported_by: string;
  reporter_id: string | null;
  reported_at: string;
  /** When the organisation became aware: the 72-hour clock starts here. */
  aware_at: string;
  occurred_at: string | null;
  how_discovered: string;
  /** reported | triaged | closed */
  status: string;
  personal_data: number | null;
  /** ["confidentiality", "integrity", "availability"] */
  breach_types: string;
  cyber: number | null;
  data_categories: string;
  subject_categories: string;
  subjects_affected: number | null;
  records_affected: number | null;
  /** remote | possible | likely */
  likelihood: string | null;
  /** minimal | significant | severe */
  severity: string | null;
  consequences: string;
  triaged_by: string | null;
  triaged_at: string | null;
  notify_ico: number | null;
  notify_reasoning: string | null;
  tell_subjects: number | null;
  tell_subjects_reasoning: string | null;
  decided_by: string | null;
  decided_at: string | null;
  ico_notified_at: string | null;
  ico_reference: string | null;
  late_reason: string | null;
  subjects_told_at: string | null;
  subjects_told_how: string | null;
  containment: string;
  recovery: string;
  lessons: string;
  /** yes | no | unknown: had the staff involved been trained in the last two years? */
  staff_trained: string;
  other_bodies_told: string;
  closed_by: string | null;
  closed_at: string | null;
  updated_at: string;
}

export interface GovernanceSettingsTable {
  org_id: string;
  ico_registration: string;
  public_email: string;
  public_phone: string;
  public_address: string;
  charter_intro: string;
  request_instructions: string;
  updated_by: string;
  updated_at: string;
}

export interface IndicatorSnapshotTable {
  org_id: string;
  indicator_id: string;
  day: string;
  value: number | null;
  status: string;
  taken_at: string;
}

export interface GovernanceCounterTable {
  org_id: string;
  kind: string;
  n: number;
}

export interface GovernanceTables {
  dpia: DpiaTable;
  risk: RiskTable;
  risk_action: RiskActionTable;
  risk_appetite: RiskAppetiteTable;
  governance_link: GovernanceLinkTable;
  vendor: VendorTable;
  incident: IncidentTable;
  governance_settings: GovernanceSettingsTable;
  indicator_snapshot: IndicatorSnapshotTable;
  governance_counter: GovernanceCounterTable;
}
