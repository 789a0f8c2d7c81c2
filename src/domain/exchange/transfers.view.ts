// Transfers as each side sees them: the inbox (what was sent to the organisation, once
// delivered) and the outbox (what it sent), with states, counts, deadlines and the next step.
import { AccordError } from '../../errors.ts';
import type { Executor } from '../../store/store.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { Gate } from '../policy/gate.ts';
import type { ExchangeDeps } from './exchange.deps.ts';
import type { TransferTable } from './exchange.table.ts';
import { STATES, nextStep } from './transfer-states.ts';

export interface Transfer {
  id: string;
  /** Which side the viewer is on. */
  side: 'sender' | 'recipient';
  sender: { orgId: string; name: string };
  recipient: { orgId: string; name: string };
  agreement: { agreementId: string; reference: string };
  purpose: string;
  recordType: string;
  fields: string[];
  selection: string;
  state: string;
  recordCount: number;
  chunkCount: number;
  /** Sender's side, sent to a partner node: chunks the partner holds so far (null otherwise). */
  chunksHeld: number | null;
  bytes: number;
  reason: string | null;
  recipientAssetId: string | null;
  createdAt: string;
  deliveredAt: string | null;
  /** When it expires unless acknowledged. */
  expiresAt: string | null;
  openedAt: string | null;
  closedAt: string | null;
  nextStep: string;
  /** What the viewer's side may do now: ready, recall, open, acknowledge, reject. */
  actions: string[];
}

export interface TransferList {
  transfers: Transfer[];
  counts: Record<string, number>;
}

/** States the recipient sees: a draft or a transfer not yet delivered does not exist for them. */
export const VISIBLE_TO_RECIPIENT = [
  'delivered',
  'opened',
  'acknowledged',
  'rejected',
  'recalled',
  'expired',
];

function actionsFor(state: string, side: 'sender' | 'recipient'): string[] {
  if (side === 'sender')
    return state === 'draft'
      ? ['ready', 'recall']
      : state === 'ready'
        ? ['ready', 'recall']
        : state === 'delivered'
          ? ['recall']
          : [];
  return state === 'delivered'
    ? ['open', 'reject']
    : state === 'opened'
      ? ['acknowledge', 'reject']
      : [];
}

export class TransferViews {
  constructor(private readonly d: ExchangeDeps) {}

  async toView(ex: Executor, r: TransferTable, orgId: string): Promise<Transfer> {
    const side = r.org_id === orgId ? 'sender' : 'recipient';
    return {
      id: r.transfer_id,
      side,
      sender: { orgId: r.org_id, name: (await this.d.orgName(ex, r.org_id)) ?? '' },
      recipient: {
        orgId: r.recipient_org_id,
        name: (await this.d.orgName(ex, r.recipient_org_id)) ?? '',
      },
      agreement: { agreementId: r.agreement_id, reference: r.agreement_ref },
      purpose: r.purpose,
      recordType: r.record_type,
      fields: JSON.parse(r.fields) as string[],
      selection: r.selection,
      state: r.state,
      recordCount: r.record_count,
      chunkCount: r.chunk_count,
      chunksHeld: side === 'sender' ? r.chunks_held : null,
      bytes: Number(r.byte_count),
      reason: r.reason,
      recipientAssetId: r.recipient_asset_id,
      createdAt: r.created_at,
      deliveredAt: r.delivered_at,
      expiresAt: r.expires_at,
      openedAt: r.opened_at,
      closedAt: r.closed_at,
      nextStep: nextStep(r.state, side, { held: r.chunks_held, of: r.chunk_count }),
      actions: actionsFor(r.state, side),
    };
  }

  /** The transfer row if the actor's organisation is a party that may see it now, else NOT_FOUND. */
  static async visible(ex: Executor, transferId: string, orgId: string): Promise<TransferTable> {
    const r = await ex.db
      .selectFrom('transfer')
      .selectAll()
      .where('transfer_id', '=', transferId)
      .executeTakeFirst();
    if (
      !r ||
      !(
        r.org_id === orgId ||
        (r.recipient_org_id === orgId && VISIBLE_TO_RECIPIENT.includes(r.state))
      )
    )
      throw new AccordError('NOT_FOUND');
    return r;
  }

  private async read(gate: Gate, ref: string): Promise<void> {
    gate.require('exchange.read', { orgId: gate.actor.orgId, ref });
  }

  async list(actor: Actor, box: 'inbox' | 'outbox', limit = 200): Promise<TransferList> {
    return withAccess(this.d.ctx, actor, async (gate) => {
      await this.read(gate, `exchange:${box}`);
      const from = gate.tx.db.selectFrom('transfer');
      // One scope for the list and the counts, so the two never disagree about what is in the box.
      const mine =
        box === 'outbox'
          ? from.where('org_id', '=', actor.orgId)
          : from
              .where('recipient_org_id', '=', actor.orgId)
              .where('state', 'in', VISIBLE_TO_RECIPIENT);
      const rows = await mine.selectAll().orderBy('created_at', 'desc').limit(limit).execute();
      // Counted in the database, not from the rows listed: the list stops at `limit`, the box does not.
      const byState = await mine
        .select(['state', (eb) => eb.fn.countAll().as('n')])
        .groupBy('state')
        .execute();
      const counts: Record<string, number> = Object.fromEntries(STATES.map((s) => [s, 0]));
      // Kysely types a count as number | string | bigint; the store gives numbers in both dialects.
      for (const c of byState) counts[c.state] = Number(c.n);
      const transfers: Transfer[] = [];
      for (const r of rows) transfers.push(await this.toView(gate.tx, r, actor.orgId));
      return { transfers, counts };
    });
  }

  async get(actor: Actor, transferId: string): Promise<Transfer> {
    return withAccess(this.d.ctx, actor, async (gate) => {
      const r = await gate.tx.db
        .selectFrom('transfer')
        .select(['org_id', 'recipient_org_id', 'state'])
        .where('transfer_id', '=', transferId)
        .executeTakeFirst();
      const party =
        r && r.recipient_org_id === actor.orgId && VISIBLE_TO_RECIPIENT.includes(r.state)
          ? r.recipient_org_id
          : (r?.org_id ?? '');
      gate.require('exchange.read', { orgId: party, ref: `transfer:${transferId}` });
      return this.toView(
        gate.tx,
        await TransferViews.visible(gate.tx, transferId, actor.orgId),
        actor.orgId,
      );
    });
  }
}
