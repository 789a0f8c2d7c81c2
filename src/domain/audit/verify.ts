// `accord audit verify`: recomputes the whole tree from the entries as stored and checks it
// against every signed checkpoint and every stored tile. It trusts nothing in the database but
// the entries' order; the signatures are checked with the node key from the data directory.
// It names the first entry that is missing, out of place or altered.
import { verify as verifySignature } from 'node:crypto';
import type { Reader } from '../../store/store.ts';
import * as repo from './audit.repository.ts';
import type { AuditLog } from './audit.service.ts';
import type { VerifyReport } from './audit.types.ts';
import { HASH_SIZE } from './hasher.ts';
import { parseNote } from './proofs.ts';
import { TILE_WIDTH, TreeState } from './tree-state.ts';
import type { FullTile } from './tree-state.ts';

const BATCH = 8192;

export async function verifyLog(
  log: AuditLog,
  onProgress?: (done: number, total: number) => void,
): Promise<VerifyReport> {
  const started = performance.now();
  const reader = await log.store.reader();
  try {
    return await verifyWith(log, reader, started, onProgress);
  } finally {
    await reader.close();
  }
}

async function verifyWith(
  log: AuditLog,
  store: Reader,
  started: number,
  onProgress?: (done: number, total: number) => void,
): Promise<VerifyReport> {
  const total = await repo.tailSize(store);
  const checkpoints = await repo.allCheckpoints(store);
  const problems: string[] = [];
  let firstBad: number | null = null;
  const bad = (seq: number, why: string): void => {
    if (firstBad === null || seq < firstBad) firstBad = seq;
    problems.push(why);
  };

  const tree = TreeState.empty(log.hasher);
  let cpIndex = 0;
  let verified = 0;
  let lastGoodCheckpoint = 0;

  // Names the first entry in [from, to) whose content no longer gives the hash it was written
  // with (edited without rewriting its stored hash), or null.
  const pinpoint = async (from: number, to: number): Promise<number | null> => {
    for (let a = from; a < to; a += BATCH) {
      const rows = await repo.entriesWithLeaves(store, a, Math.min(a + BATCH, to));
      const leaves = Buffer.allocUnsafe(rows.length * HASH_SIZE);
      log.hasher.hashLeaves(
        rows.map((r) => r.entry),
        leaves,
      );
      const i = rows.findIndex(
        (r, k) => !r.leaf_hash.equals(leaves.subarray(k * HASH_SIZE, (k + 1) * HASH_SIZE)),
      );
      if (i !== -1) return rows[i]!.seq;
    }
    return null;
  };
  const mismatches: { from: number; to: number }[] = [];

  const checkCheckpointsUpTo = (size: number): void => {
    while (cpIndex < checkpoints.length && (checkpoints[cpIndex]?.size as number) <= size) {
      const cp = checkpoints[cpIndex++]!;
      if (cp.size !== tree.size) continue; // reached below, once the tree has exactly this size
      const note = parseNote(cp.note);
      const root = tree.root();
      if (
        cp.key_id !== log.keys.keyId ||
        !verifySignature(null, Buffer.from(cp.note), log.keys.publicKey, cp.signature)
      ) {
        problems.push(`checkpoint at size ${cp.size} is not signed by this node's key`);
      } else if (!note || note.size !== cp.size || !note.root.equals(cp.root)) {
        problems.push(`checkpoint at size ${cp.size} does not match its signed note`);
      } else if (!note.root.equals(root)) {
        // The leaves before the last good checkpoint are sound, so the change is in this span.
        mismatches.push({ from: lastGoodCheckpoint, to: cp.size });
      } else {
        verified++;
        lastGoodCheckpoint = cp.size;
      }
    }
  };

  const compareTiles = async (tiles: FullTile[]): Promise<void> => {
    for (const level of new Set(tiles.map((t) => t.level))) {
      const mine = tiles.filter((t) => t.level === level);
      const stored = new Map(
        (await repo.getTiles(store, level, mine[0]!.index, mine[mine.length - 1]!.index + 1)).map(
          (r) => [r.idx, r.hashes],
        ),
      );
      for (const t of mine) {
        const s = stored.get(t.index);
        if (!s) {
          problems.push(`tile ${level}/${t.index} is missing`);
          continue;
        }
        if (s.equals(t.hashes)) continue;
        if (level === 0) {
          // A bottom-row difference names the altered entry exactly.
          for (let i = 0; i < TILE_WIDTH; i++) {
            const a = t.hashes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
            if (!a.equals(s.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE))) {
              bad(
                t.index * TILE_WIDTH + i,
                `entry ${t.index * TILE_WIDTH + i} was altered after it was written`,
              );
              break;
            }
          }
        } else problems.push(`tile ${level}/${t.index} does not match the entries`);
      }
    }
  };

  let expected = 0;
  for await (const { seqs, entries } of repo.entryBatches(store, store.raw, BATCH)) {
    // Stop at the first gap or reordering: everything after it would be misnumbered.
    const gap = seqs.findIndex((s, i) => s !== expected + i);
    const upto = gap === -1 ? seqs.length : gap;
    const leaves = Buffer.allocUnsafe(upto * HASH_SIZE);
    log.hasher.hashLeaves(upto === entries.length ? entries : entries.slice(0, upto), leaves);
    // Feed the tree in pieces that end exactly at each checkpoint size.
    let from = 0;
    while (from < upto) {
      const nextCp = checkpoints[cpIndex]?.size;
      const to =
        nextCp !== undefined && nextCp > tree.size && nextCp < tree.size + (upto - from)
          ? from + (nextCp - tree.size)
          : upto;
      await compareTiles(tree.append(leaves.subarray(from * HASH_SIZE, to * HASH_SIZE)));
      from = to;
      checkCheckpointsUpTo(tree.size);
    }
    expected += upto;
    onProgress?.(expected, total);
    if (gap !== -1) {
      bad(expected, `entry ${expected} is missing (the next entry is numbered ${seqs[gap]})`);
      break;
    }
  }
  checkCheckpointsUpTo(Number.MAX_SAFE_INTEGER);
  let columnBad: number | null = null;
  try {
    columnBad = await repo.firstColumnMismatch(store);
    if (columnBad !== null)
      bad(columnBad, `entry ${columnBad} was edited: its columns differ from its hashed record`);
  } catch {
    problems.push('an entry is not valid JSON (edited by hand)');
  }
  for (const m of mismatches) {
    // Already explained by an exact finding inside this span? Then the span adds nothing.
    if (firstBad !== null && firstBad >= m.from && firstBad < m.to) continue;
    const seq = await pinpoint(m.from, m.to);
    bad(
      seq ?? m.from,
      seq !== null
        ? `entry ${seq} was altered after it was written (checkpoint ${m.to} no longer matches)`
        : `entries ${m.from}–${m.to - 1} differ from what checkpoint ${m.to} signed`,
    );
  }
  // Entries after the last signed checkpoint are covered by no signature yet: compare them with
  // the hashes they were written with.
  const lastSigned = checkpoints.reduce(
    (mx, c) => Math.max(mx, c.size <= expected ? c.size : 0),
    0,
  );
  const tailBad = await pinpoint(lastSigned, expected);
  if (tailBad !== null)
    bad(
      tailBad,
      `entry ${tailBad} was altered after it was written (not yet covered by a checkpoint)`,
    );
  const lastCp = checkpoints[checkpoints.length - 1];
  if (lastCp && lastCp.size > expected && firstBad === null) {
    bad(
      expected,
      `entries from ${expected} to ${lastCp.size - 1} were signed in a checkpoint but are gone`,
    );
  }
  return {
    ok: problems.length === 0,
    size: expected,
    checkpointsVerified: verified,
    firstBadSeq: firstBad,
    problems,
    hasher: log.hasher.kind,
    ms: Math.round(performance.now() - started),
  };
}
