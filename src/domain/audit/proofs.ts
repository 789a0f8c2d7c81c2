// Inclusion and consistency proofs (RFC 9162 §2.1.3, §2.1.4), served from stored tiles and the
// in-memory edge, and the verifier a partner or regulator runs with only the node's public key.
import type { KeyObject } from 'node:crypto';
import { verify as verifySignature } from 'node:crypto';
import { AccordError } from '../../errors.ts';
import type { Store } from '../../store/store.ts';
import * as repo from './audit.repository.ts';
import type { AuditLog } from './audit.service.ts';
import type { ConsistencyProof, InclusionProof } from './audit.types.ts';
import { HASH_SIZE, hasher } from './hasher.ts';
import {
  consistencyRanges,
  decompose,
  foldRight,
  inclusionRanges,
  verifyInclusion,
} from './merkle.ts';
import type { NodeId, Range } from './merkle.ts';
import type { TreeState } from './tree-state.ts';

// Full tiles never change, so a small cache of recently read ones is always valid.
const TILE_CACHE_SIZE = 1024; // 16 MiB at most
const tileCache = new WeakMap<Store, Map<string, Buffer>>();

async function tile(store: Store, level: number, index: number): Promise<Buffer> {
  let cache = tileCache.get(store);
  if (!cache) tileCache.set(store, (cache = new Map<string, Buffer>()));
  const key = `${level}/${index}`;
  let hashes = cache.get(key);
  if (!hashes) {
    hashes = await repo.getTile(store, level, index);
    if (!hashes) throw new AccordError('AUDIT_TAMPERED', `Audit tile ${key} is missing.`);
    if (cache.size >= TILE_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(key, hashes);
  }
  return hashes;
}

/** The hashes of the given nodes, in order: from the in-memory edge or from stored tiles. */
async function fetchNodes(store: Store, state: TreeState, nodes: NodeId[]): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (const n of nodes) {
    const where = state.locate(n);
    if ('partial' in where) out.push(where.partial);
    else {
      const t = await tile(store, where.tile.level, where.tile.index);
      out.push(t.subarray(where.offset, where.offset + HASH_SIZE));
    }
  }
  return out;
}

async function hashRanges(log: AuditLog, ranges: Range[], treeSize: number): Promise<Buffer[]> {
  // Nodes complete in a tree of treeSize are complete in any larger one, so the edge this
  // process already holds will do unless it is older than the checkpoint.
  const state = log.edge && log.edge.size >= treeSize ? log.edge : await log.current(log.store);
  const parts = ranges.map(([a, b]) => decompose(a, b));
  const hashes = await fetchNodes(log.store, state, parts.flat());
  let next = 0;
  return parts.map((p) => foldRight(hashes.slice(next, (next += p.length)), log.hasher));
}

/**
 * Proof that entry `seq` is in the tree of a signed checkpoint: the newest this process knows
 * that covers it, or a new one when none does. The leaf hash comes from the tree itself (what the
 * checkpoint committed to), so an entry edited since would no longer match it.
 */
export async function inclusionProof(log: AuditLog, seq: number): Promise<InclusionProof> {
  let cp = log.knownCheckpoint;
  if (!cp || cp.size <= seq) cp = await log.latestCheckpoint();
  if (!cp || cp.size <= seq) {
    if (seq >= (await log.size()))
      throw new AccordError('AUDIT_NO_SUCH_ENTRY', `There is no audit entry ${seq}.`);
    cp = await log.checkpoint();
  }
  if (!cp) throw new AccordError('AUDIT_NO_SUCH_ENTRY', `There is no audit entry ${seq}.`);
  const [leaf, ...path] = await hashRanges(
    log,
    [[seq, seq + 1], ...inclusionRanges(seq, cp.size)],
    cp.size,
  );
  return {
    seq,
    treeSize: cp.size,
    leafHash: (leaf as Buffer).toString('hex'),
    path: path.map((p) => p.toString('hex')),
    checkpoint: cp,
  };
}

/** Proof that the tree of size `second` extends the tree of size `first` without rewriting it. */
export async function consistencyProof(
  log: AuditLog,
  first: number,
  second: number,
): Promise<ConsistencyProof> {
  const size = await log.size();
  if (!(
    Number.isInteger(first) &&
    Number.isInteger(second) &&
    first > 0 &&
    first <= second &&
    second <= size
  )) {
    throw new AccordError(
      'AUDIT_BAD_RANGE',
      `Need 0 < first ≤ second ≤ ${size}; got ${first} and ${second}.`,
    );
  }
  const ranges: Range[] = first === second ? [] : consistencyRanges(first, second);
  const [firstRoot, secondRoot, ...path] = await hashRanges(
    log,
    [[0, first], [0, second], ...ranges],
    second,
  );
  return {
    first,
    second,
    firstRoot: (firstRoot as Buffer).toString('hex'),
    secondRoot: (secondRoot as Buffer).toString('hex'),
    path: path.map((p) => p.toString('hex')),
  };
}

/** Parses a checkpoint note: origin line, size, base64 root, time. */
export function parseNote(
  note: string,
): { origin: string; size: number; root: Buffer; at: string } | undefined {
  const m = /^(.+)\n(\d+)\n([A-Za-z0-9+/=]+)\n(.+)\n$/.exec(note);
  if (!m) return undefined;
  return {
    origin: m[1] as string,
    size: Number(m[2]),
    root: Buffer.from(m[3] as string, 'base64'),
    at: m[4] as string,
  };
}

/**
 * What a partner or regulator runs: checks the checkpoint's signature with the node's public key,
 * that the note commits to the proof's tree, and that the path leads from the leaf to that root.
 */
export function verifyInclusionProof(
  proof: InclusionProof,
  publicKey: KeyObject,
): { ok: boolean; reason: string } {
  const cp = proof.checkpoint;
  if (
    !verifySignature(null, Buffer.from(cp.note), publicKey, Buffer.from(cp.signature, 'base64'))
  ) {
    return { ok: false, reason: 'the checkpoint signature does not match the node key' };
  }
  const note = parseNote(cp.note);
  if (!note || note.size !== proof.treeSize || note.root.toString('hex') !== cp.root) {
    return { ok: false, reason: 'the signed note does not match the proof' };
  }
  const ok = verifyInclusion(
    Buffer.from(proof.leafHash, 'hex'),
    proof.seq,
    proof.treeSize,
    proof.path.map((p) => Buffer.from(p, 'hex')),
    note.root,
    hasher,
  );
  return ok
    ? { ok, reason: `entry ${proof.seq} is in the signed tree of ${proof.treeSize} entries` }
    : { ok, reason: 'the path does not lead to the signed root' };
}
