// The linkage engine: pure and in memory. Compares a list of record (A, e.g. the membership list)
// with a feed (B, e.g. payments) about the same people: first by identifier (the keyed hash of
// the membership number), then by record linkage — candidates from blocking keys, scored field
// by field — and lists the variances. Many feed rows may belong to one person (monthly payments),
// so each feed row links to its best list row and the list side is judged on all its links.
import type { LinkFields } from './compare.ts';
import { blockingKeys, jaroWinkler, score } from './compare.ts';

export interface PersonRow extends LinkFields {
  /** record:<id> for a stored record, line:<n> for an uploaded row. */
  ref: string;
  /** Keyed hash of the membership number (binary string), or '' when there is none. */
  idKey: string;
  /** Loosely normalised address ('' when absent). */
  address: string;
  /** List side: a current member. Feed side: a payment made. null: the source does not say. */
  active: boolean | null;
}

export interface LinkParams {
  /** At or above: the same person. */
  matchThreshold: number;
  /** At or above (and below matchThreshold): a possible match for a person to review. */
  possibleThreshold: number;
  /** At most this many candidates are scored for one feed row. */
  maxComparisons: number;
}

export const DEFAULT_PARAMS: LinkParams = {
  matchThreshold: 0.85,
  possibleThreshold: 0.7,
  maxComparisons: 50,
};

export const VARIANCE_KINDS = [
  'only-in-a',
  'only-in-b',
  'status-mismatch',
  'address-mismatch',
  'possible-match',
] as const;
export type VarianceKind = (typeof VARIANCE_KINDS)[number];

export type VarianceReason =
  | 'not-in-feed'
  | 'not-on-list'
  | 'inactive-but-active-in-feed'
  | 'current-but-not-paying'
  | 'postcode-differs'
  | 'address-differs'
  | 'needs-review';

export interface FoundVariance {
  kind: VarianceKind;
  reason: VarianceReason;
  /** Index into the list rows, or -1. */
  a: number;
  /** Index into the feed rows, or -1. */
  b: number;
  score: number | null;
  basis: 'identifier' | 'linkage' | null;
}

export interface LinkCounts {
  aRows: number;
  bRows: number;
  matchedByIdentifier: number;
  matchedByLinkage: number;
  possibleMatches: number;
  unmatchedB: number;
  comparisons: number;
}

export interface LinkResult {
  variances: FoundVariance[];
  counts: LinkCounts;
}

const ADDRESS_SIMILAR = 0.85;

export function link(a: readonly PersonRow[], b: readonly PersonRow[], p: LinkParams): LinkResult {
  const byId = new Map<string, number>();
  for (let i = 0; i < a.length; i++) {
    const k = a[i]!.idKey;
    if (k && !byId.has(k)) byId.set(k, i);
  }
  let blocks: BlockIndex | undefined;
  const keys = new Uint32Array(3);
  const matchOf = new Int32Array(b.length).fill(-1);
  const basisOf = new Uint8Array(b.length); // 1 identifier, 2 linkage
  const scoreOf = new Float64Array(b.length);
  const possibleOf = new Int32Array(b.length).fill(-1);
  const seen = new Int32Array(a.length).fill(-1);
  let comparisons = 0;
  for (let j = 0; j < b.length; j++) {
    const row = b[j]!;
    const byKey = row.idKey ? byId.get(row.idKey) : undefined;
    if (byKey !== undefined) {
      // The identifier is trusted unless the rest of the record contradicts it (a mistyped
      // number belonging to somebody else): then linkage decides.
      comparisons++;
      const s = score(a[byKey]!, row);
      if (s >= p.possibleThreshold) {
        matchOf[j] = byKey;
        basisOf[j] = 1;
        scoreOf[j] = s;
        continue;
      }
    }
    blocks ??= new BlockIndex(a);
    const nKeys = blockingKeys(row, keys);
    let best = -1;
    let bestScore = 0;
    let scored = 0;
    for (let k = 0; k < nKeys && scored < p.maxComparisons; k++) {
      for (
        let e = blocks.first(keys[k]!);
        e >= 0 && scored < p.maxComparisons;
        e = blocks.next(e)
      ) {
        if (blocks.hash[e] !== keys[k]) continue;
        const i = blocks.row[e]!;
        if (seen[i] === j) continue;
        seen[i] = j;
        scored++;
        const s = score(a[i]!, row);
        if (s > bestScore) {
          bestScore = s;
          best = i;
        }
      }
    }
    comparisons += scored;
    if (best >= 0 && bestScore >= p.matchThreshold) {
      matchOf[j] = best;
      basisOf[j] = 2;
      scoreOf[j] = bestScore;
    } else if (best >= 0 && bestScore >= p.possibleThreshold) {
      possibleOf[j] = best;
      scoreOf[j] = bestScore;
    }
  }
  return { variances: judge(a, b, { matchOf, basisOf, scoreOf, possibleOf }), counts: count() };

  function count(): LinkCounts {
    let byIdentifier = 0;
    let byLinkage = 0;
    let possible = 0;
    for (let j = 0; j < b.length; j++) {
      if (basisOf[j] === 1) byIdentifier++;
      else if (basisOf[j] === 2) byLinkage++;
      else if (possibleOf[j]! >= 0) possible++;
    }
    return {
      aRows: a.length,
      bRows: b.length,
      matchedByIdentifier: byIdentifier,
      matchedByLinkage: byLinkage,
      possibleMatches: possible,
      unmatchedB: b.length - byIdentifier - byLinkage - possible,
      comparisons,
    };
  }
}

/**
 * The list rows by blocking key: a chained hash table in typed arrays (no object per entry), so
 * indexing a million rows stays quick and leaves nothing for the garbage collector.
 */
class BlockIndex {
  readonly hash: Uint32Array;
  readonly row: Int32Array;
  private readonly chain: Int32Array;
  private readonly heads: Int32Array;
  private readonly mask: number;
  constructor(a: readonly PersonRow[]) {
    const cap = a.length * 3;
    this.hash = new Uint32Array(cap);
    this.row = new Int32Array(cap);
    this.chain = new Int32Array(cap);
    let size = 1024;
    while (size < cap * 2) size *= 2;
    this.heads = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    const keys = new Uint32Array(3);
    let e = 0;
    for (let i = 0; i < a.length; i++) {
      const n = blockingKeys(a[i]!, keys);
      for (let k = 0; k < n; k++, e++) {
        const h = keys[k]!;
        const slot = h & this.mask;
        this.hash[e] = h;
        this.row[e] = i;
        this.chain[e] = this.heads[slot]!;
        this.heads[slot] = e;
      }
    }
  }
  first(h: number): number {
    return this.heads[h & this.mask]!;
  }
  next(e: number): number {
    return this.chain[e]!;
  }
}

interface Links {
  matchOf: Int32Array;
  basisOf: Uint8Array;
  scoreOf: Float64Array;
  possibleOf: Int32Array;
}

/** From the links made, the variances: per feed row, per linked pair, and per list row. */
function judge(a: readonly PersonRow[], b: readonly PersonRow[], l: Links): FoundVariance[] {
  const out: FoundVariance[] = [];
  const linked = new Uint8Array(a.length); // 1 linked, 2 only possibly
  const activeInFeed = new Uint8Array(a.length); // 1 some link says inactive, 2 some says active
  const firstLink = new Int32Array(a.length).fill(-1);
  const addressReported = new Uint8Array(a.length);
  const basis = (j: number): 'identifier' | 'linkage' =>
    l.basisOf[j] === 1 ? 'identifier' : 'linkage';
  for (let j = 0; j < b.length; j++) {
    const i = l.matchOf[j]!;
    if (i < 0) {
      const maybe = l.possibleOf[j]!;
      if (maybe >= 0) {
        if (!linked[maybe]) linked[maybe] = 2;
        out.push({
          kind: 'possible-match',
          reason: 'needs-review',
          a: maybe,
          b: j,
          score: l.scoreOf[j]!,
          basis: 'linkage',
        });
      } else
        out.push({
          kind: 'only-in-b',
          reason: 'not-on-list',
          a: -1,
          b: j,
          score: null,
          basis: null,
        });
      continue;
    }
    linked[i] = 1;
    if (firstLink[i]! < 0) firstLink[i] = j;
    const active = b[j]!.active;
    if (active === true) activeInFeed[i] = 2;
    else if (active === false && activeInFeed[i] === 0) activeInFeed[i] = 1;
    const reason = addressDiffers(a[i]!, b[j]!);
    if (reason && !addressReported[i]) {
      addressReported[i] = 1;
      out.push({
        kind: 'address-mismatch',
        reason,
        a: i,
        b: j,
        score: l.scoreOf[j]!,
        basis: basis(j),
      });
    }
  }
  for (let i = 0; i < a.length; i++) {
    const row = a[i]!;
    if (linked[i] === 2) continue; // a person reviews the possible match first
    if (linked[i] === 1) {
      const j = firstLink[i]!;
      const v = { a: i, b: j, score: l.scoreOf[j]!, basis: basis(j) };
      if (row.active === false && activeInFeed[i] === 2)
        out.push({ kind: 'status-mismatch', reason: 'inactive-but-active-in-feed', ...v });
      else if (row.active === true && activeInFeed[i] === 1)
        out.push({ kind: 'status-mismatch', reason: 'current-but-not-paying', ...v });
      continue;
    }
    const none = { a: i, b: -1, score: null, basis: null };
    if (row.active === true)
      out.push({ kind: 'status-mismatch', reason: 'current-but-not-paying', ...none });
    else if (row.active === null) out.push({ kind: 'only-in-a', reason: 'not-in-feed', ...none });
  }
  return out;
}

function addressDiffers(x: PersonRow, y: PersonRow): VarianceReason | null {
  const px = x.postcode;
  const py = y.postcode;
  if (px && py && px !== py) return 'postcode-differs';
  if (x.address && y.address && jaroWinkler(x.address, y.address) < ADDRESS_SIMILAR)
    return 'address-differs';
  return null;
}
