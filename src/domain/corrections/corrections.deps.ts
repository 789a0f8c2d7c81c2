// What the corrections module needs from the rest of Accord, and recording one change in both
// organisations' audit logs (the sender's and the recipient's), as transfers do.
import type { Executor, Tx } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import type { ExchangeFederation } from '../exchange/delivery.ts';
import type { ExchangeKeys } from '../exchange/exchange-keys.ts';
import type { NotificationsService } from '../exchange/notifications.service.ts';
import type { KeyService } from '../keys/key.service.ts';
import type { NodeKeys } from '../node/node-keys.ts';
import type { RecordsService } from '../records/records.service.ts';
import type { HoldsService } from '../rights/holds.service.ts';
import type { CorrectionNoticeTable } from './corrections.table.ts';

/** Days a partner has to apply or dispute a notice before it shows as overdue. */
export const ACKNOWLEDGE_DAYS = 30;

export interface CorrectionsDeps {
  ctx: DomainContext;
  keys: NodeKeys;
  keyring: KeyService;
  exchangeKeys: ExchangeKeys;
  records: RecordsService;
  holds: HoldsService;
  notifications: NotificationsService;
  /** Partner nodes, or ONE_NODE (set once federation is wired). */
  federation: ExchangeFederation;
  orgName(ex: Executor, orgId: string): Promise<string | undefined>;
  /** Adds a line to the sender's request timeline (an acknowledgement, a dispute). */
  requestEvent(
    ex: Executor,
    orgId: string,
    requestId: string,
    by: string,
    kind: string,
    note: string,
  ): Promise<void>;
}

export function auditBoth(
  d: CorrectionsDeps,
  tx: Tx,
  n: Pick<CorrectionNoticeTable, 'notice_id' | 'org_id' | 'recipient_org_id' | 'purpose'>,
  actor: string,
  action: string,
  details: Record<string, unknown>,
  outcome = 'ok',
): void {
  for (const [orgId, side] of [
    [n.org_id, 'sender'],
    [n.recipient_org_id, 'recipient'],
  ] as const)
    d.ctx.audit.record(tx, {
      orgId,
      actor,
      action,
      target: `correction:${n.notice_id}`,
      purpose: n.purpose,
      outcome,
      details: { side, ...details },
    });
}
