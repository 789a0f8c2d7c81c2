// Federation: partner nodes on the trust list, the organisations they host, messages waiting to
// go to them and the message ids seen from them.

/** A partner node an administrator trusted (by URL and a fingerprint given out of band). */
export interface FederationNodeTable {
  /** The partner's node id (the key id of its Ed25519 signing key). */
  node_id: string;
  name: string;
  /** Its base URL (https). */
  url: string;
  /** Its node card as fetched and verified (JSON). */
  card: string;
  /** SHA-256 of its canonical card keys (hex, upper case, no spaces). */
  fingerprint: string;
  /** Its TLS certificate (PEM), pinned for every connection to it. */
  tls_cert: string;
  /** trusted | revoked */
  state: string;
  added_by: string;
  added_at: string;
  revoked_by: string | null;
  revoked_at: string | null;
  /** What it said it understands (JSON list, features.ts); null until it says (an older node). */
  features: string | null;
}

/**
 * An organisation on a partner node. It also has a row in `organisation` (same id), so agreements
 * and transfers name it exactly as a local one; this row says which node speaks for it.
 */
export interface FederationOrgTable {
  org_id: string;
  node_id: string;
  name: string;
  /** Its exchange public key (X25519 JWK, JSON): transfers to it are sealed to this key. */
  exchange_jwk: string;
  /** The catalogue of its record types it publishes (JSON, see catalogue.ts); null: none yet. */
  record_types: string | null;
  updated_at: string;
}

/** A message to a partner node, kept until it is answered (retry with back-off). */
export interface FederationOutboxTable {
  message_id: string;
  node_id: string;
  kind: string;
  /** The message body (JSON); signed and sealed afresh on each attempt, same message id. */
  body: string;
  /** pending | delivered | refused | failed | dropped (what it carried is gone) */
  state: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  done_at: string | null;
}

/** A message id received from a partner: applied once, answered the same every time. */
export interface FederationSeenTable {
  message_id: string;
  node_id: string;
  kind: string;
  /** SHA-256 of the kind and body: the same id with another body is a replay. */
  digest: string;
  /** The answer given (JSON), null while it is being applied. */
  response: string | null;
  received_at: string;
}

export interface FederationTables {
  federation_node: FederationNodeTable;
  federation_org: FederationOrgTable;
  federation_outbox: FederationOutboxTable;
  federation_seen: FederationSeenTable;
}
