// The audit log: every module records its events here, in the transaction of the change.
// Events are buffered in the transaction and flushed just before COMMIT: numbered, hashed into
// the Merkle tree, inserted, and — every `checkpointEvery` entries — covered by a signed
// checkpoint. The in-memory tree edge moves forward only after COMMIT, and is reloaded whenever
// another process has appended since (the database, not this process, is the source of truth).
import { sql } from 'kysely';
import type { Db, Executor, Store, Tx } from '../../store/store.ts';
import { inTransaction } from '../../store/store.ts';
import type { NodeKeys } from '../node/node-keys.ts';
import { HASH_SIZE, hasher } from './hasher.ts';
import type { Hasher } from './hasher.ts';
import * as repo from './audit.repository.ts';
import type { AuditCheckpointTable, NewAuditEntry } from './audit.table.ts';
import type { AuditEntry, AuditEvent, AuditFilter, Checkpoint } from './audit.types.ts';
import { TreeState } from './tree-state.ts';

/** Serialises appends across PostgreSQL connections (any fixed 64-bit number would do). */
const PG_LOCK = 0x4163636f7264; // "Accord"

export interface AuditOptions {
  checkpointEvery: number;
  now?: () => Date;
  hasher?: Hasher;
}

export function checkpointNote(keyId: string, size: number, root: Buffer, at: string): string {
  return `accord audit log ${keyId}\n${size}\n${root.toString('base64')}\n${at}\n`;
}

export function toCheckpoint(row: AuditCheckpointTable): Checkpoint {
  return {
    size: row.size,
    root: row.root.toString('hex'),
    at: row.at,
    keyId: row.key_id,
    note: row.note,
    signature: row.signature.toString('base64'),
  };
}

export function toEntry(row: { entry: string }): AuditEntry {
  const e = JSON.parse(row.entry) as {
    seq: number;
    at: string;
    org: string | null;
    actor: string;
    action: string;
    target: string | null;
    purpose: string | null;
    outcome: string;
    details: Record<string, unknown>;
  };
  return {
    seq: e.seq,
    at: e.at,
    orgId: e.org,
    actor: e.actor,
    action: e.action,
    target: e.target,
    purpose: e.purpose,
    outcome: e.outcome,
    details: e.details,
  };
}

interface Pending {
  events: { at: string; event: AuditEvent }[];
  base?: TreeState;
}

export class AuditLog {
  private state: TreeState | undefined;
  /** The newest checkpoint this process has written or seen (others may have written newer). */
  private lastCp: Checkpoint | undefined;
  private readonly now: () => Date;
  readonly hasher: Hasher;

  constructor(
    readonly store: Store,
    readonly keys: NodeKeys,
    private readonly opts: AuditOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
    this.hasher = opts.hasher ?? hasher;
  }

  /** Records an event in the caller's transaction; it is written just before COMMIT. */
  record(tx: Tx, event: AuditEvent): void {
    let p = tx.local.get(this) as Pending | undefined;
    if (!p) {
      p = { events: [] };
      tx.local.set(this, p);
    }
    // A fresh key each time the buffer fills from empty, so an event recorded by a later
    // before-commit hook is flushed too.
    const pending = p;
    if (pending.events.length === 0) tx.beforeCommit({}, () => this.flush(tx, pending));
    pending.events.push({ at: this.now().toISOString(), event });
  }

  /** Records an event in its own transaction (or the caller's, when given one). */
  async recordNow(db: Db, event: AuditEvent): Promise<void> {
    await inTransaction(db, async (tx) => this.record(tx, event));
  }

  /** The committed tree edge as this process last saw it (may be behind other writers). */
  get edge(): TreeState | undefined {
    return this.state;
  }

  /** The number of entries, as this process last saw it (cheap: for metrics). */
  get knownSize(): number {
    return this.state?.size ?? 0;
  }

  get lastCheckpointTime(): string | undefined {
    return this.lastCp?.at;
  }

  /**
   * The tree edge for the committed log, reloaded if another writer has appended. Call it outside
   * a transaction, or inside one before this transaction has appended (the flush does).
   */
  async current(ex: Executor | Tx): Promise<TreeState> {
    const size = await repo.tailSize(ex);
    if (this.state?.size === size) return this.state;
    const bottoms: Buffer[] = [];
    for (const { level, first, count } of TreeState.partialCounts(size)) {
      if (level === 0) {
        const rows = await repo.entryTexts(ex, first, first + count);
        const buf = Buffer.allocUnsafe(rows.length * HASH_SIZE);
        this.hasher.hashLeaves(
          rows.map((r) => r.entry),
          buf,
        );
        bottoms.push(buf);
      } else {
        bottoms.push(Buffer.concat(await repo.tileRoots(ex, level - 1, first, count)));
      }
    }
    const state = TreeState.fromBottoms(size, bottoms, this.hasher);
    const cp = await repo.latestCheckpoint(ex);
    this.lastCp = cp && toCheckpoint(cp);
    this.state = state;
    return state;
  }

  private async flush(tx: Tx, p: Pending): Promise<void> {
    const pending = p.events.splice(0);
    if (pending.length === 0) return;
    if (!p.base && tx.dialect === 'postgres')
      await sql`select pg_advisory_xact_lock(${PG_LOCK})`.execute(tx.db);
    // The first flush starts from the committed tree (we hold the write lock); a second flush in
    // the same transaction continues from the first one's uncommitted edge.
    const next = (p.base ?? (await this.current(tx))).clone();
    p.base = next;
    const first = next.size;
    const entries = pending.map(({ at, event }, i) =>
      JSON.stringify({
        v: 1,
        seq: first + i,
        at,
        org: event.orgId,
        actor: event.actor,
        action: event.action,
        target: event.target ?? null,
        purpose: event.purpose ?? null,
        outcome: event.outcome,
        details: event.details ?? {},
      }),
    );
    const leaves = Buffer.allocUnsafe(entries.length * HASH_SIZE);
    this.hasher.hashLeaves(entries, leaves);
    const rows: NewAuditEntry[] = entries.map((entry, i) => ({
      seq: first + i,
      entry,
      leaf_hash: leaves.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE),
    }));
    const tiles = next.append(leaves);
    await repo.insertEntries(tx, rows);
    await repo.insertTiles(
      tx,
      tiles.map((t) => ({ level: t.level, idx: t.index, hashes: t.hashes })),
    );
    let cp: AuditCheckpointTable | undefined;
    if (next.size - (this.lastCp?.size ?? 0) >= this.opts.checkpointEvery) {
      cp = await this.writeCheckpoint(tx, next);
    }
    tx.afterCommit(() => {
      if (!this.state || next.size > this.state.size) this.state = next;
      if (cp) {
        this.lastCp = toCheckpoint(cp);
      }
    });
  }

  private async writeCheckpoint(tx: Tx, state: TreeState): Promise<AuditCheckpointTable> {
    const at = this.now().toISOString();
    const root = state.root();
    const note = checkpointNote(this.keys.keyId, state.size, root, at);
    const row = {
      size: state.size,
      root,
      at,
      key_id: this.keys.keyId,
      note,
      signature: this.keys.sign(note),
    };
    await repo.insertCheckpoint(tx, row);
    return row;
  }

  /**
   * Signs a checkpoint of the tree as it is now, unless the latest checkpoint already covers it.
   * Returns the checkpoint that covers every entry (undefined for an empty log).
   */
  async checkpoint(): Promise<Checkpoint | undefined> {
    return this.store.transaction(async (tx) => {
      if (tx.dialect === 'postgres')
        await sql`select pg_advisory_xact_lock(${PG_LOCK})`.execute(tx.db);
      const state = await this.current(tx);
      const latest = await repo.latestCheckpoint(tx);
      if (state.size === 0) return undefined;
      if (latest && latest.size === state.size) return toCheckpoint(latest);
      const row = await this.writeCheckpoint(tx, state);
      tx.afterCommit(() => {
        this.lastCp = toCheckpoint(row);
      });
      return toCheckpoint(row);
    });
  }

  /** Whether entries have been appended since the last checkpoint (for the periodic timer). */
  get hasUnsignedEntries(): boolean {
    return this.state !== undefined && this.state.size > (this.lastCp?.size ?? 0);
  }

  /** The newest checkpoint known to this process, without a database read (may be stale). */
  get knownCheckpoint(): Checkpoint | undefined {
    return this.lastCp;
  }

  async latestCheckpoint(): Promise<Checkpoint | undefined> {
    const row = await repo.latestCheckpoint(this.store);
    return row && toCheckpoint(row);
  }

  async size(): Promise<number> {
    return repo.tailSize(this.store);
  }

  async entry(seq: number, ex: Executor = this.store): Promise<AuditEntry | undefined> {
    const row = await repo.getEntryRow(ex, seq);
    return row && toEntry(row);
  }

  async list(filter: AuditFilter, ex: Executor = this.store): Promise<AuditEntry[]> {
    return (await repo.listEntryRows(ex, filter)).map(toEntry);
  }
}
