// The pure half of writing records: ids, sealed payloads and keyed identifier hashes for a
// batch, computed from the batch and the organisation's keys alone (no database). Bulk imports
// run it on a worker thread while the main thread stores the previous batch; single writes and
// transfers run it in line. Everything is packed into a few flat buffers so a batch crosses
// between threads as transferred memory, not as a million small objects.
import { uuid7 } from '../ids.ts';
import type { Extracted } from './identifiers.ts';
import { SCHEMES, hashInput } from './identifiers.ts';
import { IDENTIFIER_HASH_BYTES, hashIdentifiers, sealPacked } from './sealing.ts';

export interface NewRecord {
  payload: Record<string, unknown>;
  /** The payload as JSON, when the caller already has it (an opened transfer's record). */
  text?: string;
  ids: Extracted[];
  retainUntil: string | null;
}

export interface WriterKeys {
  dataKey: { version: number; key: Buffer };
  indexKey: Buffer;
}

export interface PreparedBatch {
  recordIds: string[];
  keyVersion: number;
  /** Sealed payloads end to end: record i is bytes [sealedEnds[i-1] ?? 0, sealedEnds[i]). */
  sealed: Uint8Array;
  sealedEnds: Uint32Array;
  /** Keyed hashes of each record's identifiers, strongest first, 16 bytes each, end to end. */
  hashes: Uint8Array;
  /** How many identifiers each record has. */
  idCounts: Uint16Array;
  /**
   * The identifiers in the order to insert them: by hash, so neighbouring inserts share index
   * pages, and for one hash the earlier record first, as in file order. A record naming one
   * identifier twice appears once.
   */
  insertOrder: Uint32Array;
  /** The subject each record starts if none of its identifiers is known. */
  newSubjectIds: string[];
  retainUntil: (string | null)[];
}

const byStrength = (a: Extracted, b: Extracted): number =>
  SCHEMES.indexOf(a.scheme) - SCHEMES.indexOf(b.scheme);

export function prepareBatch(
  keys: WriterKeys,
  orgId: string,
  batch: readonly NewRecord[],
): PreparedBatch {
  const ordered = batch.map((r) => [...r.ids].sort(byStrength));
  const recordIds = batch.map(() => uuid7());
  const { sealed, ends } = sealPacked(
    keys.dataKey.key,
    keys.dataKey.version,
    batch.map((r, i) => ({
      aad: `${orgId}|${recordIds[i]}|1`,
      plaintext: r.text ?? JSON.stringify(r.payload),
    })),
  );
  const hashes = hashIdentifiers(keys.indexKey, ordered.flat().map(hashInput));
  return {
    recordIds,
    keyVersion: keys.dataKey.version,
    sealed,
    sealedEnds: ends,
    hashes,
    idCounts: Uint16Array.from(ordered, (ids) => ids.length),
    insertOrder: insertOrder(hashes, ordered),
    newSubjectIds: batch.map(() => uuid7()),
    retainUntil: batch.map((r) => r.retainUntil),
  };
}

function insertOrder(hashes: Buffer, ordered: readonly Extracted[][]): Uint32Array {
  // Each hash as a latin1 string: compared as strings, they sort as the bytes do, and making one
  // is cheaper than a Buffer view and a Buffer.compare per comparison.
  const keys: string[] = [];
  const at: number[] = [];
  let n = 0;
  for (const ids of ordered) {
    const first = keys.length;
    for (const end = n + ids.length; n < end; n++) {
      const key = hashes.toString(
        'latin1',
        n * IDENTIFIER_HASH_BYTES,
        (n + 1) * IDENTIFIER_HASH_BYTES,
      );
      // A record naming one identifier twice inserts it once.
      if (!keys.includes(key, first)) {
        keys.push(key);
        at.push(n);
      }
    }
  }
  // Pushed in record order, and the sort is stable: for one hash the earlier record stays first.
  const order = Array.from(keys.keys()).sort((a, b) =>
    keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0,
  );
  return Uint32Array.from(order, (i) => at[i]!);
}

/** Record i's sealed payload (a view, not a copy). */
export function sealedPayload(p: PreparedBatch, i: number): Buffer {
  const start = i === 0 ? 0 : (p.sealedEnds[i - 1] as number);
  return Buffer.from(
    p.sealed.buffer,
    p.sealed.byteOffset + start,
    (p.sealedEnds[i] as number) - start,
  );
}

/** Identifier hash n of the batch (a view, not a copy). */
export function identifierHash(p: PreparedBatch, n: number): Buffer {
  return Buffer.from(
    p.hashes.buffer,
    p.hashes.byteOffset + n * IDENTIFIER_HASH_BYTES,
    IDENTIFIER_HASH_BYTES,
  );
}

/**
 * The batch ready to go to another thread, with the buffers to hand over (not copy). Whatever is
 * a view onto shared memory is copied first (a small Buffer is a slice of Node's pool): sending
 * it would copy the whole pool, neighbours and all, and transferring it would break every other
 * Buffer in it.
 */
export function forTransfer(p: PreparedBatch): [PreparedBatch, ArrayBuffer[]] {
  const transfer: ArrayBuffer[] = [];
  const own = <T extends Uint8Array | Uint16Array | Uint32Array>(v: T, copy: (v: T) => T): T => {
    const mine = v.byteOffset === 0 && v.byteLength === v.buffer.byteLength ? v : copy(v);
    transfer.push(mine.buffer as ArrayBuffer);
    return mine;
  };
  const batch = {
    ...p,
    sealed: own(p.sealed, (v) => new Uint8Array(v)),
    sealedEnds: own(p.sealedEnds, (v) => new Uint32Array(v)),
    hashes: own(p.hashes, (v) => new Uint8Array(v)),
    idCounts: own(p.idCounts, (v) => new Uint16Array(v)),
    insertOrder: own(p.insertOrder, (v) => new Uint32Array(v)),
  };
  return [batch, transfer];
}
