// Large transfers between nodes travel chunk by chunk (two records a chunk here) and resume after
// an interruption: the recipient's node stops after holding some chunks, starts again, and only
// the chunks it does not hold are sent — by the outbox's own retries, or by sending again after
// the outbox gave up. A tampered chunk is refused and audited, a chunk for an unknown transfer is
// refused, a recall while chunks travel removes what the partner staged, and no inbox ever shows
// a transfer whose chunks are incomplete.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../../src/domain/policy/actor.ts';
import type { Services } from '../../src/services.ts';
import { testClock } from '../helpers/clock.ts';
import { forEachDialect } from '../helpers/db.ts';
import { peopleAsset } from '../helpers/exchange.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { newMessageId } from '../../src/domain/federation/messages.ts';
import { restartNode } from './nodes.ts';
import type { TestNode } from './nodes.ts';
import { actorOn, partners, received, staged as stagedOn } from './partners.ts';

// Chunks one at a time: these tests stop or tamper at a given chunk, so the order must be known
// (chunks-in-flight.test.ts sends several at once, as a node does by default).
const CHUNK = { ACCORD_TRANSFER_CHUNK_RECORDS: '2', ACCORD_FEDERATION_IN_FLIGHT: '1' };

async function actions(s: Services, action: string): Promise<number> {
  const rows = await s.store.db
    .selectFrom('audit_entry')
    .select('action')
    .where('action', '=', action)
    .execute();
  return rows.length;
}

forEachDialect('chunked transfers between nodes', (dialect) => {
  const clock = testClock();
  let a: TestNode;
  let b: TestNode;
  let council: OrgFixture;
  let police: OrgFixture;
  let agreementId = '';
  let source = '';
  let intoB = '';
  const onB = (who: 'handler' | 'dpo'): Promise<Actor> => actorOn(b.services, police, who);

  before(async () => {
    ({ a, b, council, police, agreementId, source } = await partners(dialect, clock, CHUNK, 9));
    // Made now: the fixture's own actors belong to this first run of node B, not to a restart.
    intoB = await peopleAsset(b.services, police, 0);
  });
  after(async () => {
    await a?.close();
    await b?.close();
  });

  const draft = async (): Promise<string> =>
    (
      await a.services.exchange.transfers.create(await council.actor('handler'), {
        recipientOrgId: police.orgId,
        agreementId,
        purpose: 'safeguarding',
        recordType: 'person',
        selection: { kind: 'asset', assetId: source },
      })
    ).id;

  const inboxIds = async (): Promise<string[]> =>
    (await b.services.exchange.transfers.views.list(await onB('handler'), 'inbox')).transfers.map(
      (t) => t.id,
    );

  const staged = (id: string): Promise<number> => stagedOn(b.services, id);

  test('a transfer of five chunks crosses as an offer and five chunk messages, and opens whole', async () => {
    const chunksBefore = await received(b.services, 'transfer.chunk');
    const id = await draft();
    // The six messages share a kept-open connection: at most one new TLS handshake at B.
    let handshakes = 0;
    const counted = (): void => void handshakes++;
    b.app.server.on('secureConnection', counted);
    const sent = await a.services.exchange.transfers.ready(await council.actor('handler'), id);
    b.app.server.off('secureConnection', counted);
    assert.equal(sent.state, 'delivered');
    assert.equal(sent.chunkCount, 5);
    assert.equal((await received(b.services, 'transfer.chunk')) - chunksBefore, 5);
    assert.ok(handshakes <= 1, `${handshakes} TLS handshakes for six messages`);
    // The outbox keeps each chunk's place, not the chunk: every message stays small there.
    const bodies = await a.services.store.db
      .selectFrom('federation_outbox')
      .select(['kind', 'body'])
      .where('kind', '=', 'transfer.chunk')
      .execute();
    assert.ok(bodies.every((m) => m.body.length < 200));
    assert.deepEqual(await inboxIds(), [id]);
    const into = await peopleAsset(b.services, police, 0);
    const opened = await b.services.exchange.transfers.open(await onB('handler'), id, into);
    assert.equal(opened.state, 'opened');
    const imported = await b.services.store.db
      .selectFrom('record')
      .select('record_id')
      .where('source', '=', `transfer:${id}`)
      .execute();
    assert.equal(imported.length, 9);
    assert.equal(await staged(id), 0);
  });

  test('the recipient stops after two chunks; restarted, only the three missing are sent', async () => {
    const id = await draft();
    const remote = a.services.exchange.remote;
    const original = remote.chunkToSend.bind(remote);
    let sending = 0;
    // The recipient's node goes down between the second and third chunk.
    remote.chunkToSend = async (ex, m) => {
      if (++sending === 3) await b.stop();
      return original(ex, m);
    };
    const before = await received(b.services, 'transfer.chunk');
    const sent = await a.services.exchange.transfers.ready(await council.actor('handler'), id);
    remote.chunkToSend = original;
    assert.equal(sent.state, 'ready', 'not delivered while chunks are missing');
    // The sender sees how far it got: the partner answered for two chunks.
    assert.equal(sent.chunksHeld, 2);
    assert.match(sent.nextStep, /holds 2 of 5 chunks/);
    b = await restartNode(b);
    assert.equal((await received(b.services, 'transfer.chunk')) - before, 2);
    assert.equal(await staged(id), 2);
    assert.ok(!(await inboxIds()).includes(id), 'no inbox shows an incomplete transfer');
    // The outbox retries by itself once the back-off has passed.
    clock.advance(5_000);
    await a.federation.outbox.flush();
    assert.equal((await received(b.services, 'transfer.chunk')) - before, 5, 'no chunk sent twice');
    const done = await a.services.exchange.transfers.views.get(await council.actor('handler'), id);
    assert.equal(done.state, 'delivered');
    assert.equal(done.chunksHeld, 5);
    assert.ok((await inboxIds()).includes(id));
    assert.equal(await staged(id), 0);
    // The recipient's view never carries the sender's progress.
    const theirs = await b.services.exchange.transfers.views.get(await onB('handler'), id);
    assert.equal(theirs.chunksHeld, null);
  });

  test('after the outbox gave up, sending again offers it anew and sends only what is missing', async () => {
    const id = await draft();
    const remote = a.services.exchange.remote;
    const original = remote.chunkToSend.bind(remote);
    let sending = 0;
    remote.chunkToSend = async (ex, m) => {
      if (++sending === 4) await b.stop();
      return original(ex, m);
    };
    const handler = await council.actor('handler');
    const before = await received(b.services, 'transfer.chunk');
    assert.equal((await a.services.exchange.transfers.ready(handler, id)).state, 'ready');
    remote.chunkToSend = original;
    // Every retry fails while the partner is down, until the outbox gives up on the chunks.
    await a.services.store.db
      .updateTable('federation_outbox')
      .set({ attempts: 19 })
      .where('state', '=', 'pending')
      .execute();
    const mine = () =>
      a.services.store.db
        .selectFrom('federation_outbox')
        .select('state')
        .where('kind', '=', 'transfer.chunk')
        .where('body', 'like', `%${id}%`)
        .execute();
    // One attempt per run reaches the stopped node (the rest wait for the next run).
    for (let i = 0; i < 5 && (await mine()).some((m) => m.state === 'pending'); i++) {
      clock.advance(60_000);
      await a.federation.outbox.flush();
    }
    // The first chunk given up on stops the rest of the transfer, and the sender is told once.
    assert.deepEqual((await mine()).map((m) => m.state).sort(), [
      'delivered',
      'delivered',
      'delivered',
      'dropped',
      'failed',
    ]);
    const told = (await a.services.exchange.notifications.list(handler)).filter(
      (n) => n.transferId === id,
    );
    assert.equal(told.length, 1);
    assert.match(told[0]!.message, /\(given up after 20 attempts\)\. Send it again once/);
    b = await restartNode(b);
    assert.equal(await staged(id), 3);
    const resumed = await a.services.exchange.transfers.ready(handler, id);
    assert.equal(resumed.state, 'delivered');
    assert.equal((await received(b.services, 'transfer.chunk')) - before, 5, 'no chunk sent twice');
    assert.ok((await actions(a.services, 'exchange.transfer.resumed')) >= 1);
    assert.ok((await inboxIds()).includes(id));
  });

  test('a recall while chunks travel removes what the partner staged; the rest is not sent', async () => {
    const id = await draft();
    const remote = a.services.exchange.remote;
    const original = remote.chunkToSend.bind(remote);
    let sending = 0;
    remote.chunkToSend = async (ex, m) => {
      if (++sending === 2) await b.stop();
      return original(ex, m);
    };
    const handler = await council.actor('handler');
    await a.services.exchange.transfers.ready(handler, id);
    remote.chunkToSend = original;
    assert.equal((await a.services.exchange.transfers.recall(handler, id)).state, 'recalled');
    b = await restartNode(b);
    assert.equal(await staged(id), 1);
    clock.advance(60_000);
    await a.federation.outbox.flush();
    assert.equal(await staged(id), 0);
    const left = await b.services.store.db
      .selectFrom('transfer_inbound')
      .select('transfer_id')
      .where('transfer_id', '=', id)
      .executeTakeFirst();
    assert.equal(left, undefined);
    assert.ok(!(await inboxIds()).includes(id));
    const chunks = await a.services.store.db
      .selectFrom('federation_outbox')
      .select('state')
      .where('kind', '=', 'transfer.chunk')
      .where('body', 'like', `%${id}%`)
      .execute();
    assert.ok(
      chunks.some((c) => c.state === 'dropped'),
      'the chunks not yet sent are dropped',
    );
    assert.ok(chunks.every((c) => c.state !== 'pending'));
    const recalled = await b.services.store.db
      .selectFrom('audit_entry')
      .select('target')
      .where('action', '=', 'exchange.transfer.recalled')
      .where('org_id', '=', police.orgId)
      .execute();
    assert.ok(recalled.some((r) => r.target === `transfer:${id}`));
  });

  test('a recall asks the partner first: what it staged goes at once, and one it opened is not recalled', async () => {
    const handler = await council.actor('handler');
    // Staged there (two chunks of five): the recall removes them before it is recalled here.
    const id = await draft();
    const remote = a.services.exchange.remote;
    const send = remote.chunkToSend.bind(remote);
    let sending = 0;
    remote.chunkToSend = async (ex, m) => (++sending <= 2 ? send(ex, m) : undefined);
    await a.services.exchange.transfers.ready(handler, id);
    remote.chunkToSend = send;
    assert.equal(await staged(id), 2);
    assert.equal((await a.services.exchange.transfers.recall(handler, id)).state, 'recalled');
    assert.equal(await staged(id), 0, 'removed by the recall itself, not later');

    // The race: the last chunk made it delivered there and the partner opened it, but this node
    // stopped before it recorded the answer, and the partner's news of the opening has not come
    // yet. The recall must not leave it recalled here while it is open there.
    const raced = await draft();
    const arrived = remote.arrived.bind(remote);
    remote.arrived = async (tx, node, transferId, answer) =>
      answer?.state === 'delivered' ? undefined : arrived(tx, node, transferId, answer);
    assert.equal((await a.services.exchange.transfers.ready(handler, raced)).state, 'ready');
    remote.arrived = arrived;
    const outboxB = b.federation.outbox;
    const flushB = outboxB.flush.bind(outboxB);
    outboxB.flush = async () => undefined; // the news of the opening waits in the outbox there
    await b.services.exchange.transfers.open(await onB('handler'), raced, intoB);
    await assert.rejects(a.services.exchange.transfers.recall(handler, raced), {
      code: 'TRANSFER_STATE',
    });
    const mine = (): Promise<string> =>
      a.services.exchange.transfers.views.get(handler, raced).then((t) => t.state);
    assert.equal(await mine(), 'ready', 'not recalled here');
    const refused = await a.services.store.db
      .selectFrom('audit_entry')
      .select('outcome')
      .where('action', '=', 'exchange.transfer.recall')
      .where('target', '=', `transfer:${raced}`)
      .execute();
    assert.deepEqual(
      refused.map((r) => r.outcome),
      ['refused'],
    );
    // The opening arrives: it tells this node the transfer was delivered, then opened.
    outboxB.flush = flushB;
    await outboxB.flush();
    assert.equal(await mine(), 'opened');
    // The lost answer, sent again on a retry, changes nothing.
    await a.services.store.db
      .updateTable('federation_outbox')
      .set({ state: 'pending' })
      .where('kind', '=', 'transfer.chunk')
      .where('body', 'like', `%${raced}%`)
      .execute();
    await a.federation.outbox.flush();
    assert.equal(await mine(), 'opened');
  });

  test('a whole-transfer message queued before the upgrade is refused; sending again delivers', async () => {
    const id = await draft();
    const remote = a.services.exchange.remote;
    const original = remote.offerToSend.bind(remote);
    remote.offerToSend = async () => undefined; // as if only the old message had been queued
    const handler = await council.actor('handler');
    assert.equal((await a.services.exchange.transfers.ready(handler, id)).state, 'ready');
    remote.offerToSend = original;
    await a.services.store.transaction((tx) =>
      a.federation.outbox.enqueue(tx, b.federation.identity.nodeId, 'transfer.deliver', {
        transfer: { transfer_id: id },
        chunks: [],
      }),
    );
    await a.federation.outbox.flush();
    const told = await a.services.store.db
      .selectFrom('audit_entry')
      .select('action')
      .where('action', '=', 'exchange.transfer.undeliverable')
      .where('target', '=', `transfer:${id}`)
      .execute();
    assert.equal(told.length, 1);
    assert.equal((await a.services.exchange.transfers.ready(handler, id)).state, 'delivered');
  });

  let tampered = '';
  test('a tampered chunk is refused and audited, and the transfer stays invisible', async () => {
    const id = await draft();
    tampered = id;
    // The sealed chunk changes after the manifest described it (a fault or an attack en route).
    const row = await a.services.store.db
      .selectFrom('transfer_chunk')
      .select('jwe')
      .where('transfer_id', '=', id)
      .where('chunk_index', '=', 2)
      .executeTakeFirstOrThrow();
    const parts = row.jwe.split('.');
    parts[3] = `${parts[3]!.slice(0, -4)}${parts[3]!.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    await a.services.store.db
      .updateTable('transfer_chunk')
      .set({ jwe: parts.join('.') })
      .where('transfer_id', '=', id)
      .where('chunk_index', '=', 2)
      .execute();
    const refusedBefore = await actions(b.services, 'exchange.transfer.chunk-refused');
    const sent = await a.services.exchange.transfers.ready(await council.actor('handler'), id);
    assert.equal(sent.state, 'ready');
    assert.equal((await actions(b.services, 'exchange.transfer.chunk-refused')) - refusedBefore, 2);
    // Refused: the chunks after it are not sent (the transfer cannot complete as it is).
    assert.equal(await staged(id), 2, 'the chunks before the tampered one');
    const states = await a.services.store.db
      .selectFrom('federation_outbox')
      .select('state')
      .where('kind', '=', 'transfer.chunk')
      .where('body', 'like', `%${id}%`)
      .execute();
    assert.deepEqual(states.map((m) => m.state).sort(), [
      'delivered',
      'delivered',
      'dropped',
      'dropped',
      'refused',
    ]);
    assert.ok(!(await inboxIds()).includes(id));
    const inTransfers = await b.services.store.db
      .selectFrom('transfer')
      .select('transfer_id')
      .where('transfer_id', '=', id)
      .executeTakeFirst();
    assert.equal(inTransfers, undefined);
    const told = await a.services.store.db
      .selectFrom('audit_entry')
      .select('entry')
      .where('action', '=', 'exchange.transfer.undeliverable')
      .where('target', '=', `transfer:${id}`)
      .execute();
    assert.equal(told.length, 1, 'the sender is told once');
    assert.equal(
      (JSON.parse(told[0]!.entry) as { details: { code: string; chunk: number } }).details.code,
      'TRANSFER_TAMPERED',
    );
  });

  test('a chunk for a transfer the partner never offered is refused', async () => {
    const node = await a.federation.link.partner(a.services.store, b.federation.identity.nodeId);
    const answer = await a.federation.link.send(node, {
      id: newMessageId(),
      kind: 'transfer.chunk',
      body: { transferId: randomUUID(), index: 0, jwe: 'a.b.c.d.e' },
    });
    assert.equal(answer.ok, false);
    assert.equal(!answer.ok && answer.error.code, 'NOT_FOUND');
  });

  test('a staged transfer the sender stopped sending is removed when its time runs out', async () => {
    assert.equal(await staged(tampered), 2);
    clock.advance(15 * 86_400_000);
    await b.services.exchange.transfers.expireDue();
    assert.equal(await staged(tampered), 0);
    const left = await b.services.store.db
      .selectFrom('transfer_inbound')
      .select('transfer_id')
      .where('transfer_id', '=', tampered)
      .executeTakeFirst();
    assert.equal(left, undefined);
    const expired = await b.services.store.db
      .selectFrom('audit_entry')
      .select('target')
      .where('action', '=', 'exchange.transfer.expired')
      .where('org_id', '=', police.orgId)
      .execute();
    assert.ok(expired.some((r) => r.target === `transfer:${tampered}`));
  });
});
