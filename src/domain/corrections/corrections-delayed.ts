// A correction notice, or the answer to one, that could not reach the partner's node: the
// outbox gave up on it. Whoever sent it is told, so that nobody takes the partner's silence for
// an answer: it goes again, in order, once the partner's node is heard from (or, refused for
// good, not at all).
import type { Tx } from '../../store/store.ts';
import type { CorrectionsDeps } from './corrections.deps.ts';

export async function tellDelayed(
  d: CorrectionsDeps,
  tx: Tx,
  kind: 'correction.notice' | 'correction.answered',
  noticeId: string,
  error: { code: string },
  ranOut: boolean,
): Promise<void> {
  const n = await tx.db
    .selectFrom('correction_notice')
    .selectAll()
    .where('notice_id', '=', noticeId)
    .executeTakeFirst();
  if (!n) return;
  const name = async (orgId: string) => (await d.orgName(tx, orgId)) ?? orgId;
  const where = `transfer ${n.transfer_id.slice(0, 8)} line ${n.line}`;
  // The notice is told to its sender; the answer to the organisation that answered it.
  const [orgId, what] =
    kind === 'correction.notice'
      ? [
          n.org_id,
          `Your correction notice (${where}) has not reached ${await name(n.recipient_org_id)}`,
        ]
      : [
          n.recipient_org_id,
          `Your answer to the correction notice from ${await name(n.org_id)} (${where}) has not reached it`,
        ];
  const then = ranOut
    ? 'It is sent again, in order, as soon as that node is heard from.'
    : 'It will not be sent again: ask that node’s administrators why their node refuses it.';
  await d.notifications.notify(
    tx,
    orgId,
    'correction-delayed',
    n.transfer_id,
    `${what}: its node could not be reached (${error.code}). ${then}`,
  );
}
