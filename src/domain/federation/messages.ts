// Envelopes between nodes: the message is signed by the sending node (compact JWS, EdDSA with its
// Ed25519 key), then the JWS is sealed to the receiving node (compact JWE, ECDH-ES+A256KW with
// A256GCM to its X25519 key). The signed payload names the message id, sender, recipient and
// time, so a receiver can refuse a message that is not for it, too old or seen before; answers
// travel the same way back, so both sides verify each other.
import { createHash, createPublicKey } from 'node:crypto';
import type { JsonWebKey as NodeJwk, KeyObject } from 'node:crypto';
import {
  CompactEncrypt,
  compactDecrypt,
  compactVerify,
  decodeProtectedHeader,
} from '../../jose.ts';
import { AccordError } from '../../errors.ts';
import { canonical } from '../agreements/model.ts';
import { signJws } from '../exchange/envelope.ts';
import { uuid7 } from '../ids.ts';
import type { NodeIdentity } from './node-identity.ts';

/** How far a message's time may be from the receiver's clock. */
export const WINDOW_MS = 5 * 60_000;

export interface Message<B = unknown> {
  /** The message id: a nonce, never reused for another body. */
  id: string;
  from: string;
  to: string;
  /** Issued at (ISO time). */
  iat: string;
  kind: string;
  body: B;
  /** On an answer: the id of the message it answers. */
  inReplyTo?: string;
  /** A field sent beside the envelope (attachments.ts): its SHA-256, signed here. */
  attachment?: { sha256: string };
}

/**
 * Time-ordered (UUIDv7): the outbox sends in the order of queuing time then id, so messages queued
 * in the same millisecond still go in the order they were queued.
 */
export const newMessageId = (): string => uuid7();

/** SHA-256 of kind and body: what makes two deliveries "the same message". */
export const bodyDigest = (kind: string, body: unknown): string =>
  createHash('sha256').update(canonical({ kind, body })).digest('hex');

export const keyFromJwk = (jwk: NodeJwk): KeyObject => createPublicKey({ key: jwk, format: 'jwk' });

/** Signs then seals a message to the recipient node's encryption key. */
export async function seal(
  me: NodeIdentity,
  recipientKey: KeyObject,
  m: Omit<Message, 'from' | 'iat'> & { iat?: string },
  now: Date,
): Promise<string> {
  const payload: Message = { ...m, from: me.nodeId, iat: m.iat ?? now.toISOString() };
  const jws = signJws(me.keys, payload, 'accord-fed+jws');
  return new CompactEncrypt(Buffer.from(jws, 'utf8'))
    .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', cty: 'accord-fed+jws' })
    .encrypt(recipientKey);
}

/** Decrypts an envelope to the signed message inside (not yet verified). */
export async function unseal(me: NodeIdentity, jwe: string): Promise<string> {
  try {
    if (typeof jwe !== 'string' || jwe.length === 0) throw new Error('empty');
    const { plaintext, protectedHeader } = await compactDecrypt(jwe, me.encryptionPrivate, {
      keyManagementAlgorithms: ['ECDH-ES+A256KW'],
      contentEncryptionAlgorithms: ['A256GCM'],
    });
    if (protectedHeader.cty !== 'accord-fed+jws') throw new Error('not a federation envelope');
    return Buffer.from(plaintext).toString('utf8');
  } catch {
    throw new AccordError('FEDERATION_BAD_ENVELOPE');
  }
}

/** Who claims to have signed it: read before verifying, only to find the key to verify with. */
export function claimedSender(jws: string): { from: string; id: string; kind: string } {
  try {
    const header = decodeProtectedHeader(jws);
    if (header.alg !== 'EdDSA') throw new Error('alg');
    const m = JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      from?: unknown;
      id?: unknown;
      kind?: unknown;
    };
    if (typeof m.from !== 'string' || typeof m.id !== 'string' || typeof m.kind !== 'string')
      throw new Error('fields');
    return { from: m.from, id: m.id, kind: m.kind };
  } catch {
    throw new AccordError('FEDERATION_BAD_ENVELOPE');
  }
}

/**
 * Verifies the signature with the sender's trusted key, then the addressing and the time window.
 * Each failure is its own stable code (the caller audits it).
 */
export async function verifyMessage<B>(
  jws: string,
  senderKey: KeyObject,
  me: string,
  now: Date,
): Promise<Message<B>> {
  let m: Message<B>;
  try {
    const { payload, protectedHeader } = await compactVerify(jws, senderKey, {
      algorithms: ['EdDSA'],
    });
    // The node key signs other things too (manifests, check answers): only a federation
    // message is taken as one.
    if (protectedHeader.typ !== 'accord-fed+jws') throw new Error('typ');
    m = JSON.parse(Buffer.from(payload).toString('utf8')) as Message<B>;
  } catch {
    throw new AccordError('FEDERATION_BAD_SIGNATURE');
  }
  if (m.to !== me) throw new AccordError('FEDERATION_WRONG_RECIPIENT');
  const at = Date.parse(m.iat);
  if (!Number.isFinite(at) || Math.abs(at - now.getTime()) > WINDOW_MS)
    throw new AccordError(
      'FEDERATION_CLOCK_SKEW',
      `The message was issued at ${m.iat}, more than ${WINDOW_MS / 60_000} minutes from this node’s clock (${now.toISOString()}).`,
    );
  return m;
}
