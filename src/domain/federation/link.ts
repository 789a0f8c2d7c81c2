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
import { keyFromJwk, seal, unseal, verifyMessage } from './messages.ts';
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
   * when it cannot be delivered now (worth retrying), or the partner's coded refusal.
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
    if (typeof json?.envelope !== 'string') {
      // A refusal before the partner could answer in an envelope (it does not trust us yet, the
      // clocks differ): coded, not verifiable, so treated as "not delivered".
      const code = typeof json?.error?.code === 'string' ? json.error.code : `HTTP ${r.status}`;
      throw new AccordError(
        'FEDERATION_UNREACHABLE',
        `${node.name} did not accept the message: ${code}${
          typeof json?.error?.message === 'string' ? ` (${json.error.message})` : ''
        }`,
      );
    }
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

/** The partner's refusal as our own coded error (an unknown code reads as forbidden). */
export function refusal(a: Extract<Answer, { ok: false }>): AccordError {
  const code = (a.error.code in ERRORS ? a.error.code : 'FORBIDDEN') as ErrorCode;
  return new AccordError(code, a.error.message);
}
