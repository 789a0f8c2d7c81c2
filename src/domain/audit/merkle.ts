// RFC 9162 Merkle tree algorithms, as pure functions over node coordinates. A node (level, index)
// is the complete subtree over leaves [index·2^level, (index+1)·2^level). Proof generation first
// lists the ranges whose hashes are needed, so the caller can fetch every node in one batch.
import { EMPTY_ROOT, HASH_SIZE, hasher } from './hasher.ts';
import type { Hasher } from './hasher.ts';

export interface NodeId {
  level: number;
  index: number;
}

/** A half-open leaf range [start, end) whose Merkle tree hash (MTH) a proof needs. */
export type Range = readonly [number, number];

/** The largest power of two strictly less than n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** RFC 9162 §2.1.3.1 PATH(m, D[0:n]) as ranges, bottom-up. */
export function inclusionRanges(m: number, n: number): Range[] {
  const out: Range[] = [];
  const path = (a: number, b: number): void => {
    if (b - a <= 1) return;
    const k = splitPoint(b - a);
    if (m < a + k) {
      path(a, a + k);
      out.push([a + k, b]);
    } else {
      path(a + k, b);
      out.push([a, a + k]);
    }
  };
  path(0, n);
  return out;
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[0:n]) as ranges, for 0 < m < n. */
export function consistencyRanges(m: number, n: number): Range[] {
  const out: Range[] = [];
  const sub = (mm: number, a: number, b: number, whole: boolean): void => {
    const size = b - a;
    if (mm === size) {
      if (!whole) out.push([a, b]);
      return;
    }
    const k = splitPoint(size);
    if (mm <= k) {
      sub(mm, a, a + k, whole);
      out.push([a + k, b]);
    } else {
      sub(mm - k, a + k, b, false);
      out.push([a, a + k]);
    }
  };
  sub(m, 0, n, true);
  return out;
}

/** The complete aligned subtrees that make up [a, b), left to right. */
export function decompose(a: number, b: number): NodeId[] {
  const out: NodeId[] = [];
  let start = a;
  while (start < b) {
    // The biggest aligned subtree at `start`: as many levels as start has trailing zero bits,
    // and no more than fit before b. Bit arithmetic below 2^31, plain arithmetic beyond.
    let level: number;
    if (b < 2 ** 31) {
      const fit = 31 - Math.clz32(b - start);
      level = start === 0 ? fit : Math.min(31 - Math.clz32(start & -start), fit);
    } else {
      level = 0;
      while (start % 2 ** (level + 1) === 0 && start + 2 ** (level + 1) <= b) level++;
    }
    out.push({ level, index: start / 2 ** level });
    start += 2 ** level;
  }
  return out;
}

export const nodeKey = (n: NodeId): string => `${n.level}/${n.index}`;

/** MTH of a range from its decomposition: the right fold H(s1, H(s2, …)). */
export function foldRight(parts: Buffer[], h: Hasher = hasher): Buffer {
  if (parts.length === 0) return EMPTY_ROOT;
  let acc = parts[parts.length - 1] as Buffer;
  const pair = Buffer.allocUnsafe(64);
  for (let i = parts.length - 2; i >= 0; i--) {
    (parts[i] as Buffer).copy(pair, 0);
    acc.copy(pair, 32);
    const out = Buffer.allocUnsafe(HASH_SIZE);
    h.reduceLevel(pair, out);
    acc = out;
  }
  return acc;
}

/** Hashes the given ranges with nodes looked up by `get` (all must be complete subtrees). */
export function rangeHashes(
  ranges: Range[],
  get: (n: NodeId) => Buffer,
  h: Hasher = hasher,
): Buffer[] {
  return ranges.map(([a, b]) => foldRight(decompose(a, b).map(get), h));
}

function hashPair(left: Buffer, right: Buffer, h: Hasher): Buffer {
  const out = Buffer.allocUnsafe(HASH_SIZE);
  h.reduceLevel(Buffer.concat([left, right]), out);
  return out;
}

/** RFC 9162 §2.1.3.2: does `proof` show leaf `m` with hash `leaf` in the tree of size n with `root`? */
export function verifyInclusion(
  leaf: Buffer,
  m: number,
  n: number,
  proof: Buffer[],
  root: Buffer,
  h: Hasher = hasher,
): boolean {
  if (m >= n) return false;
  let fn = m;
  let sn = n - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = hashPair(p, r, h);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = hashPair(r, p, h);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 §2.1.4.2: is the tree of size n with root2 an append-only extension of size m with root1? */
export function verifyConsistency(
  m: number,
  n: number,
  root1: Buffer,
  root2: Buffer,
  proof: Buffer[],
  h: Hasher = hasher,
): boolean {
  if (m === n) return proof.length === 0 && root1.equals(root2);
  if (m === 0 || m > n) return false;
  const path = (m & (m - 1)) === 0 ? [root1, ...proof] : [...proof];
  if (path.length === 0) return false;
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0] as Buffer;
  let sr = path[0] as Buffer;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = hashPair(c, fr, h);
      sr = hashPair(c, sr, h);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = hashPair(sr, c, h);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return fr.equals(root1) && sr.equals(root2) && sn === 0;
}
