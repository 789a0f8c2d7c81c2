// Attachments: a big field of a message that travels beside its envelope instead of inside it.
// A transfer's sealed chunk is already encrypted to the recipient organisation and its SHA-256 is
// in the signed manifest; signing it into a JWS and sealing that into a JWE again only encoded
// the same bytes twice more (a 150 KB chunk became a 360 KB envelope) and made both nodes spend
// most of a delivery on base64, SHA-512 and AES over it. So the field is taken out of the body,
// its SHA-256 goes into the signed message instead, and the receiver puts it back only after
// the envelope verified and the digest matched: the handler sees the message as it was sent.
import { createHash } from 'node:crypto';
import { AccordError } from '../../errors.ts';
import type { Message } from './messages.ts';

/** The field each kind of message carries as an attachment (the same on every node). */
const ATTACHED: Readonly<Record<string, string>> = { 'transfer.chunk': 'jwe' };

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

const fieldOf = (kind: string): string | undefined =>
  Object.prototype.hasOwnProperty.call(ATTACHED, kind) ? ATTACHED[kind] : undefined;

/** A message's body without its attachment, the attachment, and the digest to sign for it. */
export function detach(
  kind: string,
  body: unknown,
): { body: unknown; attachment?: string; sha256?: string } {
  const field = fieldOf(kind);
  if (!field || typeof body !== 'object' || body === null) return { body };
  const { [field]: attachment, ...rest } = body as Record<string, unknown>;
  if (typeof attachment !== 'string') return { body };
  return { body: rest, attachment, sha256: sha256(attachment) };
}

/**
 * The message as sent, its attachment back in its body: only when the signed message declares
 * one, of a kind that carries one, and the one posted has the digest signed. Anything else is a
 * bad envelope (someone added, swapped or dropped data the signature does not cover).
 */
export function reattach(m: Message, attachment: unknown): Message {
  const field = fieldOf(m.kind);
  const declared = m.attachment?.sha256;
  if (declared === undefined && attachment === undefined) return m;
  const bad = (why: string): AccordError => new AccordError('FEDERATION_BAD_ENVELOPE', why);
  if (
    !field ||
    typeof declared !== 'string' ||
    typeof m.body !== 'object' ||
    m.body === null ||
    Array.isArray(m.body)
  )
    throw bad('The message carries an attachment its kind does not have.');
  if (typeof attachment !== 'string' || sha256(attachment) !== declared)
    throw bad('The attachment is missing or is not the one the message was signed with.');
  return { ...m, body: { ...(m.body as Record<string, unknown>), [field]: attachment } };
}
