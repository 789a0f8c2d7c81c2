// The right edge of the audit tree, kept in memory in tiles.
//
// A tile at tile-level t covers tree levels 8t … 8t+8: 256 nodes at level 8t and the 255 nodes
// above them, 511 hashes laid out level by level (the tile's root last). Full tiles are written to
// `audit_tile` once and never change, so any complete node can be read with one row lookup; only
// the partial tile at each tile-level lives here. Appending hashes the new nodes in one batch per
// level, which is what keeps appends near raw insert speed.
import { EMPTY_ROOT, HASH_SIZE, hasher } from './hasher.ts';
import type { Hasher } from './hasher.ts';
import { foldRight } from './merkle.ts';
import type { NodeId } from './merkle.ts';

export const TILE_WIDTH = 256;
export const TILE_HEIGHT = 8;
export const TILE_NODES = 2 * TILE_WIDTH - 1;
export const TILE_BYTES = TILE_NODES * HASH_SIZE;

/** Offset, in hashes, of row j (0 = bottom … 8 = root) inside a tile. */
export const ROW_OFFSET: readonly number[] = Array.from({ length: TILE_HEIGHT + 1 }, (_, j) =>
  Array.from({ length: j }, (_, k) => TILE_WIDTH >> k).reduce((a, b) => a + b, 0),
);

export interface FullTile {
  level: number;
  index: number;
  hashes: Buffer;
}

class PartialTile {
  readonly buf: Buffer;
  readonly counts: number[];
  constructor(buf?: Buffer, counts?: number[]) {
    this.buf = buf ?? Buffer.alloc(TILE_BYTES);
    this.counts = counts ?? new Array<number>(TILE_HEIGHT + 1).fill(0);
  }
  clone(): PartialTile {
    return new PartialTile(Buffer.from(this.buf), [...this.counts]);
  }
  node(row: number, pos: number): Buffer {
    const off = ((ROW_OFFSET[row] as number) + pos) * HASH_SIZE;
    return this.buf.subarray(off, off + HASH_SIZE);
  }
  /** Adds bottom nodes (until full); returns how many were taken. */
  add(hashes: Buffer, from: number, h: Hasher): number {
    const have = this.counts[0] as number;
    const take = Math.min(TILE_WIDTH - have, hashes.length / HASH_SIZE - from);
    hashes.copy(this.buf, have * HASH_SIZE, from * HASH_SIZE, (from + take) * HASH_SIZE);
    this.counts[0] = have + take;
    for (let j = 0; j < TILE_HEIGHT; j++) {
      const want = (this.counts[j] as number) >> 1;
      const done = this.counts[j + 1] as number;
      if (want <= done) break;
      const src = ((ROW_OFFSET[j] as number) + 2 * done) * HASH_SIZE;
      const dst = ((ROW_OFFSET[j + 1] as number) + done) * HASH_SIZE;
      h.reduceLevel(
        this.buf.subarray(src, src + 2 * (want - done) * HASH_SIZE),
        this.buf.subarray(dst, dst + (want - done) * HASH_SIZE),
      );
      this.counts[j + 1] = want;
    }
    return take;
  }
  get full(): boolean {
    return this.counts[TILE_HEIGHT] === 1;
  }
}

export class TreeState {
  private constructor(
    public size: number,
    private readonly partial: PartialTile[],
    private readonly h: Hasher,
  ) {}

  static empty(h: Hasher = hasher): TreeState {
    return new TreeState(0, [], h);
  }

  /**
   * Rebuilds the state of a tree of `size` leaves from the bottom nodes of each partial tile:
   * `bottoms[t]` holds the level-8t nodes after the last full tile at tile-level t.
   */
  static fromBottoms(size: number, bottoms: Buffer[], h: Hasher = hasher): TreeState {
    const s = new TreeState(size, [], h);
    bottoms.forEach((b, t) => {
      const tile = new PartialTile();
      if (b.length > 0) tile.add(b, 0, h);
      s.partial[t] = tile;
    });
    return s;
  }

  clone(): TreeState {
    return new TreeState(
      this.size,
      this.partial.map((p) => p.clone()),
      this.h,
    );
  }

  /** Number of full tiles at tile-level t for the current size. */
  fullTiles(t: number): number {
    return Math.floor(this.size / TILE_WIDTH ** (t + 1));
  }

  /** How many bottom nodes each partial tile needs on reload: see fromBottoms. */
  static partialCounts(size: number): { level: number; first: number; count: number }[] {
    const out: { level: number; first: number; count: number }[] = [];
    for (let t = 0; TILE_WIDTH ** t <= size; t++) {
      const count = Math.floor(size / TILE_WIDTH ** t) % TILE_WIDTH;
      const first = Math.floor(size / TILE_WIDTH ** (t + 1)) * TILE_WIDTH;
      out.push({ level: t, first, count });
    }
    return out;
  }

  /** Appends leaf hashes (32 bytes each); returns the tiles that became full, to be stored. */
  append(leafHashes: Buffer): FullTile[] {
    const completed: FullTile[] = [];
    const oldSize = this.size;
    let carry = leafHashes;
    for (let t = 0; carry.length > 0; t++) {
      const tile = (this.partial[t] ??= new PartialTile());
      const roots: Buffer[] = [];
      let from = 0;
      const n = carry.length / HASH_SIZE;
      while (from < n) {
        from += tile.add(carry, from, this.h);
        if (tile.full) {
          // Index of the tile that just filled: every level-8t node before it is in full tiles.
          const before = Math.floor(oldSize / TILE_WIDTH ** t) + from;
          completed.push({
            level: t,
            index: before / TILE_WIDTH - 1,
            hashes: Buffer.from(tile.buf),
          });
          roots.push(Buffer.from(tile.node(TILE_HEIGHT, 0)));
          tile.buf.fill(0);
          tile.counts.fill(0);
        }
      }
      carry = Buffer.concat(roots);
    }
    this.size = oldSize + leafHashes.length / HASH_SIZE;
    return completed;
  }

  /** The root hash of the whole tree. */
  root(): Buffer {
    if (this.size === 0) return EMPTY_ROOT;
    const parts: Buffer[] = [];
    for (let t = this.partial.length - 1; t >= 0; t--) {
      const tile = this.partial[t] as PartialTile;
      for (let j = TILE_HEIGHT - 1; j >= 0; j--) {
        const c = tile.counts[j] as number;
        if (c % 2 === 1) parts.push(Buffer.from(tile.node(j, c - 1)));
      }
    }
    return foldRight(parts, this.h);
  }

  /** Where a complete node lives: in a stored full tile, or in memory in a partial tile. */
  locate(
    n: NodeId,
  ): { tile: { level: number; index: number }; offset: number } | { partial: Buffer } {
    const t = Math.floor(n.level / TILE_HEIGHT);
    const j = n.level % TILE_HEIGHT;
    const perTile = TILE_WIDTH >> j;
    const tileIndex = Math.floor(n.index / perTile);
    const pos = n.index % perTile;
    if (tileIndex < this.fullTiles(t)) {
      return {
        tile: { level: t, index: tileIndex },
        offset: ((ROW_OFFSET[j] as number) + pos) * HASH_SIZE,
      };
    }
    const tile = this.partial[t];
    if (tileIndex > this.fullTiles(t) || !tile || pos >= (tile.counts[j] as number)) {
      throw new Error(`node ${n.level}/${n.index} is not complete in a tree of size ${this.size}`);
    }
    return { partial: Buffer.from(tile.node(j, pos)) };
  }
}
