// A correction notice travels as transfers do: what changed (the corrected agreed fields, or the
// instruction and its reason) is encrypted to the recipient organisation (compact JWE,
// ECDH-ES+A256KW with A256GCM, bound to the notice by its header, `kid` naming the recipient's key); the notice's header and the
// digest of that JWE are signed by the node (compact JWS, EdDSA). The recipient verifies both
// before anything is applied.
import { createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { CompactEncrypt } from '../../jose.ts';
import { AccordError } from '../../errors.ts';
import { decryptWith, keyDestroyed, signJws, verifyJws } from '../exchange/envelope.ts';
import type { OpenWith, SealTo } from '../exchange/exchange-keys.ts';
import type { NodeKeys } from '../node/node-keys.ts';

/** What the signature covers. */
export interface NoticeHeader {
  noticeId: string;
  senderOrgId: string;
  recipientOrgId: string;
  transferId: string;
  line: number;
  kind: string;
  fields: string[];
  /** SHA-256 of the sealed contents (the compact JWE). */
  digest: string;
  createdAt: string;
}

/** What only the recipient can read. */
export interface NoticeContents {
  /** The corrected agreed fields (rectify); empty for an instruction. */
  changes: Record<string, unknown>;
  reason: string;
}

const tampered = (why: string): AccordError => new AccordError('TRANSFER_TAMPERED', why);
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

export async function sealNotice(
  keys: NodeKeys,
  recipient: SealTo,
  header: Omit<NoticeHeader, 'digest'>,
  contents: NoticeContents,
): Promise<{ sealed: string; signed: string }> {
  const sealed = await new CompactEncrypt(Buffer.from(JSON.stringify(contents), 'utf8'))
    .setProtectedHeader({
      alg: 'ECDH-ES+A256KW',
      enc: 'A256GCM',
      kid: recipient.kid,
      cty: `correction/${header.noticeId}`,
    })
    .encrypt(recipient.key);
  const signed = signJws(keys, { ...header, digest: sha256(sealed) }, 'accord-correction+jws');
  return { sealed, signed };
}

/** Verifies the signature and the seal; returns the header as signed and the contents. */
export async function openNotice(
  publicKey: KeyObject,
  openWith: OpenWith,
  noticeId: string,
  sealed: string,
  signed: string,
): Promise<{ header: NoticeHeader; contents: NoticeContents }> {
  const header = await verifyJws<NoticeHeader>(publicKey, signed).catch(() => {
    throw tampered('The correction notice’s signature does not verify.');
  });
  if (header.noticeId !== noticeId || header.digest !== sha256(sealed))
    throw tampered('The correction notice does not match its signature.');
  try {
    // The header's `kid` picks the key it was sealed to, current or since retired.
    const { plaintext, protectedHeader } = await decryptWith(openWith, sealed);
    if (protectedHeader.cty !== `correction/${noticeId}`) throw new Error('misplaced');
    const contents = JSON.parse(Buffer.from(plaintext).toString('utf8')) as NoticeContents;
    return { header, contents: { changes: contents.changes ?? {}, reason: contents.reason ?? '' } };
  } catch (e) {
    if (keyDestroyed(e)) throw e;
    throw tampered('The correction notice does not decrypt: it was altered or not made for you.');
  }
}
