// The application portfolio: applications, delivery events, vulnerabilities, availability,
// help-desk tickets and the roadmap. Times are ISO-8601 UTC; calendar dates are YYYY-MM-DD.
export interface ApplicationTable {
  app_id: string;
  org_id: string;
  name: string;
  description: string;
  business_owner_id: string | null;
  product_manager_id: string | null;
  /** 1: mission-critical. */
  critical: number;
  /** plan | phase-in | active | phase-out | end-of-life */
  lifecycle: string;
  /** The dates each lifecycle stage starts (planned or actual), YYYY-MM-DD. */
  phase_in_on: string | null;
  active_on: string | null;
  phase_out_on: string | null;
  end_of_life_on: string | null;
  /** 1: under product management (a product manager, a roadmap, a budget owner). */
  onboarded: number;
  budget_line: string | null;
  /** Annual cost in pence. */
  annual_cost_pence: number | null;
  /** on-premises | public-cloud | saas */
  hosting: string;
  /** An id in the vendor register, when it exists; the vendor's name otherwise. */
  vendor_id: string | null;
  vendor_name: string | null;
  /** JSON array of information asset ids. */
  asset_ids: string;
  repository_url: string | null;
  health_check_url: string | null;
  /** 1: the availability page is public; 0: signed-in people of the organisation only. */
  status_public: number;
  /** The deployment environment that counts as production. */
  production_environment: string;
  /** Sealed webhook secret (GitHub HMAC key / GitLab token). */
  webhook_secret: string | null;
  created_by: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
}

export interface PortfolioSettingsTable {
  org_id: string;
  /** The organisation's annual IT budget in pence, for the share attributed to applications. */
  it_budget_pence: number | null;
  /** JSON: { critical, high, medium, low } days to fix a vulnerability. */
  vulnerability_days: string;
  /** JSON: { P1: { respondHours, fixHours }, … } */
  ticket_levels: string;
  updated_by: string;
  updated_at: string;
}

export interface DeliveryEventTable {
  event_id: string;
  org_id: string;
  app_id: string;
  /** deployment | change | incident-opened | incident-resolved | incident-reopened */
  kind: string;
  /** github | gitlab | api | csv */
  source: string;
  /** What makes the event unique within the application (deploy:<id>:<status>, change:<sha>…). */
  dedupe_key: string;
  /** When it happened: deployment finished, change landed, incident opened or resolved. */
  occurred_at: string;
  /** Deployment id or incident id. */
  ref: string | null;
  /** Deployed commit, changed commit, or the commit an incident blames. */
  sha: string | null;
  /** A change: when it was committed. */
  committed_at: string | null;
  /** A change: the head of the push or merge that landed it. */
  head_sha: string | null;
  environment: string | null;
  /** A deployment: success | failure. */
  status: string | null;
  /** A deployment: 1 when it was unplanned work to fix production (hotfix, rollback). */
  rework: number;
  /** JSON array of commit shas a deployment carries, when the sender said. */
  changes: string | null;
  received_at: string;
  /** occurred_at and committed_at in ms, and doraKey() of sha, head_sha and ref (for the measures). */
  at_ms: number;
  committed_ms: number | null;
  sha_key: number | null;
  head_key: number | null;
  ref_key: number | null;
  /** doraKey() of the environment in lower case. */
  env_key: number | null;
}

export interface VulnerabilityTable {
  vuln_id: string;
  org_id: string;
  app_id: string;
  /** CVE id when known (aliases resolved), else the scanner's id or SARIF rule id. */
  vuln_key: string;
  /** purl without version, or the file for code findings. */
  component: string;
  component_version: string | null;
  title: string;
  /** critical | high | medium | low | none */
  severity: string;
  cvss_score: number | null;
  aliases: string;
  /** open | fixed | not_affected */
  state: string;
  /** absent | fixed | not_affected: why it closed. */
  closed_reason: string | null;
  first_seen_at: string;
  last_seen_at: string;
  closed_at: string | null;
  /** The scanning tool that last reported it (a later full scan by it can close it). */
  last_tool: string;
  last_scan_id: string;
  reopened: number;
}

export interface VulnerabilityScanTable {
  scan_id: string;
  org_id: string;
  app_id: string;
  format: string;
  tool: string;
  full_scan: number;
  imported_by: string;
  imported_at: string;
  findings: number;
  opened: number;
  closed: number;
}

export interface HealthHostTable {
  host_id: string;
  org_id: string;
  /** hostname, or hostname:port */
  host: string;
  added_by: string;
  added_at: string;
}

export interface HealthCheckTable {
  check_id: string;
  org_id: string;
  app_id: string;
  checked_at: string;
  up: number;
  status_code: number | null;
  latency_ms: number | null;
  error: string | null;
}

export interface HealthDayTable {
  org_id: string;
  app_id: string;
  day: string;
  checks: number;
  up_checks: number;
  latency_total_ms: number;
}

export interface AvailabilityNoticeTable {
  notice_id: string;
  org_id: string;
  app_id: string;
  /** incident | maintenance */
  kind: string;
  title: string;
  body: string;
  starts_at: string;
  ends_at: string | null;
  resolved_at: string | null;
  created_by: string;
  created_at: string;
}

export interface TicketTable {
  ticket_id: string;
  org_id: string;
  app_id: string;
  number: number;
  /** fault | request | access-request | data-protection */
  kind: string;
  title: string;
  description: string;
  /** P1 | P2 | P3 | P4 */
  priority: string;
  /** new | assigned | in-progress | waiting | resolved | closed */
  status: string;
  raised_by: string;
  raised_at: string;
  assignee_id: string | null;
  respond_due_at: string;
  fix_due_at: string;
  responded_at: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  /** An access request: the role, for whom, and the decision. */
  requested_role: string | null;
  requested_for: string | null;
  decision: string | null;
  decided_by: string | null;
  decided_at: string | null;
  grant_id: string | null;
  updated_at: string;
}

export interface TicketCommentTable {
  comment_id: string;
  org_id: string;
  ticket_id: string;
  author: string;
  body: string;
  /** 1: an internal note the requester does not see. */
  internal: number;
  created_at: string;
}

export interface RoadmapItemTable {
  item_id: string;
  org_id: string;
  app_id: string;
  title: string;
  description: string;
  /** now | next | later, or a quarter like 2026-Q3 */
  horizon: string;
  /** planned | in-progress | done | dropped */
  status: string;
  /** JSON arrays of linked ticket ids and risk ids. */
  ticket_ids: string;
  risk_ids: string;
  created_by: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
}

export interface PortfolioTables {
  application: ApplicationTable;
  portfolio_settings: PortfolioSettingsTable;
  delivery_event: DeliveryEventTable;
  vulnerability: VulnerabilityTable;
  vulnerability_scan: VulnerabilityScanTable;
  health_host: HealthHostTable;
  health_check: HealthCheckTable;
  health_day: HealthDayTable;
  availability_notice: AvailabilityNoticeTable;
  ticket: TicketTable;
  ticket_comment: TicketCommentTable;
  roadmap_item: RoadmapItemTable;
}
