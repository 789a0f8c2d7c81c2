// One exchange with a trusted partner: seal a message to it, POST it over pinned HTTPS, and verify
// its answer — sealed to us, signed by it, answering this message id. Used by the outbox (with
// retries) and by queries (asked and answered at once).
import { AccordError, ERRORS } from '../../errors.ts';
import type { ErrorCode } from '../../errors.ts';
import type { Executor } from '../../store/store.ts';
import { detach } from './attachments.ts';
import { trusted } from './directory.ts';
import { CHUNK_ATTACHMENTS, featuresOf } from './features.ts';
import type { FederationNodeTable } from './federation.table.ts';
import { WINDOW_MS, keyFromJwk, seal, unseal, verifyMessage } from './messages.ts';
import type { NodeCard, NodeIdentity } from './node-identity.ts';
import { postPinned } from './transport.ts';

export const INBOX_PATH = '/api/federation/inbox';

/** What a node answers a message with (inside the signed, sealed answer). */
export type Answer =
  { ok: true; body: unknown } | { ok: false; error: { code: string; message: string } };

/** The node's keys as on its verified card. */
export function cardOf(node: FederationNodeTable): NodeCard {
  return JSON.parse(node.card) as NodeCard;
}

export class Link {
  constructor(
    private readonly me: NodeIdentity,
    private readonly clock: () => Date,
  ) {}

  async partner(ex: Executor, nodeId: string): Promise<FederationNodeTable> {
    const node = await trusted(ex, nodeId);
    if (!node)
      throw new AccordError('FEDERATION_UNKNOWN_NODE', 'That node is not on the trust list.');
    return node;
  }

  /**
   * Sends one message and returns the partner's verified answer. Throws FEDERATION_UNREACHABLE
   * when it cannot be delivered now (worth retrying), BODY_TOO_LARGE, or the partner's refusal
   * before it could answer when it is one of PASSED_ON (the partner does not trust this node, the
   * clocks differ).
   */
  async send(
    node: FederationNodeTable,
    m: { id: string; kind: string; body: unknown },
  ): Promise<Answer> {
    const card = cardOf(node);
    // Only to a partner that said it takes attachments: an older one refuses the extra field.
    const { body, attachment, sha256 } = featuresOf(node.features).has(CHUNK_ATTACHMENTS)
      ? detach(m.kind, m.body)
      : { body: m.body };
    const envelope = await seal(
      this.me,
      keyFromJwk(card.encryptionKey),
      {
        id: m.id,
        to: node.node_id,
        kind: m.kind,
        body,
        ...(sha256 === undefined ? {} : { attachment: { sha256 } }),
      },
      this.clock(),
    );
    const r = await postPinned(
      node,
      INBOX_PATH,
      attachment === undefined ? { envelope } : { envelope, attachment },
    );
    const json = r.json as { envelope?: unknown; error?: { code?: unknown; message?: unknown } };
    // Larger than the partner accepts: every attempt would be refused alike.
    if (r.status === 413)
      throw new AccordError(
        'BODY_TOO_LARGE',
        `${node.name} refuses messages this large (${r.sent.toLocaleString('en-GB')} bytes): its limit (ACCORD_FEDERATION_MAX_BYTES) is lower than this node's.`,
      );
    if (typeof json?.envelope !== 'string') throw notAccepted(node.name, r.status, json?.error);
    const reply = await verifyMessage<Answer>(
      await unseal(this.me, json.envelope),
      keyFromJwk(card.signingKey),
      this.me.nodeId,
      this.clock(),
    );
    if (reply.from !== node.node_id || reply.inReplyTo !== m.id)
      throw new AccordError('FEDERATION_BAD_SIGNATURE', 'The answer is not to this message.');
    return reply.body;
  }
}

/**
 * The refusals a partner makes before it can answer in an envelope that are passed on under their
 * own code, with this node's message naming the partner (not the partner's unverified text). Each
 * holds for every message to that partner until someone acts, so callers must tell them apart
 * from an outage: the partner no longer trusts this node (the outbox gives up at once), or the
 * clocks differ (retried: clocks get fixed). The rest stay FEDERATION_UNREACHABLE on purpose: a
 * bad envelope or signature there would read here like this node failing to verify the partner's
 * answer (the same codes); a replay, a wrong recipient or a message still being applied there
 * mean nothing to whoever asked; and a code a partner sends is never taken on its word.
 */
const PASSED_ON: Partial<Record<ErrorCode, (partner: string) => string>> = {
  FEDERATION_UNKNOWN_NODE: (partner) =>
    `${partner} does not trust this node: it is not on that node's trust list, or was revoked there.`,
  FEDERATION_CLOCK_SKEW: (partner) =>
    `${partner}'s clock and this node's differ by more than the ${WINDOW_MS / 60_000} minutes allowed: check both nodes' clocks.`,
};

/**
 * A partner's refusal made before it could answer in an envelope (so not verifiable): one of
 * PASSED_ON under its own code, anything else as "not delivered" (worth retrying).
 */
function notAccepted(partner: string, status: number, error: unknown): AccordError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    message?: unknown;
  };
  const code = typeof e.code === 'string' ? e.code : `HTTP ${status}`;
  const known = Object.prototype.hasOwnProperty.call(PASSED_ON, code)
    ? PASSED_ON[code as ErrorCode]
    : undefined;
  if (known) return new AccordError(code as ErrorCode, known(partner));
  return new AccordError(
    'FEDERATION_UNREACHABLE',
    `${partner} did not accept the message: ${code}${
      typeof e.message === 'string' ? ` (${e.message})` : ''
    }`,
  );
}

/** The partner's refusal as our own coded error (an unknown code reads as forbidden). */
export function refusal(a: Extract<Answer, { ok: false }>): AccordError {
  const code = (a.error.code in ERRORS ? a.error.code : 'FORBIDDEN') as ErrorCode;
  return new AccordError(code, a.error.message);
}
