// Domain types of the audit log.

/** What a service records. The actor is `user:<id>`, `token:<id>`, `node`, `cli`, `partner:<node>`. */
export interface AuditEvent {
  orgId: string | null;
  actor: string;
  action: string;
  target?: string | null;
  purpose?: string | null;
  /** ok | allow | deny | error | refused … */
  outcome: string;
  details?: Record<string, unknown>;
}

export interface AuditEntry extends Required<Omit<AuditEvent, 'details'>> {
  seq: number;
  at: string;
  details: Record<string, unknown>;
}

export interface Checkpoint {
  size: number;
  /** Root hash, hex. */
  root: string;
  at: string;
  keyId: string;
  note: string;
  /** Ed25519 signature of `note`, base64. */
  signature: string;
}

export interface InclusionProof {
  seq: number;
  treeSize: number;
  /** Leaf hash, hex. */
  leafHash: string;
  /** Sibling hashes bottom-up, hex. */
  path: string[];
  checkpoint: Checkpoint;
}

export interface ConsistencyProof {
  first: number;
  second: number;
  path: string[];
  firstRoot: string;
  secondRoot: string;
}

export interface VerifyReport {
  ok: boolean;
  size: number;
  checkpointsVerified: number;
  /** The first entry found missing, altered or out of order. */
  firstBadSeq: number | null;
  problems: string[];
  hasher: string;
  ms: number;
}

export interface AuditFilter {
  orgId?: string | null;
  actor?: string;
  action?: string;
  target?: string;
  /** Entries with seq below this (for paging backwards from the newest). */
  before?: number;
  limit?: number;
}
