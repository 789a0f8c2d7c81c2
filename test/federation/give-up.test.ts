// When the outbox gives up on a message. A partner that refuses chunks as larger than it accepts
// refuses every attempt alike: the chunk is given up on at once, the rest of the transfer is not
// sent, the sender is told once what to do, and the partner audits the refusal. A partner away
// for longer than the retries misses this node's directory (a rotated exchange key): it is sent
// again as soon as that partner is heard from. So is every change of an agreement given up on, in the order made, and
// the parties here are told it has not arrived.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { proposed } from '../helpers/agreements.ts';
import { testClock } from '../helpers/clock.ts';
import { exchangeTerms } from '../helpers/exchange.ts';
import { forEachDialect } from '../helpers/db.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { restartNode } from './nodes.ts';
import type { TestNode } from './nodes.ts';
import { actorOn, partners } from './partners.ts';

forEachDialect('the outbox giving up', (dialect) => {
  const clock = testClock();
  let a: TestNode;
  let b: TestNode;
  let council: OrgFixture;
  let police: OrgFixture;
  let agreementId = '';
  let source = '';

  before(async () => {
    ({ a, b, council, police, agreementId, source } = await partners(dialect, clock, {}, 2000));
  });
  after(async () => {
    await a?.close();
    await b?.close();
  });

  const outboxOf = (node: TestNode, kind: string) =>
    node.services.store.db
      .selectFrom('federation_outbox')
      .selectAll()
      .where('kind', '=', kind)
      .orderBy('created_at')
      .orderBy('message_id')
      .execute();
  /** The kid B would seal to for the council now. */
  const councilKeyOnB = async (): Promise<string | undefined> => {
    const r = await b.services.store.db
      .selectFrom('federation_org')
      .select('exchange_jwk')
      .where('org_id', '=', council.orgId)
      .executeTakeFirstOrThrow();
    return (JSON.parse(r.exchange_jwk) as { kid?: string }).kid;
  };

  test('a directory given up on while the partner was away reaches it once it is heard from', async () => {
    await b.stop();
    const rotated = await a.services.exchange.exchangeKeys.rotate(await council.actor('dpo'));
    await a.federation.outbox.flush(); // B is down: retried later
    const [queued] = (await outboxOf(a, 'directory')).filter((m) => m.state === 'pending');
    assert.ok(queued, 'the directory waits for B');
    // The retries run out (about three hours of B being away).
    await a.services.store.db
      .updateTable('federation_outbox')
      .set({ attempts: 19, next_attempt_at: clock().toISOString() })
      .where('message_id', '=', queued.message_id)
      .execute();
    await a.federation.outbox.flush();
    assert.equal((await outboxOf(a, 'directory')).at(-1)!.state, 'failed');
    b = await restartNode(b);
    assert.notEqual(await councilKeyOnB(), rotated.newKeyId, 'B still has the old key');

    // B is back and sends A something (here its own directory): A queues its directory again.
    await b.federation.trust.sync(a.federation.identity.nodeId);
    await a.federation.outbox.flush();
    assert.equal(await councilKeyOnB(), rotated.newKeyId, 'B learns the rotated key');
    // Sent again in place: the same message, now delivered.
    const directories = await outboxOf(a, 'directory');
    assert.equal(directories.find((m) => m.message_id === queued.message_id)?.state, 'delivered');
    const [revived] = await a.services.audit.list({ action: 'federation.message.revived' });
    assert.equal(revived?.details.givenUp, queued.message_id);
    // Heard from again: nothing more is queued (the directory was delivered).
    await b.federation.trust.sync(a.federation.identity.nodeId);
    await a.federation.outbox.flush();
    assert.equal((await outboxOf(a, 'directory')).length, directories.length);
  });

  test('an agreement’s changes given up on while the partner was away each reach it, in order, once it is heard from', async () => {
    await b.stop();
    const ag = await proposed(a.services, council, exchangeTerms(a.services, council, police));
    const versionId = ag.latest.versionId;
    await a.services.agreements.decide(
      await actorOn(a.services, council, 'dpo'),
      versionId,
      'approve',
      null,
    );
    await a.federation.outbox.flush(); // B is down: retried later
    const changes = async () =>
      (await outboxOf(a, 'agreement.proposed'))
        .concat(await outboxOf(a, 'agreement.decided'))
        .filter((m) => m.body.includes(versionId))
        .sort(
          (x, y) =>
            x.created_at.localeCompare(y.created_at) || x.message_id.localeCompare(y.message_id),
        );
    const queued = await changes();
    assert.deepEqual(
      queued.map((m) => [m.kind, m.state]),
      [
        ['agreement.proposed', 'pending'],
        ['agreement.decided', 'pending'],
      ],
    );
    // The proposal's retries run out (about three hours of B being away): the decision behind
    // it is given up with it, so that the two go again in order.
    await a.services.store.db
      .updateTable('federation_outbox')
      .set({ attempts: 19, next_attempt_at: clock().toISOString() })
      .where('message_id', '=', queued[0]!.message_id)
      .execute();
    await a.federation.outbox.flush();
    assert.deepEqual(
      (await changes()).map((m) => [m.state, m.attempts]),
      [
        ['failed', 20],
        ['failed', 20],
      ],
    );
    // The council is told, once, that the police's node does not have it yet.
    const told = (
      await a.services.exchange.notifications.list(await actorOn(a.services, council, 'handler'))
    ).filter((n) => n.kind === 'agreement-undelivered');
    assert.equal(told.length, 1);
    assert.match(told[0]!.message, new RegExp(`${ag.reference} \\(version 1\\): the proposal`));
    assert.match(told[0]!.message, /sent again.* as soon as that node is heard from/);
    // A change made meanwhile is queued after them, and puts them back before it: B is still
    // away, so all three wait.
    await a.services.agreements.decide(await council.actor('siro'), versionId, 'approve', null);
    const waiting = await changes();
    assert.deepEqual(
      waiting.map((m) => [m.kind, m.state]),
      [
        ['agreement.proposed', 'pending'],
        ['agreement.decided', 'pending'],
        ['agreement.decided', 'pending'],
      ],
    );
    assert.deepEqual(
      waiting.slice(0, 2).map((m) => m.message_id),
      queued.map((m) => m.message_id),
    );
    await a.federation.outbox.flush();
    await a.services.store.db
      .updateTable('federation_outbox')
      .set({ attempts: 19, next_attempt_at: clock().toISOString() })
      .where('message_id', '=', queued[0]!.message_id)
      .execute();
    await a.federation.outbox.flush();
    assert.deepEqual(
      (await changes()).map((m) => m.state),
      ['failed', 'failed', 'failed'],
    );
    b = await restartNode(b);
    const onB = () =>
      b.services.store.db
        .selectFrom('agreement_approval')
        .select('org_id')
        .where('version_id', '=', versionId)
        .execute();
    assert.equal(
      await b.services.store.db
        .selectFrom('agreement_version')
        .select('version_id')
        .where('version_id', '=', versionId)
        .executeTakeFirst(),
      undefined,
      'B never got the proposal',
    );

    // B is back and A hears from it: the changes go again, the proposal first, as themselves.
    await b.federation.trust.sync(a.federation.identity.nodeId);
    await a.federation.outbox.flush();
    const sent = await changes();
    assert.deepEqual(
      sent.map((m) => [m.message_id, m.state]),
      waiting.map((m) => [m.message_id, 'delivered']),
    );
    assert.deepEqual(
      (await onB()).map((r) => r.org_id),
      [council.orgId, council.orgId],
      'B holds the version and both of the council’s approvals',
    );
    const revived = (await a.services.audit.list({ action: 'federation.message.revived' }))
      .filter((e) => waiting.some((m) => m.message_id === e.details.givenUp))
      .sort((x, y) => x.seq - y.seq);
    assert.deepEqual(
      revived.slice(-3).map((e) => [e.details.kind, e.details.messageId === e.details.givenUp]),
      [
        ['agreement.proposed', true],
        ['agreement.decided', true],
        ['agreement.decided', true],
      ],
    );
    // Heard from again: nothing is sent twice.
    await b.federation.trust.sync(a.federation.identity.nodeId);
    await a.federation.outbox.flush();
    assert.deepEqual(
      (await changes()).map((m) => m.attempts),
      [1, 1, 1],
    );
  });

  test('chunks larger than the partner accepts: given up at once, the sender told once', async () => {
    // B's administrator lowers its limit below the size of A's chunks as they travel (a chunk's
    // sealed text is about 4/3 of its records); A sends one chunk at a time, so the others are
    // still waiting when the first is refused.
    b = await restartNode(b, { ACCORD_FEDERATION_MAX_BYTES: '65536' });
    a = await restartNode(a, {
      ACCORD_TRANSFER_CHUNK_BYTES: '52000',
      ACCORD_FEDERATION_IN_FLIGHT: '1',
    });
    const handler = await actorOn(a.services, council, 'handler');
    const draft = await a.services.exchange.transfers.create(handler, {
      recipientOrgId: police.orgId,
      agreementId,
      purpose: 'safeguarding',
      recordType: 'person',
      selection: { kind: 'asset', assetId: source },
    });
    assert.ok(draft.chunkCount >= 3, `${draft.chunkCount} chunks`);
    await a.services.exchange.transfers.ready(handler, draft.id);
    await a.federation.outbox.flush();

    const chunks = (await outboxOf(a, 'transfer.chunk')).filter((m) => m.body.includes(draft.id));
    assert.equal(chunks.length, draft.chunkCount);
    const [refused, ...rest] = chunks;
    assert.equal(refused!.state, 'failed');
    assert.equal(refused!.attempts, 1, 'not retried');
    assert.match(refused!.last_error ?? '', /^BODY_TOO_LARGE: /);
    assert.ok(rest.every((m) => m.state === 'dropped' && m.attempts === 0));

    const [failed] = await a.services.audit.list({ action: 'federation.message.failed' });
    assert.equal(failed?.details.code, 'BODY_TOO_LARGE');
    const told = (await a.services.exchange.notifications.list(handler)).filter(
      (n) => n.transferId === draft.id,
    );
    assert.equal(told.length, 1, 'told once');
    assert.match(told[0]!.message, /ACCORD_TRANSFER_CHUNK_BYTES/);
    const [undeliverable] = await a.services.audit.list({
      action: 'exchange.transfer.undeliverable',
    });
    assert.equal(undeliverable?.details.code, 'BODY_TOO_LARGE');
    // Nothing of it is visible on B.
    const onB = await b.services.store.db
      .selectFrom('transfer')
      .select('state')
      .where('transfer_id', '=', draft.id)
      .executeTakeFirst();
    assert.notEqual(onB?.state, 'delivered');
    // B audited the refusal, with what it knew before reading the body (never the body itself).
    const refusals = (await b.services.audit.list({ action: 'federation.message.refused' })).filter(
      (e) => e.details.code === 'BODY_TOO_LARGE',
    );
    assert.equal(refusals.length, 1);
    const [tooLarge] = refusals;
    assert.equal(tooLarge!.actor, 'unknown');
    assert.equal(tooLarge!.outcome, 'refused');
    assert.equal(tooLarge!.target, `node:${b.federation.identity.nodeId}`);
    assert.equal(tooLarge!.details.route, '/api/federation/inbox');
    assert.equal(tooLarge!.details.address, '127.0.0.1');
    assert.equal(tooLarge!.details.limit, 65536);
    assert.ok(Number(tooLarge!.details.contentLength) > 65536, 'the size the request claimed');
    assert.match(String(tooLarge!.details.reason), /ACCORD_FEDERATION_MAX_BYTES/);
    assert.deepEqual(
      Object.keys(tooLarge!.details).sort(),
      ['address', 'code', 'contentLength', 'limit', 'reason', 'route'],
      'nothing of the message itself',
    );
  });
});
