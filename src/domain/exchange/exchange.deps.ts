// What the exchange services need from the rest of Accord, and helpers they share: recording a
// change in both organisations' audit logs, and turning a refused share decision into its error.
import type { Executor, Tx } from '../../store/store.ts';
import { PolicyIndex } from '../agreements/compile.ts';
import type { ShareDecision } from '../agreements/decide-share.ts';
import type { SharingPolicy } from '../agreements/sharing-policy.service.ts';
import type { DomainContext } from '../context.ts';
import type { KeyService } from '../keys/key.service.ts';
import type { NodeKeys } from '../node/node-keys.ts';
import type { AssetsService } from '../records/assets.service.ts';
import type { RecordTypesService } from '../records/record-types.service.ts';
import type { ExchangeFederation } from './delivery.ts';
import type { ExchangeKeys } from './exchange-keys.ts';
import type { TransferTable } from './exchange.table.ts';
import type { NotificationsService } from './notifications.service.ts';
import type { RecordSource } from './record-source.ts';
import type { AccuracyHooks } from './transfer-accuracy.ts';

export interface ExchangeDeps {
  ctx: DomainContext;
  keys: NodeKeys;
  keyring: KeyService;
  exchangeKeys: ExchangeKeys;
  source: RecordSource;
  sharing: SharingPolicy;
  assets: AssetsService;
  recordTypes: RecordTypesService;
  notifications: NotificationsService;
  /** Accuracy flags that travel with transfers and check answers (absent: none travel). */
  accuracy?: AccuracyHooks;
  /** Partner nodes, or ONE_NODE (set once federation is wired). */
  federation: ExchangeFederation;
  orgName(ex: Executor, orgId: string): Promise<string | undefined>;
}

/** Records one change in the sender's and the recipient's audit logs, with the work. */
export function auditBoth(
  d: ExchangeDeps,
  tx: Tx,
  t: Pick<TransferTable, 'transfer_id' | 'org_id' | 'recipient_org_id' | 'purpose'>,
  actor: string,
  action: string,
  details: Record<string, unknown> = {},
  outcome = 'ok',
): void {
  for (const [orgId, side] of [
    [t.org_id, 'sender'],
    [t.recipient_org_id, 'recipient'],
  ] as const)
    d.ctx.audit.record(tx, {
      orgId,
      actor,
      action,
      target: `transfer:${t.transfer_id}`,
      purpose: t.purpose,
      outcome,
      details: { side, ...details },
    });
}

/** The same refusal in both logs, after the work rolled back (a tampered transfer, a lost race). */
export async function auditBothNow(
  d: ExchangeDeps,
  t: Pick<TransferTable, 'transfer_id' | 'org_id' | 'recipient_org_id' | 'purpose'>,
  actor: string,
  action: string,
  details: Record<string, unknown>,
): Promise<void> {
  await d.ctx.store.transaction(async (tx) =>
    auditBoth(d, tx, t, actor, action, details, 'refused'),
  );
}

export { shareError } from '../agreements/sharing-policy.service.ts';

/** The decision as it is written in the audit log. */
export function decisionDetails(d: ShareDecision): Record<string, unknown> {
  return {
    decision: d.allow ? 'allow' : 'deny',
    agreement: d.agreement,
    clause: d.clause,
    fields: d.fields,
    reason: d.reason,
  };
}

/** The policy index narrowed to one agreement: a transfer is decided under the agreement chosen. */
export function onlyAgreement(index: PolicyIndex, agreementId: string): PolicyIndex {
  return new PolicyIndex(index.versions.filter((v) => v.agreementId === agreementId));
}
