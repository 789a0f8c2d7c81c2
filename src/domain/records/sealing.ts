// Payload encryption and identifier hashing. Payloads are sealed with AES-256-GCM under the
// organisation's data key, bound by AAD to their row (a sealed payload copied onto another row
// will not open). Identifiers are stored only as keyed hashes (HMAC-SHA-256, first 16 bytes)
// under the organisation's index key. Batches go through the native addon when it is built.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { native } from '../audit/hasher.ts';

const FORMAT = 1;
const HEADER = 3; // format byte + key version (uint16)
export const IDENTIFIER_HASH_BYTES = 16;

export interface SealItem {
  aad: string;
  plaintext: string;
}

/** Seals a batch; each result is [format][key version][iv][ciphertext][tag]. */
export function sealBatch(key: Buffer, keyVersion: number, items: readonly SealItem[]): Buffer[] {
  const ivs = randomBytes(12 * items.length);
  const bodies = native
    ? native.gcmSealBatch(
        key,
        ivs,
        items.map((i) => i.aad),
        items.map((i) => i.plaintext),
      )
    : items.map((it, n) => {
        const c = createCipheriv('aes-256-gcm', key, ivs.subarray(12 * n, 12 * n + 12));
        c.setAAD(Buffer.from(it.aad, 'utf8'));
        return Buffer.concat([c.update(it.plaintext, 'utf8'), c.final(), c.getAuthTag()]);
      });
  return bodies.map((body, n) => {
    const out = Buffer.allocUnsafe(HEADER + 12 + body.length);
    out[0] = FORMAT;
    out.writeUInt16BE(keyVersion, 1);
    ivs.copy(out, HEADER, 12 * n, 12 * n + 12);
    body.copy(out, HEADER + 12);
    return out;
  });
}

/**
 * Seals a batch into one buffer: the same payloads as `sealBatch`, end to end, with `ends[i]` the
 * offset just past payload i (a bulk write's thousands of payloads as one allocation).
 */
export function sealPacked(
  key: Buffer,
  keyVersion: number,
  items: readonly SealItem[],
): { sealed: Buffer; ends: Uint32Array } {
  const ends = new Uint32Array(items.length);
  if (!native) {
    const each = sealBatch(key, keyVersion, items);
    let end = 0;
    each.forEach((s, i) => (ends[i] = end += s.length));
    return { sealed: Buffer.concat(each, end), ends };
  }
  const header = Buffer.from([FORMAT, keyVersion >> 8, keyVersion & 0xff]);
  const sealed = native.gcmSealPacked(
    key,
    randomBytes(12 * items.length),
    items.map((i) => i.aad),
    items.map((i) => i.plaintext),
    header,
    ends,
  );
  return { sealed, ends };
}

/** The data-key version a sealed payload needs. */
export function sealedKeyVersion(sealed: Buffer): number {
  if (sealed[0] !== FORMAT) throw new Error('unknown sealed payload format');
  return sealed.readUInt16BE(1);
}

/** Opens many payloads sealed under one key (throws if any does not open). */
export function openBatch(
  key: Buffer,
  sealed: readonly Buffer[],
  aads: readonly string[],
): string[] {
  if (native) return native.gcmOpenBatch(key, sealed, HEADER, aads);
  return sealed.map((s, i) => open(key, s, aads[i] as string));
}

export function open(key: Buffer, sealed: Buffer, aad: string): string {
  const iv = sealed.subarray(HEADER, HEADER + 12);
  const body = sealed.subarray(HEADER + 12, sealed.length - 16);
  const d = createDecipheriv('aes-256-gcm', key, iv);
  d.setAAD(Buffer.from(aad, 'utf8'));
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([d.update(body), d.final()]).toString('utf8');
}

/** Keyed hashes of identifier strings, 16 bytes each, concatenated. */
export function hashIdentifiers(indexKey: Buffer, inputs: readonly string[]): Buffer {
  const out = Buffer.allocUnsafe(inputs.length * IDENTIFIER_HASH_BYTES);
  if (native) native.hmacBatch(indexKey, inputs, out, IDENTIFIER_HASH_BYTES);
  else
    inputs.forEach((s, i) =>
      createHmac('sha256', indexKey)
        .update(s, 'utf8')
        .digest()
        .copy(out, i * IDENTIFIER_HASH_BYTES, 0, IDENTIFIER_HASH_BYTES),
    );
  return out;
}
