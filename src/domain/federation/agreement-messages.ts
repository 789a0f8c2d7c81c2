// Agreements across nodes: a proposal, a party's decision or a control goes to every other node
// hosting a party, and is applied there by the agreements module with its own checks and audit.
// A proposal a party's node refuses is rejected on the proposer's node, which tells the other
// parties' nodes, so no one waits for approvals that can never come.
import type { Executor, Tx } from '../../store/store.ts';
import type { AgreementsService } from '../agreements/agreements.service.ts';
import type {
  HostOf,
  SharedControl,
  SharedDecision,
  SharedRefusal,
  SharedVersion,
} from '../agreements/agreements.federated.ts';
import {
  exportControl,
  exportDecision,
  exportProposal,
  partiesHere,
} from '../agreements/agreements.federated.ts';
import { AGREEMENT_REFUSALS } from './features.ts';
import type { Inbox } from './inbox.ts';
import type { Outbox } from './outbox.ts';

/** What each agreement message carries, as its parties are told when it cannot be delivered. */
const CARRIES: Record<string, string> = {
  'agreement.proposed': 'proposal',
  'agreement.decided': 'approval or rejection',
  'agreement.controlled': 'suspension, resumption or termination',
  'agreement.refused': 'news that a party’s node refused it',
};

/** Tells an organisation hosted here something (an in-app notification and its webhook). */
export type Notify = (tx: Tx, orgId: string, kind: string, message: string) => Promise<void>;

export function wireAgreements(
  agreements: AgreementsService,
  inbox: Inbox,
  outbox: Outbox,
  hostOf: HostOf,
  knows: (ex: Executor, nodeId: string, feature: string) => Promise<boolean>,
  notify: Notify,
  nodeName: (ex: Executor, nodeId: string) => Promise<string>,
): void {
  // Agreements: a proposal, or a party's decision, goes to every other node hosting a party.
  agreements.onShare(async (tx: Tx, e) => {
    const nodes = new Set<string>();
    for (const orgId of e.parties) {
      const n = await hostOf(tx, orgId);
      if (n) nodes.add(n);
    }
    if (e.kind === 'refused') {
      // To the other parties' nodes (the refusing one knows), those that take the message.
      nodes.delete(e.refusal.node);
      for (const n of nodes)
        if (await knows(tx, n, AGREEMENT_REFUSALS))
          await outbox.enqueue(tx, n, 'agreement.refused', e.refusal);
      return;
    }
    for (const n of nodes)
      await outbox.enqueue(
        tx,
        n,
        `agreement.${e.kind}`,
        e.kind === 'proposed'
          ? await exportProposal(tx, e.versionId)
          : e.kind === 'decided'
            ? await exportDecision(tx, e.versionId, hostOf)
            : await exportControl(tx, e.versionId, e.action),
      );
  });
  // A partner away for longer than the retries still gets each change once it is back; meanwhile
  // the parties here are told that it has not got it, so nobody takes its silence for consent.
  for (const kind of Object.keys(CARRIES)) {
    outbox.resendsOnContact(kind);
    outbox.gaveUp(kind, async (tx, row, error, ranOut) => {
      const body = JSON.parse(row.body) as {
        versionId?: string;
        version?: { version_id?: string };
      };
      const here = await partiesHere(tx, body.versionId ?? body.version?.version_id ?? '');
      if (!here) return;
      const node = await nodeName(tx, row.node_id);
      const message =
        `Agreement ${here.reference} (version ${here.version}): the ${CARRIES[kind]} has not ` +
        `reached ${node}, the node of another party (${error.code}). ` +
        (ranOut
          ? 'It is sent again, with any later change for that node, in order, as soon as that node is heard from; until then its parties do not have it.'
          : 'It will not be sent again: ask that node’s administrators why their node refuses it (it may no longer trust this one).');
      for (const orgId of here.orgIds) await notify(tx, orgId, 'agreement-undelivered', message);
    });
  }
  inbox.handle('agreement.proposed', (m, from) =>
    agreements.approvals.receiveProposal(from.node_id, hostOf, m.body as SharedVersion),
  );
  // A partner refused a proposal (say, it names a field its record type does not have).
  outbox.answered('agreement.proposed', async (tx, row, answer) => {
    if (answer.ok) return;
    const versionId = (JSON.parse(row.body) as Partial<SharedVersion>).version?.version_id;
    if (versionId)
      await agreements.approvals.proposalRefused(tx, row.node_id, versionId, answer.error);
  });
  inbox.handle('agreement.controlled', (m, from) =>
    agreements.approvals.receiveControl(from.node_id, hostOf, m.body as SharedControl),
  );
  inbox.handle('agreement.decided', (m, from) =>
    agreements.approvals.receiveDecision(from.node_id, hostOf, m.body as SharedDecision),
  );
  // A proposal another party's node refused, as the proposer's node tells it.
  inbox.handle('agreement.refused', (m, from) =>
    agreements.approvals.receiveRefusal(from.node_id, hostOf, m.body as SharedRefusal),
  );
}
