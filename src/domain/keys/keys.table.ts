// Per-organisation keys, stored wrapped (encrypted) under the node's master key, which is never
// in the database. Old data-key versions stay so older payloads keep opening.
export interface OrgKeyTable {
  key_id: string;
  org_id: string;
  /** data: seals record payloads; index: keys the identifier hashes. */
  purpose: string;
  version: number;
  /** AES-256-GCM of the key under the master key: iv || ciphertext || tag. */
  wrapped: Buffer;
  /** Which master key wrapped it (the first 16 hex digits of its SHA-256). */
  master_key_id: string;
  created_at: string;
}

export interface KeysTables {
  org_key: OrgKeyTable;
}
