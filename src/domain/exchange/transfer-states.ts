// The transfer state machine: draft → ready → delivered → opened → acknowledged | rejected, with
// recall by the sender before opening and expiry when unacknowledged. Every change is one
// conditional UPDATE, so of two racing changes (a recall and an open) exactly one wins.
import { AccordError } from '../../errors.ts';
import type { Tx } from '../../store/store.ts';
import type { TransferTable } from './exchange.table.ts';

export const STATES = [
  'draft',
  'ready',
  'delivered',
  'opened',
  'acknowledged',
  'rejected',
  'recalled',
  'expired',
] as const;
export type TransferState = (typeof STATES)[number];

export const STEPS = {
  ready: { from: ['draft'], to: 'ready', verb: 'made ready' },
  deliver: { from: ['ready'], to: 'delivered', verb: 'delivered' },
  recall: { from: ['draft', 'ready', 'delivered'], to: 'recalled', verb: 'recalled' },
  open: { from: ['delivered'], to: 'opened', verb: 'opened' },
  acknowledge: { from: ['opened'], to: 'acknowledged', verb: 'acknowledged' },
  reject: { from: ['delivered', 'opened'], to: 'rejected', verb: 'rejected' },
  expire: { from: ['ready', 'delivered', 'opened'], to: 'expired', verb: 'expired' },
} as const satisfies Record<
  string,
  { from: readonly TransferState[]; to: TransferState; verb: string }
>;
export type Step = keyof typeof STEPS;

/** A coded error for a change the current state does not allow. */
export function illegal(step: Step, state: string): AccordError {
  return new AccordError(
    'TRANSFER_STATE',
    `The transfer is ${state}, so it cannot be ${STEPS[step].verb}${
      step === 'recall' && state === 'opened' ? ': the recipient has already opened it' : ''
    }.`,
  );
}

/**
 * Moves a transfer on by one step if its state still allows it; returns false when another
 * change got there first (or the state never allowed it).
 */
export async function advance(
  tx: Tx,
  transferId: string,
  step: Step,
  set: Partial<TransferTable>,
  at: string,
): Promise<boolean> {
  const r = await tx.db
    .updateTable('transfer')
    .set({ ...set, state: STEPS[step].to, updated_at: at })
    .where('transfer_id', '=', transferId)
    .where('state', 'in', [...STEPS[step].from])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** What the sender or recipient should do next, in words. */
export function nextStep(
  state: string,
  side: 'sender' | 'recipient',
  progress?: { held: number | null; of: number },
): string {
  if (side === 'sender' && state === 'ready' && progress?.held != null)
    return `On its way: the partner's node holds ${progress.held} of ${progress.of} chunks. Wait, or recall it; if it stops moving, send it again`;
  if (side === 'sender')
    return (
      {
        draft: 'Check the draft, then send it',
        ready: 'Signed but not yet delivered: send it again to finish, or recall it',
        delivered: 'Waiting for the recipient to open it; you can still recall it',
        opened: 'Waiting for the recipient to acknowledge it',
        acknowledged: 'Nothing: the recipient has acknowledged it',
        rejected: 'Read the reason, correct the records and send again if still needed',
        recalled: 'Nothing: you recalled it',
        expired: 'Send it again if it is still needed',
      }[state] ?? ''
    );
  return (
    {
      delivered: 'Open it into one of your assets, or reject it',
      opened: 'Check what arrived, then acknowledge or reject it',
      acknowledged: 'Nothing: you acknowledged it',
      rejected: 'Nothing: you rejected it',
      recalled: 'Nothing: the sender recalled it',
      expired: 'Nothing: it expired; ask the sender to send it again if needed',
    }[state] ?? ''
  );
}
