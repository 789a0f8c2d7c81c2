// RFC 9162 hashing for the audit tree: leaf = SHA-256(0x00 || entry), node = SHA-256(0x01 || l || r).
// Batches go to the native addon (native/merkle_hash.c) when it was built at install time, and to
// node:crypto otherwise; both produce identical bytes (test/domain/audit/hasher.test.ts).
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

export const HASH_SIZE = 32;

export interface Hasher {
  readonly kind: 'native' | 'node:crypto';
  /** Writes the leaf hash of each entry into `out` at 32-byte steps. */
  hashLeaves(entries: readonly string[], out: Buffer): void;
  /** Writes SHA-256(0x01 || pair) for each 64-byte pair of `input` into `out` at 32-byte steps. */
  reduceLevel(input: Buffer, out: Buffer): void;
}

const LEAF_PREFIX = Buffer.from([0]);
const NODE_PREFIX = Buffer.from([1]);

export const jsHasher: Hasher = {
  kind: 'node:crypto',
  hashLeaves(entries, out) {
    for (let i = 0; i < entries.length; i++) {
      createHash('sha256')
        .update(LEAF_PREFIX)
        .update(entries[i] as string, 'utf8')
        .digest()
        .copy(out, i * HASH_SIZE);
    }
  },
  reduceLevel(input, out) {
    const pairs = Math.floor(input.length / 64);
    for (let i = 0; i < pairs; i++) {
      createHash('sha256')
        .update(NODE_PREFIX)
        .update(input.subarray(i * 64, i * 64 + 64))
        .digest()
        .copy(out, i * HASH_SIZE);
    }
  },
};

export interface NativeModule {
  hashLeaves(this: void, entries: readonly string[], out: Buffer): void;
  reduceLevel(this: void, input: Buffer, out: Buffer): void;
  hmacBatch(this: void, key: Buffer, inputs: readonly string[], out: Buffer, outLen: number): void;
  sha256Batch(this: void, inputs: readonly string[], out: Buffer): void;
  gcmOpenBatch(
    this: void,
    key: Buffer,
    sealed: readonly Buffer[],
    skip: number,
    aads: readonly string[],
  ): string[];
  gcmSealBatch(
    this: void,
    key: Buffer,
    ivs: Buffer,
    aads: readonly string[],
    plaintexts: readonly string[],
  ): Buffer[];
  gcmSealPacked(
    this: void,
    key: Buffer,
    ivs: Buffer,
    aads: readonly string[],
    plaintexts: readonly string[],
    header: Buffer,
    ends: Uint32Array,
  ): Buffer;
}

/** The native batch-crypto addon, when it was built at install time (ACCORD_NATIVE_HASH=off to test without). */
export const native: NativeModule | undefined = (() => {
  if (process.env.ACCORD_NATIVE_HASH === 'off') return undefined;
  try {
    const require = createRequire(import.meta.url);
    const mod = require('../../../native/build/Release/merkle_hash.node') as NativeModule;
    // An addon built before a function was added is treated as missing.
    return typeof mod.gcmSealPacked === 'function' ? mod : undefined;
  } catch {
    return undefined;
  }
})();

export const hasher: Hasher = native
  ? { kind: 'native', hashLeaves: native.hashLeaves, reduceLevel: native.reduceLevel }
  : jsHasher;

/** Hash of the empty tree (RFC 9162 §2.1.1). */
export const EMPTY_ROOT = createHash('sha256').digest();

export function leafHash(entry: string, h: Hasher = hasher): Buffer {
  const out = Buffer.allocUnsafe(HASH_SIZE);
  h.hashLeaves([entry], out);
  return out;
}

export function nodeHash(left: Buffer, right: Buffer, h: Hasher = hasher): Buffer {
  const out = Buffer.allocUnsafe(HASH_SIZE);
  h.reduceLevel(Buffer.concat([left, right]), out);
  return out;
}
