// Exchange: sealed transfers between organisations, their chunks, queries (look-ups and yes/no
// checks), each organisation's exchange key pair, notifications and webhooks.

/**
 * One of an organisation's key pairs for receiving transfers (JWE, ECDH-ES with X25519). Exactly
 * one is current (retired_at null); retired ones still open what was sealed to them, until they
 * are destroyed (exchange-key-destruction.ts).
 */
export interface ExchangeKeyTable {
  org_id: string;
  /** First 16 hex of SHA-256 of the raw public key: the JWE `kid` of what is sealed to it. */
  key_id: string;
  /** 1 for the organisation's first pair, then one more at each rotation. */
  version: number;
  /** The public key as a JWK (JSON). */
  public_jwk: string;
  /** The private JWK sealed with AES-256-GCM under the organisation's data key; never in clear. Empty once destroyed. */
  sealed_private: Buffer;
  data_key_version: number;
  created_at: string;
  /** When the next pair replaced it; null for the current one. */
  retired_at: string | null;
  /** When its private half was destroyed (retired, and nothing sealed to it left to open). */
  destroyed_at: string | null;
}

export interface TransferTable {
  transfer_id: string;
  /** The sending organisation. */
  org_id: string;
  recipient_org_id: string;
  agreement_id: string;
  version_id: string;
  agreement_ref: string;
  purpose: string;
  record_type: string;
  /** The agreed fields each record was projected onto (JSON array). */
  fields: string;
  /** What the sender picked, in words (no personal data). */
  selection: string;
  /** draft | ready | delivered | opened | acknowledged | rejected | recalled | expired */
  state: string;
  record_count: number;
  chunk_count: number;
  byte_count: number;
  /** Sender's side, sent to a partner node: how many chunks the partner says it holds. */
  chunks_held: number | null;
  /** The manifest as built (JSON); the signed copy in manifest_jws is the one trusted on opening. */
  manifest: string;
  manifest_jws: string | null;
  recipient_asset_id: string | null;
  reason: string | null;
  created_by: string;
  created_at: string;
  ready_at: string | null;
  delivered_at: string | null;
  expires_at: string | null;
  opened_at: string | null;
  opened_by: string | null;
  closed_at: string | null;
  updated_at: string;
}

/** Up to ACCORD_TRANSFER_CHUNK_RECORDS projected records, encrypted to the recipient (compact JWE). */
export interface TransferChunkTable {
  transfer_id: string;
  chunk_index: number;
  org_id: string;
  record_count: number;
  jwe: string;
}

/**
 * A transfer arriving from a partner node, chunk by chunk: not in `transfer` (so in no inbox)
 * until every chunk is here and verified.
 */
export interface TransferInboundTable {
  transfer_id: string;
  /** The sending organisation (on the partner node). */
  org_id: string;
  recipient_org_id: string;
  /** The partner node sending it. */
  node_id: string;
  /** The transfer as the sender holds it (JSON of the offer's transfer). */
  header: string;
  /** What the verified, signed manifest says of each chunk: [{ count, sealed }] (JSON). */
  chunks: string;
  chunk_count: number;
  received_at: string;
  updated_at: string;
}

/** A chunk of an arriving transfer, checked against the signed manifest before it was stored. */
export interface TransferInboundChunkTable {
  transfer_id: string;
  chunk_index: number;
  org_id: string;
  record_count: number;
  jwe: string;
}

/** One look-up or check, kept for budgets and fishing detection (no record content). */
export interface ExchangeQueryTable {
  query_id: string;
  /** The asking organisation. */
  org_id: string;
  provider_org_id: string;
  agreement_id: string;
  /** lookup | check */
  kind: string;
  asked_by: string;
  /** The provider's subject id when someone matched; null for no match. */
  subject_id: string | null;
  /** match | no-match | yes | no | disagree (identifiers of different people: a miss) */
  outcome: string;
  purpose: string;
  asked_at: string;
}

/** How many look-ups or checks an organisation made under an agreement on one UTC day (budgets). */
export interface ExchangeQueryCountTable {
  org_id: string;
  kind: string;
  /** yyyy-mm-dd, UTC */
  day: string;
  agreement_id: string;
  n: number;
}

export interface ExchangeNotificationTable {
  notification_id: string;
  org_id: string;
  /** arrived | recalled | rejected | expired | acknowledged | fishing */
  kind: string;
  transfer_id: string | null;
  message: string;
  created_at: string;
}

export interface ExchangeWebhookTable {
  org_id: string;
  url: string;
  updated_by: string;
  updated_at: string;
}

/** A webhook call waiting to be made (best effort, with retry and back-off). */
export interface ExchangeWebhookDeliveryTable {
  delivery_id: string;
  org_id: string;
  url: string;
  body: string;
  attempts: number;
  next_attempt_at: string;
  delivered_at: string | null;
  last_error: string | null;
  created_at: string;
}

export interface ExchangeTables {
  exchange_key: ExchangeKeyTable;
  transfer: TransferTable;
  transfer_chunk: TransferChunkTable;
  transfer_inbound: TransferInboundTable;
  transfer_inbound_chunk: TransferInboundChunkTable;
  exchange_query: ExchangeQueryTable;
  exchange_query_count: ExchangeQueryCountTable;
  exchange_notification: ExchangeNotificationTable;
  exchange_webhook: ExchangeWebhookTable;
  exchange_webhook_delivery: ExchangeWebhookDeliveryTable;
}
