// Audit log tables. Rows are append-only: triggers on both dialects refuse UPDATE and DELETE.

export interface AuditEntryTable {
  /** Leaf index in the Merkle tree, from 0, without gaps. */
  seq: number;
  at: string;
  /** The organisation the event belongs to; null for node-wide events (start, migrations). */
  org_id: string | null;
  actor: string;
  action: string;
  target: string | null;
  purpose: string | null;
  outcome: string;
  /** The canonical JSON of the whole entry: exactly the bytes that are hashed into the tree. */
  entry: string;
  /**
   * SHA-256(0x00 || entry) as written. Not trusted by verification (an attacker can rewrite it);
   * used only to name the exact entry once a tile or signed checkpoint shows a range was altered.
   */
  leaf_hash: Buffer;
}

/** A full tile: 256 nodes at tree level 8·level and every node above them up to the tile root. */
export interface AuditTileTable {
  level: number;
  idx: number;
  hashes: Buffer;
}

export interface AuditCheckpointTable {
  size: number;
  root: Buffer;
  at: string;
  key_id: string;
  /** The signed note text (origin, size, root, time). */
  note: string;
  signature: Buffer;
}

export interface AuditTables {
  audit_entry: AuditEntryTable;
  audit_tile: AuditTileTable;
  audit_checkpoint: AuditCheckpointTable;
}
