// Transfers (push) between organisations on this node. The sender picks records, an agreement
// and a purpose; each record is projected onto the fields the decision allows, encrypted to the
// recipient in chunks, and described by a manifest the node signs when the sender makes it ready.
// Every change of state is one conditional update, audited in both organisations' logs.
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Tx } from '../../store/store.ts';
import { faultPoint } from '../faults.ts';
import type { Actor } from '../policy/actor.ts';
import { nodeActor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { Gate } from '../policy/gate.ts';
import { sealedDigest, signJws } from './envelope.ts';
import type { Manifest } from './envelope.ts';
import { auditBoth } from './exchange.deps.ts';
import type { ExchangeDeps } from './exchange.deps.ts';
import type { TransferTable } from './exchange.table.ts';
import { createTransfer } from './transfer-create.ts';
import { openTransfer } from './transfer-open.ts';
import type { TransferInput } from './transfer-create.ts';
import { createTransferFromFile } from './transfer-upload.ts';
import type { UploadInput } from './transfer-upload.ts';
import { STEPS, advance, illegal } from './transfer-states.ts';
import type { Step } from './transfer-states.ts';
import { TransferDelivery } from './transfer-delivery.ts';
import { RemoteTransfers } from './transfer-remote.ts';
import { TransferViews } from './transfers.view.ts';
import type { Transfer } from './transfers.view.ts';

export type { TransferInput } from './transfer-create.ts';
export type { UploadInput } from './transfer-upload.ts';

export class TransfersService {
  readonly views: TransferViews;
  private readonly remote: RemoteTransfers;
  private readonly delivery: TransferDelivery;

  constructor(private readonly d: ExchangeDeps) {
    this.views = new TransferViews(d);
    this.remote = new RemoteTransfers(d);
    this.delivery = new TransferDelivery(d, this, this.views, this.remote);
  }

  private now(): string {
    return this.d.ctx.clock().toISOString();
  }

  /** Picks, projects and seals the records into a draft; refused with nothing stored but the audit entry. */
  async create(actor: Actor, input: TransferInput): Promise<Transfer> {
    return createTransfer(this.d, this.views, actor, input);
  }

  /** Reads, checks, projects and seals an uploaded file's rows into a draft: all rows or nothing. */
  async createFromFile(actor: Actor, input: UploadInput): Promise<Transfer> {
    return createTransferFromFile(this.d, this.views, actor, input);
  }

  /** Verifies and imports it into one of the recipient's assets, all or nothing. */
  async open(actor: Actor, id: string, assetId: string): Promise<Transfer> {
    const opened = await openTransfer(this.d, this.views, actor, id, assetId);
    faultPoint('transfer.opened');
    return opened;
  }

  /** Loads a transfer for one side, deciding the permission against that side's organisation. */
  async party(gate: Gate, id: string, side: 'sender' | 'recipient'): Promise<TransferTable> {
    const r = await gate.tx.db
      .selectFrom('transfer')
      .selectAll()
      .where('transfer_id', '=', id)
      .executeTakeFirst();
    const orgId = side === 'sender' ? r?.org_id : r?.recipient_org_id;
    gate.require(
      side === 'sender' ? 'exchange.send' : 'exchange.receive',
      { orgId: orgId ?? '', ref: `transfer:${id}` },
      { purpose: r?.purpose ?? null },
    );
    return TransferViews.visible(gate.tx, id, gate.actor.orgId);
  }

  /** One step for one side; an illegal change is refused with a coded error, and audited. */
  async step(
    actor: Actor,
    id: string,
    step: Step,
    side: 'sender' | 'recipient',
    set: Partial<TransferTable>,
    after?: (tx: Tx, before: TransferTable) => Promise<void>,
  ): Promise<Transfer> {
    return withAccess(this.d.ctx, actor, async (gate) => {
      const before = await this.party(gate, id, side);
      const at = this.now();
      if (!(await advance(gate.tx, id, step, { ...set }, at))) {
        const now = await gate.tx.db
          .selectFrom('transfer')
          .select('state')
          .where('transfer_id', '=', id)
          .executeTakeFirstOrThrow();
        gate.refuse(
          illegal(step, now.state),
          `exchange.transfer.${step}`,
          `transfer:${id}`,
          { state: now.state },
          before.purpose,
          // A lost race (a recall after opening, say) is seen by both parties.
          [
            { orgId: before.org_id, side: 'sender' },
            { orgId: before.recipient_org_id, side: 'recipient' },
          ],
        );
      }
      auditBoth(this.d, gate.tx, before, actor.ref, `exchange.transfer.${STEPS[step].to}`, {
        from: before.state,
        ...(set.reason ? { reason: set.reason } : {}),
      });
      await after?.(gate.tx, before);
      if (step !== 'deliver') await this.remote.report(gate.tx, before, step, set.reason ?? null);
      faultPoint(`transfer.${step}.end`);
      const row = await gate.tx.db
        .selectFrom('transfer')
        .selectAll()
        .where('transfer_id', '=', id)
        .executeTakeFirstOrThrow();
      return this.views.toView(gate.tx, row, actor.orgId);
    });
  }

  /**
   * Signs the manifest (the draft is complete: every chunk present), then delivers it. A transfer
   * signed before whose delivery was cut short (the process stopped between the two) is
   * delivered now: sending again resumes it.
   */
  async ready(actor: Actor, id: string): Promise<Transfer> {
    await withAccess(this.d.ctx, actor, async (gate) => {
      const t = await this.party(gate, id, 'sender');
      // Signed before and not yet delivered: sending again resumes it (to a partner node, from
      // the chunks the partner does not hold yet).
      if (t.state === 'ready') {
        auditBoth(this.d, gate.tx, t, actor.ref, 'exchange.transfer.resumed', {});
        return;
      }
      const chunks = await gate.tx.db
        .selectFrom('transfer_chunk')
        .select(['chunk_index', 'record_count'])
        .where('transfer_id', '=', id)
        .execute();
      const manifest = JSON.parse(t.manifest) as Manifest;
      if (
        t.state === 'draft' &&
        (chunks.length !== manifest.chunks.length ||
          chunks.reduce((s, c) => s + c.record_count, 0) !== manifest.recordCount)
      )
        gate.refuse(
          new AccordError('TRANSFER_TAMPERED', 'The draft is incomplete: chunks are missing.'),
          'exchange.transfer.ready',
          `transfer:${id}`,
          {},
          t.purpose,
        );
      // A draft sealed before chunks carried their sealed digest gets them now, before signing.
      if (t.state === 'draft' && manifest.chunks.some((c) => !c.sealed)) {
        for (const c of manifest.chunks) {
          const { jwe } = await gate.tx.db
            .selectFrom('transfer_chunk')
            .select('jwe')
            .where('transfer_id', '=', id)
            .where('chunk_index', '=', c.index)
            .executeTakeFirstOrThrow();
          c.sealed = sealedDigest(jwe);
        }
        await gate.tx.db
          .updateTable('transfer')
          .set({ manifest: JSON.stringify(manifest) })
          .where('transfer_id', '=', id)
          .execute();
      }
      const at = this.now();
      if (
        !(await advance(
          gate.tx,
          id,
          'ready',
          {
            manifest_jws: signJws(this.d.keys, manifest, 'accord-manifest+jws'),
            ready_at: at,
            // A deadline from the start: one that never reaches the partner's node expires too
            // (the sender is told); delivery sets the recipient's own.
            expires_at: new Date(
              Date.parse(at) + this.d.ctx.config.transferExpiryDays * 86_400_000,
            ).toISOString(),
          },
          at,
        ))
      )
        gate.refuse(
          illegal('ready', t.state),
          'exchange.transfer.ready',
          `transfer:${id}`,
          { state: t.state },
          t.purpose,
        );
      auditBoth(this.d, gate.tx, t, actor.ref, 'exchange.transfer.ready', {
        digest: manifest.digest,
        keyId: this.d.keys.keyId,
      });
      faultPoint('transfer.ready.end');
    });
    faultPoint('transfer.readied');
    return this.delivery.deliver(actor, id);
  }

  /** The sender takes it back before it is opened; the sealed payload is destroyed. */
  async recall(actor: Actor, id: string): Promise<Transfer> {
    await this.delivery.recallAtPartner(actor, id);
    return this.step(actor, id, 'recall', 'sender', { closed_at: this.now() }, async (tx, t) => {
      await tx.db.deleteFrom('transfer_chunk').where('transfer_id', '=', id).execute();
      if (t.state === 'delivered')
        await this.d.notifications.notify(
          tx,
          t.recipient_org_id,
          'recalled',
          id,
          `${await this.d.orgName(tx, t.org_id)} recalled transfer ${id.slice(0, 8)} before it was opened.`,
        );
    });
  }

  async acknowledge(actor: Actor, id: string): Promise<Transfer> {
    const done = await this.step(
      actor,
      id,
      'acknowledge',
      'recipient',
      { closed_at: this.now() },
      async (tx, t) => {
        await this.d.notifications.notify(
          tx,
          t.org_id,
          'acknowledged',
          id,
          `${await this.d.orgName(tx, t.recipient_org_id)} acknowledged transfer ${id.slice(0, 8)}.`,
        );
      },
    );
    faultPoint('transfer.acknowledged');
    return done;
  }

  /** The recipient refuses it, with a reason; anything already imported from it is removed. */
  async reject(actor: Actor, id: string, reason: string): Promise<Transfer> {
    if (!reason?.trim())
      assertNoProblems([{ field: 'reason', message: 'Say why you are rejecting the transfer' }]);
    return this.step(
      actor,
      id,
      'reject',
      'recipient',
      { closed_at: this.now(), reason: reason.trim().slice(0, 1000) },
      async (tx, t) => {
        if (t.state === 'opened')
          await tx.db
            .deleteFrom('record')
            .where('org_id', '=', t.recipient_org_id)
            .where('source', '=', `transfer:${id}`)
            .execute();
        await tx.db.deleteFrom('transfer_chunk').where('transfer_id', '=', id).execute();
        await this.d.notifications.notify(
          tx,
          t.org_id,
          'rejected',
          id,
          `${await this.d.orgName(tx, t.recipient_org_id)} rejected transfer ${id.slice(0, 8)}: ${reason.trim()}`,
        );
      },
    );
  }

  /** Expires every transfer left unacknowledged past its deadline, telling the sender. */
  async expireDue(): Promise<number> {
    const now = this.now();
    const due = await this.d.ctx.store.db
      .selectFrom('transfer')
      .select(['transfer_id', 'org_id'])
      .where('state', 'in', [...STEPS.expire.from])
      .where('expires_at', '<=', now)
      .execute();
    let n = 0;
    for (const t of due) {
      const done = await this.d.ctx.store.transaction(async (tx) => {
        const row = await tx.db
          .selectFrom('transfer')
          .selectAll()
          .where('transfer_id', '=', t.transfer_id)
          .executeTakeFirstOrThrow();
        if (!(await advance(tx, t.transfer_id, 'expire', { closed_at: now }, now))) return false;
        auditBoth(this.d, tx, row, nodeActor(t.org_id).ref, 'exchange.transfer.expired', {
          from: row.state,
          deadline: row.expires_at,
        });
        await tx.db.deleteFrom('transfer_chunk').where('transfer_id', '=', t.transfer_id).execute();
        await this.d.notifications.notify(
          tx,
          row.org_id,
          'expired',
          row.transfer_id,
          `Transfer ${row.transfer_id.slice(0, 8)} to ${await this.d.orgName(tx, row.recipient_org_id)} expired unacknowledged on ${now.slice(0, 10)}.`,
        );
        // The recipient too, once it had it: what it opened is kept, but can no longer be
        // acknowledged; what it did not open is gone.
        if (row.state !== 'ready')
          await this.d.notifications.notify(
            tx,
            row.recipient_org_id,
            'expired',
            row.transfer_id,
            `Transfer ${row.transfer_id.slice(0, 8)} from ${await this.d.orgName(tx, row.org_id)} expired on ${now.slice(0, 10)} before it was ${row.state === 'opened' ? 'acknowledged' : 'opened'}.`,
          );
        return true;
      });
      if (done) n++;
    }
    // Arriving from a partner that stopped sending: the staged chunks go (none was ever visible).
    await this.remote.inbound.purgeStale();
    return n;
  }
}
