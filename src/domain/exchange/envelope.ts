// JOSE envelopes for exchange. Manifests and check answers are signed by the node (compact JWS,
// EdDSA with the node's Ed25519 key); chunks of records are encrypted to the recipient
// organisation (compact JWE, ECDH-ES+A256KW with A256GCM, `kid` naming the recipient's key). A manifest carries the record count,
// and for each chunk the SHA-256 over the SHA-256 of each projected record in it; the whole
// transfer's digest is the SHA-256 over the chunk digests, so any changed, missing, extra or
// reordered record fails verification. Each chunk's entry also holds the SHA-256 of its sealed
// text, so a partner node can check every chunk on its own as it arrives, without opening it.
import { createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { CompactEncrypt, compactDecrypt, compactVerify } from '../../jose.ts';
import type { CompactJWEHeaderParameters } from '../../jose.ts';
import { AccordError } from '../../errors.ts';
import { canonical } from '../agreements/model.ts';
import { native } from '../audit/hasher.ts';
import type { NodeKeys } from '../node/node-keys.ts';
import type { OpenWith, SealTo } from './exchange-keys.ts';

export interface Manifest {
  transferId: string;
  senderOrgId: string;
  recipientOrgId: string;
  agreement: { agreementId: string; versionId: string; reference: string; version: number };
  purpose: string;
  recordType: string;
  fields: string[];
  recordCount: number;
  chunks: ManifestChunk[];
  /** SHA-256 over the chunk digests, in order. */
  digest: string;
  createdAt: string;
  /** JWE to the recipient of the accuracy flags on the records sent, by line (when any). */
  accuracy?: string;
}

export interface ManifestChunk {
  index: number;
  count: number;
  /** SHA-256 over the chunk's record digests (checked on opening). */
  digest: string;
  /** SHA-256 of the sealed chunk (its JWE text): checked on arrival at a partner node. */
  sealed?: string;
}

const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64url');
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** SHA-256 (hex) of each text, in one native call when the addon is built. */
export function digestTexts(texts: readonly string[]): string[] {
  if (!native) return texts.map(sha256);
  const out = Buffer.allocUnsafe(32 * texts.length);
  native.sha256Batch(texts, out);
  return texts.map((_, i) => out.toString('hex', 32 * i, 32 * i + 32));
}

/**
 * The SHA-256 of each projected record: of its canonical JSON, so key order does not matter
 * (`canonical()` gives the text, which also sizes a chunk).
 */
export const recordDigests = (records: readonly Record<string, unknown>[]): string[] =>
  digestTexts(records.map(canonical));

/** A chunk's digest: SHA-256 over its records' digests, in order. */
export const chunkDigest = (recordDigests: readonly string[]): string =>
  sha256(recordDigests.join(''));

/** The digest of a sealed chunk as it travels (the JWE text), checked before it is stored. */
export const sealedDigest = (jwe: string): string => sha256(jwe);

export const wholeDigest = (chunkDigests: readonly string[]): string =>
  sha256(chunkDigests.join(''));

/** Signs a payload as a compact JWS with the node's Ed25519 key. */
export function signJws(keys: NodeKeys, payload: unknown, typ: string): string {
  const header = b64(JSON.stringify({ alg: 'EdDSA', kid: keys.keyId, typ }));
  const body = b64(JSON.stringify(payload));
  const signature = keys.sign(`${header}.${body}`);
  return `${header}.${body}.${b64(signature)}`;
}

/** Verifies a compact JWS against a node public key and returns its payload, or throws TRANSFER_TAMPERED. */
export async function verifyJws<T>(publicKey: KeyObject, jws: string): Promise<T> {
  try {
    const { payload } = await compactVerify(jws, publicKey, { algorithms: ['EdDSA'] });
    return JSON.parse(Buffer.from(payload).toString('utf8')) as T;
  } catch {
    throw new AccordError('TRANSFER_TAMPERED', 'The manifest signature does not verify.');
  }
}

export async function encryptChunk(
  recipient: SealTo,
  transferId: string,
  index: number,
  records: readonly Record<string, unknown>[],
): Promise<string> {
  return encryptText(recipient, transferId, index, JSON.stringify(records));
}

/**
 * A chunk of records as lines: each record's canonical JSON (which never holds a raw newline),
 * one per line. The texts are the ones the manifest's digests were taken over, so the recipient
 * hashes each line as it is instead of re-serialising every record, and keeps it as the record's
 * stored text.
 */
export async function encryptLines(
  recipient: SealTo,
  transferId: string,
  index: number,
  texts: readonly string[],
): Promise<string> {
  return encryptText(recipient, transferId, index, texts.join('\n'));
}

/**
 * The same texts as one JSON list, as a node before lines seals a chunk and opens one: for a
 * partner node that has not said it takes lines (federation/features.ts). Its opener parses the
 * list and hashes each record's canonical JSON: the same digests.
 */
export async function encryptList(
  recipient: SealTo,
  transferId: string,
  index: number,
  texts: readonly string[],
): Promise<string> {
  return encryptText(recipient, transferId, index, `[${texts.join(',')}]`);
}

async function encryptText(
  recipient: SealTo,
  transferId: string,
  index: number,
  text: string,
): Promise<string> {
  return new CompactEncrypt(Buffer.from(text, 'utf8'))
    .setProtectedHeader({
      alg: 'ECDH-ES+A256KW',
      enc: 'A256GCM',
      kid: recipient.kid,
      cty: `transfer/${transferId}/${index}`,
    })
    .encrypt(recipient.key);
}

/** Sealed to a key since destroyed: said as such, never as tampering. */
export const keyDestroyed = (e: unknown): e is AccordError =>
  e instanceof AccordError && e.code === 'EXCHANGE_KEY_DESTROYED';

/**
 * Opens a compact JWE with the private key its protected header's `kid` names (or, without one,
 * the key an envelope made before rotation was sealed to); throws when there is no such key.
 */
export async function decryptWith(
  openWith: OpenWith,
  jwe: string,
): Promise<{ plaintext: Uint8Array; protectedHeader: CompactJWEHeaderParameters }> {
  return compactDecrypt(
    jwe,
    async (header) => {
      const key = await openWith(typeof header.kid === 'string' ? header.kid : undefined);
      if (!key) throw new Error('no such key');
      return key;
    },
    {
      keyManagementAlgorithms: ['ECDH-ES+A256KW'],
      contentEncryptionAlgorithms: ['A256GCM'],
    },
  );
}

export async function decryptChunk(
  openWith: OpenWith,
  transferId: string,
  index: number,
  jwe: string,
): Promise<Record<string, unknown>[]> {
  return opened(index, async () => {
    const records = JSON.parse(await decryptText(openWith, transferId, index, jwe)) as unknown;
    if (!Array.isArray(records)) throw new Error('not a list');
    return records as Record<string, unknown>[];
  });
}

/**
 * A chunk's records with the text each one's digest is taken over: the lines as sent
 * (`encryptLines`), or, for a chunk sealed as one JSON list (before lines), each record's
 * canonical JSON.
 */
export async function decryptRecords(
  openWith: OpenWith,
  transferId: string,
  index: number,
  jwe: string,
): Promise<{ records: Record<string, unknown>[]; texts: string[] }> {
  return opened(index, async () => {
    const text = await decryptText(openWith, transferId, index, jwe);
    if (text.startsWith('[')) {
      const list = JSON.parse(text) as unknown;
      if (!Array.isArray(list) || !list.every(isRecord)) throw new Error('not a list of records');
      return { records: list, texts: list.map(canonical) };
    }
    const texts = text.split('\n');
    const records = texts.map((t) => JSON.parse(t) as unknown);
    if (!records.every(isRecord)) throw new Error('not a record per line');
    // Each line is kept as the record's stored text, so it must be exactly the canonical JSON of
    // what was checked: a duplicated key (JSON.parse keeps the last), padding or a number written
    // another way would store data no check saw.
    if (records.some((r, i) => canonical(r) !== texts[i])) throw new Error('not canonical');
    return { records, texts };
  });
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

async function decryptText(
  openWith: OpenWith,
  transferId: string,
  index: number,
  jwe: string,
): Promise<string> {
  const { plaintext, protectedHeader } = await decryptWith(openWith, jwe);
  // The header binds the chunk to its place: a chunk copied from elsewhere does not open here.
  if (protectedHeader.cty !== `transfer/${transferId}/${index}`) throw new Error('misplaced');
  return Buffer.from(plaintext).toString('utf8');
}

/** Whatever goes wrong opening chunk `index` is tampering, unless its key was destroyed. */
async function opened<T>(index: number, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (e) {
    if (keyDestroyed(e)) throw e;
    throw new AccordError(
      'TRANSFER_TAMPERED',
      `Chunk ${index + 1} of the transfer does not decrypt: it was altered or not made for you.`,
    );
  }
}
