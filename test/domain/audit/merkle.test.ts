import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { hasher, jsHasher, EMPTY_ROOT } from '../../../src/domain/audit/hasher.ts';
import {
  consistencyRanges,
  decompose,
  foldRight,
  inclusionRanges,
  nodeKey,
  rangeHashes,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/domain/audit/merkle.ts';
import { TreeState } from '../../../src/domain/audit/tree-state.ts';

// The reference: RFC 9162 §2.1.1 MTH, written as plainly as the RFC states it.
const sha = (...parts: Buffer[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const leafOf = (d: string): Buffer => sha(Buffer.from([0]), Buffer.from(d));
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return leaves[0] as Buffer;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha(Buffer.from([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

const data = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => `entry ${i} ${'x'.repeat(i % 50)}`);

test('native and node:crypto hashers give identical leaf and node hashes', () => {
  const entries = [...data(300), '', 'ünïcödé ✓', 'a'.repeat(100_000)];
  const a = Buffer.alloc(entries.length * 32);
  const b = Buffer.alloc(entries.length * 32);
  hasher.hashLeaves(entries, a);
  jsHasher.hashLeaves(entries, b);
  assert.deepEqual(a, b);
  assert.deepEqual(a.subarray(0, 32), leafOf(entries[0] as string));
  const pairs = randomBytes(64 * 100);
  const c = Buffer.alloc(32 * 100);
  const d = Buffer.alloc(32 * 100);
  hasher.reduceLevel(pairs, c);
  jsHasher.reduceLevel(pairs, d);
  assert.deepEqual(c, d);
  assert.deepEqual(c.subarray(0, 32), sha(Buffer.from([1]), pairs.subarray(0, 64)));
});

test('the empty tree hashes to SHA-256 of nothing', () => {
  assert.deepEqual(EMPTY_ROOT, sha());
  assert.deepEqual(TreeState.empty().root(), sha());
});

test('inclusion proofs match the RFC for every leaf of trees up to 70 leaves', () => {
  for (let n = 1; n <= 70; n++) {
    const leaves = data(n).map(leafOf);
    const root = mth(leaves);
    const get = (x: { level: number; index: number }): Buffer =>
      mth(leaves.slice(x.index * 2 ** x.level, (x.index + 1) * 2 ** x.level));
    for (let m = 0; m < n; m++) {
      const path = rangeHashes(inclusionRanges(m, n), get);
      assert.ok(verifyInclusion(leaves[m] as Buffer, m, n, path, root), `n=${n} m=${m}`);
      if (path.length > 0) {
        const bad = path.map((p, i) => (i === 0 ? sha(p) : p));
        assert.equal(verifyInclusion(leaves[m] as Buffer, m, n, bad, root), false);
      }
      assert.equal(verifyInclusion(leaves[(m + 1) % n] as Buffer, m, n, path, root), n === 1);
    }
  }
});

test('consistency proofs verify for every pair of sizes up to 40 and fail when tampered', () => {
  const leaves = data(40).map(leafOf);
  const get = (x: { level: number; index: number }): Buffer =>
    mth(leaves.slice(x.index * 2 ** x.level, (x.index + 1) * 2 ** x.level));
  for (let n = 1; n <= 40; n++) {
    for (let m = 1; m <= n; m++) {
      const proof = m === n ? [] : rangeHashes(consistencyRanges(m, n), get);
      const r1 = mth(leaves.slice(0, m));
      const r2 = mth(leaves.slice(0, n));
      assert.ok(verifyConsistency(m, n, r1, r2, proof), `m=${m} n=${n}`);
      if (m < n) assert.equal(verifyConsistency(m, n, sha(r1), r2, proof), false);
    }
  }
});

test('decompose splits a range into aligned complete subtrees', () => {
  assert.deepEqual(decompose(0, 11).map(nodeKey), ['3/0', '1/4', '0/10']);
  assert.deepEqual(decompose(8, 12).map(nodeKey), ['2/2']);
  assert.deepEqual(foldRight([]), EMPTY_ROOT);
  // The bit-arithmetic path agrees with the definition, also across 2^31 where it steps aside.
  const slow = (a: number, b: number): string[] => {
    const out: string[] = [];
    for (let s = a; s < b;) {
      let l = 0;
      while (s % 2 ** (l + 1) === 0 && s + 2 ** (l + 1) <= b) l++;
      out.push(`${l}/${s / 2 ** l}`);
      s += 2 ** l;
    }
    return out;
  };
  let seed = 7;
  const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  for (const base of [0, 2 ** 20, 2 ** 31 - 5000, 2 ** 33]) {
    for (let i = 0; i < 2000; i++) {
      const a = base + rand(5000);
      const b = a + 1 + rand(70_000);
      assert.deepEqual(decompose(a, b).map(nodeKey), slow(a, b), `[${a}, ${b})`);
    }
  }
});

test('the tiled tree state has the RFC root at every size, whatever the batch sizes', () => {
  const n = 70_000;
  const entries = data(n);
  const leafBuf = Buffer.alloc(n * 32);
  hasher.hashLeaves(entries, leafBuf);
  const leaves = Array.from({ length: n }, (_, i) => leafBuf.subarray(i * 32, i * 32 + 32));
  const state = TreeState.empty();
  const tiles = new Map<string, Buffer>();
  let at = 0;
  const checkAt = [1, 2, 255, 256, 257, 511, 512, 65_535, 65_536, 65_537];
  let step = 1;
  while (at < n) {
    // Stop exactly at each size worth checking (tile edges), otherwise take uneven steps.
    const nextCheck = checkAt.find((c) => c > at) ?? n;
    const take = Math.min(step, n - at, nextCheck - at);
    for (const t of state.append(leafBuf.subarray(at * 32, (at + take) * 32)))
      tiles.set(`${t.level}/${t.index}`, t.hashes);
    at += take;
    step = (step * 7 + 3) % 1000 || 1;
    if (checkAt.includes(at))
      assert.deepEqual(state.root(), mth(leaves.slice(0, at)), `root at size ${at}`);
  }
  assert.equal(state.size, n);
  assert.deepEqual(state.root(), mth(leaves));
  assert.equal(tiles.size, Math.floor(n / 256) + Math.floor(n / 65536));
  // Every complete node is where locate() says, with the RFC hash.
  for (const node of [
    { level: 0, index: 69_999 },
    { level: 3, index: 1000 },
    { level: 8, index: 200 },
    { level: 9, index: 135 },
    { level: 16, index: 0 },
  ]) {
    const where = state.locate(node);
    const got =
      'partial' in where
        ? where.partial
        : (tiles.get(`${where.tile.level}/${where.tile.index}`) as Buffer).subarray(
            where.offset,
            where.offset + 32,
          );
    assert.deepEqual(
      got,
      mth(leaves.slice(node.index * 2 ** node.level, (node.index + 1) * 2 ** node.level)),
      nodeKey(node),
    );
  }
  // Reloading the edge from the bottom rows gives the same root.
  const bottoms = TreeState.partialCounts(n).map(({ level, first, count }) =>
    level === 0
      ? leafBuf.subarray(first * 32, (first + count) * 32)
      : Buffer.concat(
          Array.from({ length: count }, (_, i) =>
            (tiles.get(`${level - 1}/${first + i}`) as Buffer).subarray(-32),
          ),
        ),
  );
  assert.deepEqual(TreeState.fromBottoms(n, bottoms).root(), mth(leaves));
});
