// Accounts, credentials, sessions and API tokens.
export interface PersonTable {
  person_id: string;
  org_id: string;
  /** Lower-cased; unique on the node (it is the sign-in name). */
  email: string;
  name: string;
  job_title: string | null;
  /** argon2id; null until the person sets a password from their one-time link. */
  password_hash: string | null;
  /** The TOTP secret, sealed with the node's secret box (never stored in clear). */
  totp_secret: string | null;
  totp_enrolled_at: string | null;
  /** The last TOTP time step accepted, so a code can never be used twice. */
  totp_last_step: number | null;
  /** active | disabled */
  status: string;
  failed_logins: number;
  locked_until: string | null;
  sso_subject: string | null;
  created_at: string;
  created_by: string;
  demo: number;
}

export interface SessionTable {
  /** SHA-256 of the cookie value: the database alone cannot be used to hijack a session. */
  session_id: string;
  org_id: string;
  person_id: string;
  created_at: string;
  last_seen_at: string;
  /** Absolute expiry; the idle timeout is measured from last_seen_at. */
  expires_at: string;
  /** Whether the second factor has been given in this session. */
  mfa: number;
  /** password | sso */
  method: string;
  /** A second-factor secret being enrolled, sealed, until the person confirms a code from it. */
  pending_totp_secret: string | null;
  ip: string | null;
  user_agent: string | null;
  revoked_at: string | null;
  revoke_reason: string | null;
}

export interface ApiTokenTable {
  token_id: string;
  org_id: string;
  /** The person the token acts for; null for a partner-system token. */
  person_id: string | null;
  name: string;
  /** SHA-256 of the token; the token itself is shown once and never stored. */
  token_hash: string;
  /** The first characters, so people can tell their tokens apart. */
  prefix: string;
  scopes: string;
  created_by: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
  last_used_at: string | null;
}

export interface PasswordLinkTable {
  link_hash: string;
  org_id: string;
  person_id: string;
  /** invite | reset */
  purpose: string;
  reset_second_factor: number;
  created_by: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface SsoProviderTable {
  org_id: string;
  label: string;
  issuer: string;
  client_id: string;
  /** Sealed with the node's secret box. */
  client_secret: string;
  enabled: number;
  updated_by: string;
  updated_at: string;
}

export interface SsoLoginTable {
  state: string;
  org_id: string;
  nonce: string;
  code_verifier: string;
  created_at: string;
}

export interface IdentityTables {
  person: PersonTable;
  session: SessionTable;
  api_token: ApiTokenTable;
  password_link: PasswordLinkTable;
  sso_provider: SsoProviderTable;
  sso_login: SsoLoginTable;
}
