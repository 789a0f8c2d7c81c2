// A transfer arriving from a partner node, chunk by chunk. The offer (the transfer as the sender
// holds it, with its signed manifest) is verified against the sending node's key and staged; the
// answer names the chunks already held, so a sender resuming after an interruption sends only the
// others. Each chunk is checked on its own against the SHA-256 of its sealed text in the signed
// manifest before it is staged (a bad one is refused, audited, and nothing is kept). Staged
// transfers are in no inbox: the transfer becomes delivered, and visible, in the one transaction
// that stores its last chunk.
import { AccordError } from '../../errors.ts';
import type { Tx } from '../../store/store.ts';
import { faultPoint } from '../faults.ts';
import { sealedDigest } from './envelope.ts';
import type { Manifest } from './envelope.ts';
import { auditBoth, auditBothNow } from './exchange.deps.ts';
import type { ExchangeDeps } from './exchange.deps.ts';
import type { TransferInboundTable, TransferTable } from './exchange.table.ts';
import { headerOf, notAgreed, verifiedManifest } from './transfer-messages.ts';
import type { Arrival, ChunkMessage, OfferMessage } from './transfer-messages.ts';

const DAY = 86_400_000;

type Header = OfferMessage['transfer'];
type StagedChunk = { count: number; sealed: string };

export class InboundTransfers {
  constructor(private readonly d: ExchangeDeps) {}

  /** The offer of a transfer: verified and staged (once); answers with the chunks held. */
  async offer(fromNode: string, m: OfferMessage): Promise<Arrival> {
    const t = headerOf(m?.transfer);
    let refusal: AccordError | undefined;
    try {
      return await this.d.ctx.store.transaction(async (tx) => {
        // Who is asking comes first: a node that does not host the sender learns nothing.
        if ((await this.d.federation.nodeOf(tx, t.org_id)) !== fromNode)
          throw new AccordError(
            'FORBIDDEN',
            'That node does not speak for the sending organisation.',
          );
        const done = await this.existing(tx, t.transfer_id, t.org_id);
        if (done) return done;
        const staged = await tx.db
          .selectFrom('transfer_inbound')
          .select(['org_id'])
          .where('transfer_id', '=', t.transfer_id)
          .executeTakeFirst();
        if (staged) {
          if (staged.org_id !== t.org_id) throw new AccordError('CONFLICT', 'Transfer id in use.');
          return { state: 'staged', have: await this.held(tx, t.transfer_id) };
        }
        const manifest = await verifiedManifest(this.d, tx, t);
        // Decided here too, before anything is staged: the sender's node decided it, but this node
        // keeps the recipient's copy of the agreement and answers for what it lets in (a record
        // type or field the agreement does not cover, a suspended or ended agreement).
        refusal = await notAgreed(this.d, tx, t, manifest);
        if (refusal) throw refusal;
        const at = this.d.ctx.clock().toISOString();
        await tx.db
          .insertInto('transfer_inbound')
          .values({
            transfer_id: t.transfer_id,
            org_id: t.org_id,
            recipient_org_id: t.recipient_org_id,
            node_id: fromNode,
            header: JSON.stringify(t),
            chunks: JSON.stringify(
              manifest.chunks.map((c) => ({ count: c.count, sealed: c.sealed })),
            ),
            chunk_count: manifest.chunks.length,
            received_at: at,
            updated_at: at,
          })
          .execute();
        this.d.ctx.audit.record(tx, {
          orgId: t.recipient_org_id,
          actor: `node:${fromNode}`,
          action: 'exchange.transfer.arriving',
          target: `transfer:${t.transfer_id}`,
          purpose: t.purpose,
          outcome: 'ok',
          details: { chunks: manifest.chunks.length, records: manifest.recordCount },
        });
        return { state: 'staged', have: [] };
      });
    } catch (e) {
      // Refused under the agreement: in both organisations' logs (the sender's node is told by
      // its answer). Refused for anything else, or with no agreement at all between them, the
      // node's own log alone has it (inbox.ts): a partner could otherwise write into the log of
      // any organisation here.
      if (refusal && e === refusal && refusal.code !== 'NOT_FOUND')
        await auditBothNow(this.d, t, `node:${fromNode}`, 'exchange.transfer.offer-refused', {
          code: refusal.code,
          reason: refusal.message,
          via: `node:${fromNode}`,
        });
      throw e;
    }
  }

  /** One sealed chunk: checked against the signed manifest, staged, and the last one delivers. */
  async chunk(fromNode: string, m: ChunkMessage): Promise<Arrival> {
    if (
      typeof m?.transferId !== 'string' ||
      !Number.isInteger(m.index) ||
      typeof m.jwe !== 'string'
    )
      throw new AccordError('VALIDATION_FAILED', 'The transfer chunk is incomplete.');
    const jwe = m.jwe;
    let header: Header | undefined;
    try {
      return await this.d.ctx.store.transaction(async (tx) => {
        // Touching the staged row first holds it: two chunks arriving at once are stored one
        // after the other, so exactly one of them sees the transfer complete.
        const at = this.d.ctx.clock().toISOString();
        await tx.db
          .updateTable('transfer_inbound')
          .set({ updated_at: at })
          .where('transfer_id', '=', m.transferId)
          .where('node_id', '=', fromNode)
          .execute();
        const staged = await tx.db
          .selectFrom('transfer_inbound')
          .selectAll()
          .where('transfer_id', '=', m.transferId)
          .executeTakeFirst();
        if (!staged || staged.node_id !== fromNode) {
          const from = await this.fromNodeOf(tx, m.transferId);
          if (from === fromNode) return (await this.existing(tx, m.transferId))!;
          throw new AccordError('NOT_FOUND', 'No transfer with that id is arriving from you.');
        }
        header = JSON.parse(staged.header) as Header;
        const expected = (JSON.parse(staged.chunks) as StagedChunk[])[m.index];
        if (!expected || sealedDigest(jwe) !== expected.sealed)
          throw new AccordError(
            'TRANSFER_TAMPERED',
            `Chunk ${m.index + 1} does not match the signed manifest.`,
          );
        await this.d.exchangeKeys.refuseIfDestroyed(tx, staged.recipient_org_id, jwe);
        await tx.db
          .insertInto('transfer_inbound_chunk')
          .values({
            transfer_id: m.transferId,
            chunk_index: m.index,
            org_id: staged.org_id,
            record_count: expected.count,
            jwe,
          })
          .onConflict((oc) => oc.columns(['transfer_id', 'chunk_index']).doNothing())
          .execute();
        faultPoint('transfer.chunk.staged');
        const held = await this.count(tx, m.transferId);
        if (held < staged.chunk_count) return { state: 'staged', held };
        return this.complete(tx, staged, header);
      });
    } catch (e) {
      if (e instanceof AccordError && e.code === 'TRANSFER_TAMPERED' && header)
        await auditBothNow(this.d, header, `node:${fromNode}`, 'exchange.transfer.chunk-refused', {
          code: e.code,
          reason: e.message,
          chunk: m.index,
        });
      throw e;
    }
  }

  /** A recall before every chunk arrived: whatever is staged goes, and nothing ever showed. */
  async recallStaged(tx: Tx, fromNode: string, transferId: string): Promise<boolean> {
    const staged = await tx.db
      .selectFrom('transfer_inbound')
      .selectAll()
      .where('transfer_id', '=', transferId)
      .executeTakeFirst();
    if (!staged || staged.node_id !== fromNode) return false;
    await this.drop(tx, staged, `node:${fromNode}`, 'exchange.transfer.recalled');
    return true;
  }

  /** Staged transfers whose sender stopped sending: removed after the expiry period. */
  async purgeStale(): Promise<number> {
    const now = this.d.ctx.clock();
    const before = new Date(
      now.getTime() - this.d.ctx.config.transferExpiryDays * DAY,
    ).toISOString();
    const stale = await this.d.ctx.store.db
      .selectFrom('transfer_inbound')
      .select('transfer_id')
      .where('updated_at', '<', before)
      .execute();
    for (const { transfer_id } of stale)
      await this.d.ctx.store.transaction(async (tx) => {
        const row = await tx.db
          .selectFrom('transfer_inbound')
          .selectAll()
          .where('transfer_id', '=', transfer_id)
          .where('updated_at', '<', before)
          .executeTakeFirst();
        if (row) await this.drop(tx, row, 'node', 'exchange.transfer.expired');
      });
    return stale.length;
  }

  private async drop(
    tx: Tx,
    staged: TransferInboundTable,
    actor: string,
    action: string,
  ): Promise<void> {
    const held = await this.count(tx, staged.transfer_id);
    await tx.db
      .deleteFrom('transfer_inbound_chunk')
      .where('transfer_id', '=', staged.transfer_id)
      .execute();
    await tx.db
      .deleteFrom('transfer_inbound')
      .where('transfer_id', '=', staged.transfer_id)
      .execute();
    const header = JSON.parse(staged.header) as Header;
    auditBoth(this.d, tx, header, actor, action, {
      from: 'arriving',
      chunks: `${held} of ${staged.chunk_count} had arrived; removed`,
    });
  }

  /** Every chunk is here: the transfer moves into the inbox as delivered, in this transaction. */
  private async complete(tx: Tx, staged: TransferInboundTable, t: Header): Promise<Arrival> {
    const now = this.d.ctx.clock();
    const at = now.toISOString();
    const expires = new Date(
      now.getTime() + this.d.ctx.config.transferExpiryDays * DAY,
    ).toISOString();
    const row: TransferTable = {
      ...t,
      state: 'delivered',
      recipient_asset_id: null,
      reason: null,
      delivered_at: at,
      expires_at: expires,
      opened_at: null,
      opened_by: null,
      closed_at: null,
      chunks_held: null,
      updated_at: at,
    };
    await tx.db.insertInto('transfer').values(row).execute();
    await tx.db
      .insertInto('transfer_chunk')
      .columns(['transfer_id', 'chunk_index', 'org_id', 'record_count', 'jwe'])
      .expression(
        tx.db
          .selectFrom('transfer_inbound_chunk')
          .select(['transfer_id', 'chunk_index', 'org_id', 'record_count', 'jwe'])
          .where('transfer_id', '=', t.transfer_id),
      )
      .execute();
    await tx.db
      .deleteFrom('transfer_inbound_chunk')
      .where('transfer_id', '=', t.transfer_id)
      .execute();
    await tx.db.deleteFrom('transfer_inbound').where('transfer_id', '=', t.transfer_id).execute();
    const manifest = JSON.parse(t.manifest) as Partial<Manifest>;
    auditBoth(this.d, tx, row, `node:${staged.node_id}`, 'exchange.transfer.delivered', {
      from: 'ready',
      via: `node:${staged.node_id}`,
      chunks: staged.chunk_count,
      digest: manifest.digest,
    });
    const from = await this.d.orgName(tx, t.org_id);
    await this.d.notifications.notify(
      tx,
      t.recipient_org_id,
      'arrived',
      t.transfer_id,
      `${from} sent you ${t.record_count} ${t.record_type} record${t.record_count === 1 ? '' : 's'} under ${t.agreement_ref} for ${t.purpose}. Open it by ${expires.slice(0, 10)}.`,
    );
    faultPoint('transfer.arrived');
    return { state: 'delivered', expiresAt: expires };
  }

  /** A transfer already in the inbox here (delivered before): its state, answered again. */
  private async existing(tx: Tx, id: string, orgId?: string): Promise<Arrival | undefined> {
    const t = await tx.db
      .selectFrom('transfer')
      .select(['state', 'expires_at', 'org_id'])
      .where('transfer_id', '=', id)
      .executeTakeFirst();
    if (!t) return undefined;
    if (orgId !== undefined && t.org_id !== orgId)
      throw new AccordError('CONFLICT', 'Transfer id in use.');
    return { state: t.state, expiresAt: t.expires_at };
  }

  /** The node that speaks for the sender of a transfer held here, if any. */
  private async fromNodeOf(tx: Tx, id: string): Promise<string | undefined> {
    const t = await tx.db
      .selectFrom('transfer')
      .select('org_id')
      .where('transfer_id', '=', id)
      .executeTakeFirst();
    return t ? this.d.federation.nodeOf(tx, t.org_id) : undefined;
  }

  private async count(tx: Tx, id: string): Promise<number> {
    const { n } = await tx.db
      .selectFrom('transfer_inbound_chunk')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('transfer_id', '=', id)
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  private async held(tx: Tx, id: string): Promise<number[]> {
    const rows = await tx.db
      .selectFrom('transfer_inbound_chunk')
      .select('chunk_index')
      .where('transfer_id', '=', id)
      .orderBy('chunk_index')
      .execute();
    return rows.map((r) => Number(r.chunk_index));
  }
}
