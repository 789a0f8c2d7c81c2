// News from the recipient's node that reaches the sender's node after the sender's copy closed.
// An acknowledgement held in the recipient's outbox while the sender's node was down arrives
// after the sender's copy expired; an open on the recipient's node overtakes a recall the sender
// made while that node was out of reach. Either way the recipient acted first, so both nodes end
// up agreeing on its state, the sender is told, and both logs say the news came late.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../helpers/db.ts';
import { testClock } from '../helpers/clock.ts';
import { peopleAsset } from '../helpers/exchange.ts';
import type { Services } from '../../src/services.ts';
import { actorOn, partners } from './partners.ts';
import type { Partners } from './partners.ts';
import { restartNode } from './nodes.ts';

const DAY = 86_400_000;

forEachDialect('federation: late news of a transfer', (dialect) => {
  const clock = testClock();
  let p: Partners;
  let into = '';
  before(async () => {
    p = await partners(dialect, clock, {}, 6);
    into = await peopleAsset(p.b.services, p.police, 0);
  });
  after(async () => {
    await p?.a.close();
    await p?.b.close();
  });

  const stateOn = async (s: Services, id: string): Promise<string> =>
    (
      await s.store.db
        .selectFrom('transfer')
        .select('state')
        .where('transfer_id', '=', id)
        .executeTakeFirstOrThrow()
    ).state;
  const delivered = async (): Promise<string> => {
    const handler = await actorOn(p.a.services, p.council, 'handler');
    const x = await p.a.services.exchange.transfers.create(handler, {
      recipientOrgId: p.police.orgId,
      agreementId: p.agreementId,
      purpose: 'safeguarding',
      recordType: 'person',
      selection: { kind: 'asset', assetId: p.source },
    });
    await p.a.services.exchange.transfers.ready(handler, x.id);
    await p.a.federation.outbox.flush();
    assert.equal(await stateOn(p.a.services, x.id), 'delivered');
    return x.id;
  };
  const notes = async (kind: string, id: string) =>
    (
      await p.a.services.exchange.notifications.list(
        await actorOn(p.a.services, p.council, 'handler'),
      )
    ).filter((n) => n.kind === kind && n.transferId === id);

  test('acknowledged in time, heard of after the deadline: acknowledged on both nodes', async () => {
    const id = await delivered();
    await p.b.services.exchange.transfers.open(
      await actorOn(p.b.services, p.police, 'handler'),
      id,
      into,
    );
    await p.b.federation.outbox.flush();
    assert.equal(await stateOn(p.a.services, id), 'opened');
    // The council's node is down when the police acknowledge it, and stays down past the deadline.
    await p.a.stop();
    await p.b.services.exchange.transfers.acknowledge(
      await actorOn(p.b.services, p.police, 'handler'),
      id,
    );
    await p.b.federation.outbox.flush();
    clock.advance(15 * DAY);
    try {
      p.a = await restartNode(p.a);
      await p.a.services.exchange.transfers.expireDue();
      assert.equal(await stateOn(p.a.services, id), 'expired', 'the deadline passed here');
      assert.equal((await notes('expired', id)).length, 1);
      // The acknowledgement, retried, arrives.
      await p.b.federation.outbox.flush();
    } finally {
      clock.advance(-15 * DAY);
    }
    assert.equal(await stateOn(p.a.services, id), 'acknowledged');
    assert.equal(await stateOn(p.b.services, id), 'acknowledged');
    const [late] = await p.a.services.audit.list({
      orgId: p.council.orgId,
      action: 'exchange.transfer.late-news',
    });
    assert.equal(late?.details.was, 'expired');
    assert.equal(late?.details.step, 'acknowledge');
    assert.equal((await notes('expiry-overtaken', id)).length, 1);
    assert.equal((await notes('acknowledged', id)).length, 1);
  });

  test('a recall made while the recipient’s node was out of reach, overtaken by its open', async () => {
    const id = await delivered();
    // The answer that delivered the last chunk is lost: the council's node believes it is still
    // on its way, and the police node is out of reach when the council recalls it.
    await p.a.services.store.db
      .updateTable('transfer')
      .set({ state: 'ready', delivered_at: null })
      .where('transfer_id', '=', id)
      .execute();
    await p.b.stop();
    const recalled = await p.a.services.exchange.transfers.recall(
      await actorOn(p.a.services, p.council, 'handler'),
      id,
    );
    assert.equal(recalled.state, 'recalled');
    // The recall waits out a long back-off (B's node is back before it is tried again).
    await p.a.federation.outbox.flush();
    const recall = () =>
      p.a.services.store.db
        .updateTable('federation_outbox')
        .where('kind', '=', 'transfer.state')
        .where('state', '=', 'pending');
    await recall()
      .set({ next_attempt_at: new Date(clock().getTime() + DAY).toISOString() })
      .execute();
    p.b = await restartNode(p.b);
    // The police open it before the recall reaches them (it waits out its back-off).
    await p.b.services.exchange.transfers.open(
      await actorOn(p.b.services, p.police, 'handler'),
      id,
      into,
    );
    await p.b.federation.outbox.flush();
    assert.equal(await stateOn(p.a.services, id), 'opened', 'the recipient’s word wins');
    assert.equal((await notes('recall-overtaken', id)).length, 1);
    const [late] = await p.a.services.audit.list({
      orgId: p.council.orgId,
      action: 'exchange.transfer.late-news',
    });
    assert.equal(late?.details.was, 'recalled');
    // The recall, sent at last, is refused there: it was opened first.
    await recall().set({ next_attempt_at: clock().toISOString() }).execute();
    await p.a.federation.outbox.flush();
    assert.equal(await stateOn(p.b.services, id), 'opened');
    assert.equal(await stateOn(p.a.services, id), 'opened');
    // Refused there; the council was already told, once, when the open arrived.
    assert.equal((await notes('state-refused', id)).length, 0);
    assert.equal((await notes('recall-overtaken', id)).length, 1);
  });

  test('an acknowledgement dated after the deadline is still refused', async () => {
    const id = await delivered();
    await p.b.services.exchange.transfers.open(
      await actorOn(p.b.services, p.police, 'handler'),
      id,
      into,
    );
    await p.b.federation.outbox.flush();
    clock.advance(15 * DAY);
    try {
      await p.a.services.exchange.transfers.expireDue();
      assert.equal(await stateOn(p.a.services, id), 'expired');
      // A partner whose own copy did not expire (its clock is behind) acknowledges it late.
      await p.b.services.store.db
        .updateTable('transfer')
        .set({ expires_at: new Date(clock().getTime() + DAY).toISOString() })
        .where('transfer_id', '=', id)
        .execute();
      await p.b.services.exchange.transfers.acknowledge(
        await actorOn(p.b.services, p.police, 'handler'),
        id,
      );
      await p.b.federation.outbox.flush();
    } finally {
      clock.advance(-15 * DAY);
    }
    assert.equal(await stateOn(p.a.services, id), 'expired');
    // The police are told their acknowledgement did not reach a copy still open there.
    const [refused] = await p.b.services.audit.list({
      orgId: p.police.orgId,
      action: 'exchange.transfer.state-refused',
    });
    assert.equal(refused?.details.step, 'acknowledge');
    const told = await p.b.services.exchange.notifications.list(
      await actorOn(p.b.services, p.police, 'handler'),
    );
    assert.match(
      told.find((n) => n.kind === 'state-refused' && n.transferId === id)?.message ?? '',
      /did not accept that transfer .* was acknowledged here/,
    );
  });

  test('a recall the partner’s node agreed to cannot be overtaken: its late word is refused', async () => {
    const id = await delivered();
    const recalled = await p.a.services.exchange.transfers.recall(
      await actorOn(p.a.services, p.council, 'handler'),
      id,
    );
    assert.equal(recalled.state, 'recalled');
    assert.equal(await stateOn(p.b.services, id), 'recalled', 'agreed with the police node');
    // The police node says, too late and backdated, that it acknowledged it.
    await assert.rejects(
      p.a.services.exchange.remote.receiveState(p.b.federation.identity.nodeId, {
        transferId: id,
        step: 'acknowledge',
        reason: null,
        at: '2000-01-01T00:00:00.000Z',
      }),
      { code: 'TRANSFER_STATE' },
    );
    assert.equal(await stateOn(p.a.services, id), 'recalled');
    assert.equal((await notes('recall-overtaken', id)).length, 0);
  });
});
