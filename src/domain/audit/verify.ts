// `accord audit verify`: recomputes the whole tree from the entries as stored and checks it
// against every signed checkpoint and every stored tile. It trusts nothing in the database but
// the entries themselves; signatures are checked with the node key from the data directory.
// It names the first entry that is missing, out of place or altered.
import { verify as verifySignature } from 'node:crypto';
import type { Reader } from '../../store/store.ts';
import * as repo from './audit.repository.ts';
import type { AuditCheckpointTable } from './audit.table.ts';
import type { AuditLog } from './audit.service.ts';
import type { VerifyReport } from './audit.types.ts';
import { HASH_SIZE } from './hasher.ts';
import { parseNote } from './proofs.ts';
import { TILE_WIDTH, TreeState } from './tree-state.ts';
import type { FullTile } from './tree-state.ts';

const BATCH = 16_384;

type Progress = (done: number, total: number) => void;

export async function verifyLog(log: AuditLog, onProgress?: Progress): Promise<VerifyReport> {
  const reader = await log.store.reader();
  try {
    return await new Verification(log, reader).run(onProgress);
  } finally {
    await reader.close();
  }
}

class Verification {
  private readonly problems: string[] = [];
  private firstBad: number | null = null;
  private readonly tree: TreeState;
  private checkpoints: AuditCheckpointTable[] = [];
  private cpIndex = 0;
  private verified = 0;
  private lastGood = 0;
  /** Spans between a good and a bad checkpoint, to pinpoint once the scan is done. */
  private readonly badSpans: { from: number; to: number }[] = [];

  constructor(
    private readonly log: AuditLog,
    private readonly store: Reader,
  ) {
    this.tree = TreeState.empty(log.hasher);
  }

  private bad(seq: number, why: string): void {
    if (this.firstBad === null || seq < this.firstBad) this.firstBad = seq;
    this.problems.push(why);
  }

  async run(onProgress?: Progress): Promise<VerifyReport> {
    const started = performance.now();
    const total = await repo.tailSize(this.store);
    this.checkpoints = await repo.allCheckpoints(this.store);
    let done = 0;
    while (done < total) {
      const to = Math.min(done + BATCH, total);
      const entries = await repo.entryRange(this.store, this.store.raw, done, to);
      // A short range means a deleted row: stop at it, everything after would be misnumbered.
      const gapAt = entries.length < to - done ? await this.findGap(done, to) : -1;
      const upto = gapAt === -1 ? entries.length : gapAt - done;
      // Each entry carries its own number, so rows swapped in place are out of order.
      for (let i = 0; i < upto; i++) {
        if (!(entries[i] as string).startsWith(`{"v":1,"seq":${done + i},`)) {
          this.bad(
            done + i,
            `entry ${done + i} holds the record of another entry (rows reordered or replaced)`,
          );
          break;
        }
      }
      await this.addLeaves(upto === entries.length ? entries : entries.slice(0, upto));
      done += upto;
      onProgress?.(done, total);
      if (gapAt !== -1) {
        this.bad(gapAt, `entry ${gapAt} is missing`);
        break;
      }
    }
    this.checkCheckpointsUpTo(Number.MAX_SAFE_INTEGER);
    const last = this.checkpoints[this.checkpoints.length - 1];
    if (last && last.size > done && this.firstBad === null) {
      this.bad(
        done,
        `entries ${done}–${last.size - 1} were signed in checkpoint ${last.size} but are gone`,
      );
    }
    for (const span of this.badSpans) {
      // Already explained by an exact finding inside this span? Then it adds nothing.
      if (this.firstBad !== null && this.firstBad >= span.from && this.firstBad < span.to) continue;
      const seq = await this.pinpoint(span.from, span.to);
      if (seq !== null)
        this.bad(
          seq,
          `entry ${seq} was altered after it was written (checkpoint ${span.to} no longer matches)`,
        );
      else
        this.bad(
          span.from,
          `entries ${span.from}–${span.to - 1} differ from what checkpoint ${span.to} signed`,
        );
    }
    // Entries after the last signed checkpoint are covered by no signature yet: compare them with
    // the hashes they were written with.
    const lastSigned = this.checkpoints.reduce(
      (mx, c) => (c.size <= done ? Math.max(mx, c.size) : mx),
      0,
    );
    const tailBad = await this.pinpoint(lastSigned, done);
    if (tailBad !== null)
      this.bad(
        tailBad,
        `entry ${tailBad} was altered after it was written (not yet covered by a checkpoint)`,
      );
    return {
      ok: this.problems.length === 0,
      size: done,
      checkpointsVerified: this.verified,
      firstBadSeq: this.firstBad,
      problems: this.problems,
      hasher: this.log.hasher.kind,
      ms: Math.round(performance.now() - started),
    };
  }

  private async findGap(from: number, to: number): Promise<number> {
    const seqs = await repo.seqsIn(this.store, from, to);
    const i = seqs.findIndex((s, k) => s !== from + k);
    return i === -1 ? from + seqs.length : from + i;
  }

  /** Hashes leaves into the tree, stopping exactly at each checkpoint size to check it. */
  private async addLeaves(entries: string[]): Promise<void> {
    const leaves = Buffer.allocUnsafe(entries.length * HASH_SIZE);
    this.log.hasher.hashLeaves(entries, leaves);
    let from = 0;
    while (from < entries.length) {
      const nextCp = this.checkpoints[this.cpIndex]?.size;
      const room = entries.length - from;
      const to =
        nextCp !== undefined && nextCp > this.tree.size && nextCp - this.tree.size < room
          ? from + (nextCp - this.tree.size)
          : entries.length;
      await this.compareTiles(this.tree.append(leaves.subarray(from * HASH_SIZE, to * HASH_SIZE)));
      from = to;
      this.checkCheckpointsUpTo(this.tree.size);
    }
  }

  private checkCheckpointsUpTo(size: number): void {
    while (
      this.cpIndex < this.checkpoints.length &&
      (this.checkpoints[this.cpIndex] as AuditCheckpointTable).size <= size
    ) {
      const cp = this.checkpoints[this.cpIndex++] as AuditCheckpointTable;
      if (cp.size !== this.tree.size) continue; // beyond the entries: reported after the scan
      const note = parseNote(cp.note);
      if (
        cp.key_id !== this.log.keys.keyId ||
        !verifySignature(null, Buffer.from(cp.note), this.log.keys.publicKey, cp.signature)
      ) {
        this.problems.push(`checkpoint at size ${cp.size} is not signed by this node's key`);
      } else if (!note || note.size !== cp.size || !note.root.equals(cp.root)) {
        this.problems.push(`checkpoint at size ${cp.size} does not match its signed note`);
      } else if (!note.root.equals(this.tree.root())) {
        // The leaves before the last good checkpoint are sound, so the change is in this span.
        this.badSpans.push({ from: this.lastGood, to: cp.size });
      } else {
        this.verified++;
        this.lastGood = cp.size;
      }
    }
  }

  private async compareTiles(tiles: FullTile[]): Promise<void> {
    for (const level of new Set(tiles.map((t) => t.level))) {
      const mine = tiles.filter((t) => t.level === level);
      const rows = await repo.getTiles(
        this.store,
        level,
        (mine[0] as FullTile).index,
        (mine[mine.length - 1] as FullTile).index + 1,
      );
      const stored = new Map(rows.map((r) => [r.idx, r.hashes]));
      for (const t of mine) {
        const s = stored.get(t.index);
        if (!s) this.problems.push(`tile ${level}/${t.index} is missing`);
        else if (!s.equals(t.hashes)) {
          const i = level === 0 ? firstDifference(s, t.hashes) : -1;
          // A bottom-row difference names the altered entry exactly.
          if (i !== -1)
            this.bad(
              t.index * TILE_WIDTH + i,
              `entry ${t.index * TILE_WIDTH + i} was altered after it was written`,
            );
          else this.problems.push(`tile ${level}/${t.index} does not match the entries`);
        }
      }
    }
  }

  /** The first entry in [from, to) whose content no longer gives its stored hash, or null. */
  private async pinpoint(from: number, to: number): Promise<number | null> {
    for (let a = from; a < to; a += BATCH) {
      const rows = await repo.entriesWithLeaves(this.store, a, Math.min(a + BATCH, to));
      const leaves = Buffer.allocUnsafe(rows.length * HASH_SIZE);
      this.log.hasher.hashLeaves(
        rows.map((r) => r.entry),
        leaves,
      );
      const i = rows.findIndex(
        (r, k) => !r.leaf_hash.equals(leaves.subarray(k * HASH_SIZE, (k + 1) * HASH_SIZE)),
      );
      if (i !== -1) return (rows[i] as { seq: number }).seq;
    }
    return null;
  }
}

function firstDifference(a: Buffer, b: Buffer): number {
  for (let i = 0; i < TILE_WIDTH; i++) {
    if (
      !a
        .subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE)
        .equals(b.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE))
    )
      return i;
  }
  return -1;
}
