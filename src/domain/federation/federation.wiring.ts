// The federation module, built by services.ts when ACCORD_FEDERATION is on: this node's identity,
// the trust list, the outbox and inbox, and the message kinds partner nodes exchange — each one
// handed to the module that owns the data (agreements, exchange), which applies it with the same
// code, decisions and audit as a change made on this node.
import { AccordError } from '../../errors.ts';
import type { Executor, Tx } from '../../store/store.ts';
import type { AgreementsService } from '../agreements/agreements.service.ts';
import type { RemoteTypes } from '../agreements/agreements.world.ts';
import type { DomainContext } from '../context.ts';
import type { AnswerMessage, NoticeMessage } from '../corrections/corrections-remote.ts';
import type { CorrectionsService } from '../corrections/corrections.service.ts';
import { partnerActor } from '../exchange/delivery.ts';
import type { ExchangeFederation } from '../exchange/delivery.ts';
import type { ExchangeModule } from '../exchange/exchange.wiring.ts';
import type { CheckInput, LookupInput } from '../exchange/queries.service.ts';
import type {
  Arrival,
  ChunkMessage,
  OfferMessage,
  StateMessage,
} from '../exchange/transfer-remote.ts';
import type { NodeKeys } from '../node/node-keys.ts';
import type { RecordTypesService } from '../records/record-types.service.ts';
import { localCatalogue, remoteTypes } from './catalogue.ts';
import * as dir from './directory.ts';
import type { FederationOutboxTable } from './federation.table.ts';
import { Directories } from './directory-messages.ts';
import { wireAgreements } from './agreement-messages.ts';
import { featuresOf } from './features.ts';
import { Inbox } from './inbox.ts';
import { Link, cardOf, refusal } from './link.ts';
import { keyFromJwk, newMessageId } from './messages.ts';
import { loadNodeIdentity } from './node-identity.ts';
import type { NodeIdentity } from './node-identity.ts';
import { Outbox } from './outbox.ts';
import { TrustService } from './trust.service.ts';

export interface FederationModule {
  /**
   * Called by a server once it listens (not by a command-line run, which may be a newer version
   * than the server still serving): tells partners this node's features if they changed.
   */
  started(): Promise<void>;
  identity: NodeIdentity;
  trust: TrustService;
  inbox: Inbox;
  outbox: Outbox;
  link: Link;
}

export interface FederationWiring {
  keys: NodeKeys;
  exchange: ExchangeModule;
  agreements: AgreementsService;
  corrections: CorrectionsService;
  recordTypes: RecordTypesService;
  /** Gives the agreements module partners' record types (from their catalogues). */
  useRemoteTypes(fn: RemoteTypes): void;
}

export async function createFederation(
  ctx: DomainContext,
  w: FederationWiring,
): Promise<FederationModule> {
  const identity = await loadNodeIdentity(ctx.config, w.keys);
  const link = new Link(identity, ctx.clock);
  const outbox = new Outbox(ctx, link);
  const inbox = new Inbox(ctx, identity);
  // Partners seal to the current exchange key and name it by its id (the JWK's `kid`).
  const directories = new Directories(ctx, async (tx, orgId) => {
    const { kid, key } = await w.exchange.exchangeKey(tx, orgId);
    return {
      exchangeKey: { ...key.export({ format: 'jwk' }), kid },
      recordTypes: await localCatalogue(tx, w.recordTypes, orgId),
    };
  });
  const trust = new TrustService(ctx, identity, link, directories);
  const hostOf = (ex: Executor, orgId: string): Promise<string | undefined> =>
    dir.nodeOf(ex, orgId);
  /** Whether a partner node said it understands a newer message form (features.ts). */
  const knows = async (ex: Executor, nodeId: string, feature: string): Promise<boolean> =>
    featuresOf((await dir.trusted(ex, nodeId))?.features ?? null).has(feature);

  const port: ExchangeFederation = {
    nodeOf: hostOf,
    exchangeKeyOf: (ex, orgId) => dir.exchangeKeyOf(ex, orgId),
    understands: async (ex, orgId, feature) => {
      const nodeId = await hostOf(ex, orgId);
      return !nodeId || knows(ex, nodeId, feature);
    },
    signingKeyFor: async (ex, orgId) => {
      if (!(await dir.isRemote(ex, orgId))) return undefined;
      const nodeId = await hostOf(ex, orgId);
      const node = nodeId ? await dir.trusted(ex, nodeId) : undefined;
      if (!node)
        throw new AccordError(
          'TRANSFER_TAMPERED',
          'The node that signed this transfer is no longer on the trust list.',
        );
      return keyFromJwk(cardOf(node).signingKey);
    },
    send: async (tx, nodeId, kind, body, opts) => {
      await outbox.enqueue(tx, nodeId, kind, body, opts);
    },
    flush: () => outbox.flush(),
    keysChanged: (tx) => directories.announce(tx, outbox),
    ask: async (nodeId, kind, body) => {
      const node = await link.partner(ctx.store, nodeId);
      const answer = await link.send(node, { id: newMessageId(), kind, body });
      if (!answer.ok) throw refusal(answer);
      return answer.body;
    },
  };
  w.exchange.useFederation(port);
  w.corrections.useFederation(port);
  w.agreements.hostOf = hostOf;
  w.useRemoteTypes((ex, orgId) => remoteTypes(ex, orgId));

  // Agreements: proposals, decisions, controls and refusals, both ways.
  wireAgreements(
    w.agreements,
    inbox,
    outbox,
    hostOf,
    knows,
    (tx, orgId, kind, message) => w.exchange.notifications.notify(tx, orgId, kind, null, message),
    async (ex, nodeId) => (await dir.trusted(ex, nodeId))?.name ?? `node ${nodeId}`,
  );

  // Directories: each side learns the other's organisations, keys, record types and features.
  directories.wire(inbox, outbox, w.recordTypes);

  // Transfers: offered, then chunk by chunk, to the recipient's inbox here (delivered once every
  // chunk is in); state changes both ways. The outbox reads each chunk when it sends it.
  const remote = w.exchange.remote;
  inbox.handle('transfer.offer', (m, from) =>
    remote.inbound.offer(from.node_id, m.body as OfferMessage),
  );
  inbox.handle('transfer.chunk', (m, from) =>
    remote.inbound.chunk(from.node_id, m.body as ChunkMessage),
  );
  inbox.handle('transfer.state', (m, from) =>
    remote.receiveState(from.node_id, m.body as StateMessage),
  );
  outbox.expands('transfer.offer', (ex, body) => remote.offerToSend(ex, body as OfferMessage));
  outbox.expands('transfer.chunk', (ex, body) => remote.chunkToSend(ex, body as ChunkMessage));
  // Chunks are queued once the partner holds the offer, and it stores them in any order.
  outbox.sendsUnordered('transfer.chunk');
  /** The transfer a message of it is about, and the chunk if it carries one. */
  const transferOf = (row: FederationOutboxTable): { id: string; chunk?: number } => {
    const body = JSON.parse(row.body) as Partial<OfferMessage & ChunkMessage>;
    const id = body.transfer?.transfer_id ?? body.transferId ?? '';
    return body.index === undefined ? { id } : { id, chunk: body.index };
  };
  /**
   * A message of a transfer refused, or given up on (the partner's node away for hours, or
   * refusing chunks this large): the rest of its chunks are not sent either, and the sender is
   * told once, with what to do.
   */
  const stop = async (
    tx: Tx,
    row: FederationOutboxTable,
    error: { code: string; message: string },
    next?: string,
  ): Promise<void> => {
    const { id, chunk } = transferOf(row);
    await outbox.dropWaiting(
      tx,
      row.node_id,
      'transfer.chunk',
      (b) => (b as Partial<ChunkMessage>).transferId === id,
      'Not sent: another message of the same transfer was refused or given up on.',
    );
    await remote.undeliverable(
      tx,
      row.node_id,
      id,
      { ...error, ...(chunk !== undefined ? { chunk } : {}) },
      next,
    );
  };
  for (const kind of ['transfer.offer', 'transfer.chunk']) {
    outbox.answered(kind, async (tx, row, answer) => {
      if (answer.ok)
        await remote.arrived(tx, row.node_id, transferOf(row).id, answer.body as Arrival);
      else await stop(tx, row, answer.error);
    });
    outbox.gaveUp(kind, (tx, row, error) =>
      stop(
        tx,
        row,
        {
          code: error.code,
          message: `${error.message.replace(/\.$/, '')} (given up after ${row.attempts + 1} attempt${row.attempts ? 's' : ''}).`,
        },
        error.code === 'BODY_TOO_LARGE'
          ? 'Recall it, lower ACCORD_TRANSFER_CHUNK_BYTES on this node (or ask the partner to raise its limit) and send it anew.'
          : 'Send it again once the partner’s node is back: it is sent only the chunks it does not hold yet.',
      ),
    );
  }

  // A step the partner's node refused (it closed its copy first): the party here is told. One
  // given up on (the partner did not trust this node for a while) goes again once it is back.
  outbox.resendsOnContact('transfer.state');
  outbox.answered('transfer.state', async (tx, row, answer) => {
    if (!answer.ok)
      await remote.stateRefused(
        tx,
        row.node_id,
        JSON.parse(row.body) as StateMessage,
        answer.error,
      );
  });
  // A whole-transfer message queued before chunked delivery: delivered by a partner not yet
  // upgraded, or refused by one that is (the sender is told; sending again offers it in chunks).
  outbox.answered('transfer.deliver', async (tx, row, answer) => {
    const { id } = transferOf(row);
    if (!id) return;
    if (answer.ok) await remote.arrived(tx, row.node_id, id, answer.body as Arrival);
    else await remote.undeliverable(tx, row.node_id, id, answer.error);
  });

  // Correction notices (Art. 19): stored in the recipient's inbox here; its decision goes back.
  // Each is sent again once a partner away for longer than the retries is back.
  outbox.resendsOnContact('correction.notice');
  outbox.resendsOnContact('correction.answered');
  outbox.gaveUp('correction.notice', (tx, row, error, ranOut) =>
    w.corrections.delayed(
      tx,
      'correction.notice',
      (JSON.parse(row.body) as NoticeMessage).notice_id,
      error,
      ranOut,
    ),
  );
  outbox.gaveUp('correction.answered', (tx, row, error, ranOut) =>
    w.corrections.delayed(
      tx,
      'correction.answered',
      (JSON.parse(row.body) as AnswerMessage).noticeId,
      error,
      ranOut,
    ),
  );
  inbox.handle('correction.notice', (m, from) =>
    w.corrections.remote.receive(from.node_id, m.body as NoticeMessage),
  );
  inbox.handle('correction.answered', (m, from) =>
    w.corrections.remote.receiveAnswer(from.node_id, m.body as AnswerMessage),
  );
  outbox.answered('correction.notice', async (tx, row, answer) => {
    if (answer.ok) return;
    const id = (JSON.parse(row.body) as NoticeMessage).notice_id;
    await w.corrections.remote.undeliverable(tx, row.node_id, id, answer.error);
  });

  // Queries: answered here by the provider, as the partner node acting for the asking organisation.
  for (const kind of ['lookup', 'check'] as const)
    inbox.handle(`query.${kind}`, async (m, from) => {
      const q = (m.body ?? {}) as (LookupInput & CheckInput) & {
        askerOrgId?: string;
        askedBy?: string;
      };
      if (
        typeof q.askerOrgId !== 'string' ||
        (await hostOf(ctx.store, q.askerOrgId)) !== from.node_id
      )
        throw new AccordError('FORBIDDEN', 'That node does not host the asking organisation.');
      if (typeof q.providerOrgId !== 'string' || (await hostOf(ctx.store, q.providerOrgId)))
        throw new AccordError('NOT_FOUND');
      const actor = partnerActor(q.askerOrgId, from.node_id, q.askedBy);
      const input = {
        providerOrgId: q.providerOrgId,
        purpose: q.purpose,
        identifiers: q.identifiers,
        ...(kind === 'lookup'
          ? { recordType: q.recordType, fields: q.fields }
          : { checkKey: q.checkKey }),
      };
      const answer =
        kind === 'lookup'
          ? await w.exchange.queries.lookup(actor, input)
          : await w.exchange.queries.check(actor, input as CheckInput);
      return { answer, agreementId: answer.agreement.agreementId };
    });

  return { identity, trust, inbox, outbox, link, started: () => directories.tellFeatures(outbox) };
}
