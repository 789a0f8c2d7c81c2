// A node sends a transfer's chunks to a partner several at a time (ACCORD_FEDERATION_IN_FLIGHT,
// default 4), since chunks are queued only once the partner holds the offer and it stores them in
// any order. Every other kind of message still goes alone and in order: it waits for the chunks
// queued before it, and those queued after it wait for it. A partner that goes down with chunks
// in flight gets the rest after it is back, each stored once. A tampered chunk among several in
// flight is refused once, the rest not sent, and the sender told once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Services } from '../../src/services.ts';
import { testClock } from '../helpers/clock.ts';
import { forEachDialect } from '../helpers/db.ts';
import { peopleAsset } from '../helpers/exchange.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { restartNode } from './nodes.ts';
import type { TestNode } from './nodes.ts';
import { actorOn, partners, received, staged } from './partners.ts';

const CHUNKS_OF_TWO = { ACCORD_TRANSFER_CHUNK_RECORDS: '2' };
const IN_FLIGHT = 4;

/** Counts how many calls of a wrapped async function run at once, and the most at any moment. */
function overlap<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
): { fn: (...args: A) => Promise<R>; most: () => number } {
  let now = 0;
  let most = 0;
  return {
    fn: async (...args) => {
      most = Math.max(most, ++now);
      try {
        return await fn(...args);
      } finally {
        now--;
      }
    },
    most: () => most,
  };
}

forEachDialect('chunks in flight between nodes', (dialect) => {
  const clock = testClock();
  let a: TestNode;
  let b: TestNode;
  let council: OrgFixture;
  let police: OrgFixture;
  let agreementId = '';
  let source = '';
  let into = '';

  before(async () => {
    ({ a, b, council, police, agreementId, source } = await partners(
      dialect,
      clock,
      CHUNKS_OF_TWO,
      9,
    ));
    // Made now: the fixture's own actors belong to this first run of node B, not to a restart.
    into = await peopleAsset(b.services, police, 0);
  });
  after(async () => {
    await a?.close();
    await b?.close();
  });

  const send = async (): Promise<string> => {
    const handler = await council.actor('handler');
    const draft = await a.services.exchange.transfers.create(handler, {
      recipientOrgId: police.orgId,
      agreementId,
      purpose: 'safeguarding',
      recordType: 'person',
      selection: { kind: 'asset', assetId: source },
    });
    return draft.id;
  };

  const openedRecords = async (s: Services, id: string): Promise<number> => {
    const opened = await s.exchange.transfers.open(await actorOn(s, police, 'handler'), id, into);
    assert.equal(opened.state, 'opened');
    const rows = await s.store.db
      .selectFrom('record')
      .select('record_id')
      .where('source', '=', `transfer:${id}`)
      .execute();
    return rows.length;
  };

  test('unordered messages overlap; any other waits for those before it, and those after wait for it', async () => {
    const events: string[] = [];
    const slow = overlap(async (label: string) => {
      events.push(`start ${label}`);
      await sleep(40);
      events.push(`end ${label}`);
      return null;
    });
    b.federation.inbox.handle('test.slow', (m) => slow.fn((m.body as { label: string }).label));
    b.federation.inbox.handle('test.ordered', async () => {
      events.push('ordered');
      await sleep(40);
      events.push('ordered done');
      return null;
    });
    a.federation.outbox.sendsUnordered('test.slow');
    const to = b.federation.trust.card().nodeId;
    await a.services.store.transaction(async (tx) => {
      for (let i = 1; i <= 6; i++)
        await a.federation.outbox.enqueue(tx, to, 'test.slow', { label: `first${i}` });
      await a.federation.outbox.enqueue(tx, to, 'test.ordered', {});
      for (let i = 1; i <= 2; i++)
        await a.federation.outbox.enqueue(tx, to, 'test.slow', { label: `then${i}` });
    });
    await a.federation.outbox.flush();
    assert.ok(slow.most() > 1, 'several unordered messages were in flight at once');
    assert.ok(slow.most() <= IN_FLIGHT, `${slow.most()} in flight, more than ${IN_FLIGHT}`);
    const at = (e: string): number => events.indexOf(e);
    const ordered = at('ordered');
    for (let i = 1; i <= 6; i++) assert.ok(at(`end first${i}`) < ordered, events.join(', '));
    for (let i = 1; i <= 2; i++)
      assert.ok(at(`start then${i}`) > at('ordered done'), events.join(', '));
    assert.equal(events.length, 18);
  });

  test('a transfer crosses with its chunks in flight together, and opens whole', async () => {
    const link = a.federation.link;
    const original = link.send.bind(link);
    const sends = overlap(original);
    link.send = sends.fn;
    let handshakes = 0;
    const counted = (): void => void handshakes++;
    b.app.server.on('secureConnection', counted);
    const before = await received(b.services, 'transfer.chunk');
    const id = await send();
    try {
      const sent = await a.services.exchange.transfers.ready(await council.actor('handler'), id);
      assert.equal(sent.state, 'delivered');
      assert.equal(sent.chunkCount, 5);
    } finally {
      link.send = original;
      b.app.server.off('secureConnection', counted);
    }
    assert.equal((await received(b.services, 'transfer.chunk')) - before, 5);
    assert.ok(sends.most() > 1, 'more than one chunk was on its way at a time');
    assert.ok(sends.most() <= IN_FLIGHT);
    // A connection per chunk in flight at most, each kept open for the next.
    assert.ok(handshakes <= IN_FLIGHT, `${handshakes} TLS handshakes for five chunks`);
    assert.equal(await openedRecords(b.services, id), 9);
    assert.equal(await staged(b.services, id), 0);
  });

  test('the partner goes down with chunks in flight; back up, it gets the rest, each stored once', async () => {
    const id = await send();
    // The partner's node stops once it has stored two chunks; others are on their way by then.
    const inbound = b.services.exchange.remote.inbound;
    const original = inbound.chunk.bind(inbound);
    let stored = 0;
    let stopping: Promise<void> | undefined;
    inbound.chunk = async (...args) => {
      const arrival = await original(...args);
      if (++stored === 2) stopping = b.stop();
      return arrival;
    };
    const before = await received(b.services, 'transfer.chunk');
    const sent = await a.services.exchange.transfers.ready(await council.actor('handler'), id);
    await stopping;
    assert.equal(sent.state, 'ready', 'not delivered while chunks are missing');
    b = await restartNode(b);
    const held = await staged(b.services, id);
    assert.ok(held >= 2 && held < 5, `${held} chunks held`);
    // The sender knows no more than the partner answered for.
    assert.ok((sent.chunksHeld ?? 0) <= held);
    for (let tries = 0; tries < 5; tries++) {
      const t = await a.services.exchange.transfers.views.get(await council.actor('handler'), id);
      if (t.state === 'delivered') break;
      clock.advance(20_000);
      await a.federation.outbox.flush();
    }
    const done = await a.services.exchange.transfers.views.get(await council.actor('handler'), id);
    assert.equal(done.state, 'delivered');
    // Received (stored and answered) once each; a chunk whose answer was lost is answered again
    // from what the partner recorded, not stored twice.
    assert.equal((await received(b.services, 'transfer.chunk')) - before, 5);
    assert.equal(await openedRecords(b.services, id), 9);
  });

  test('a tampered chunk among several in flight is refused once; the transfer never shows', async () => {
    const id = await send();
    // Chunk 2 of 5 altered after the manifest described it: it travels with chunks 1, 3 and 4.
    const row = await a.services.store.db
      .selectFrom('transfer_chunk')
      .select('jwe')
      .where('transfer_id', '=', id)
      .where('chunk_index', '=', 1)
      .executeTakeFirstOrThrow();
    const parts = row.jwe.split('.');
    parts[3] = `${parts[3]!.slice(0, -4)}${parts[3]!.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    await a.services.store.db
      .updateTable('transfer_chunk')
      .set({ jwe: parts.join('.') })
      .where('transfer_id', '=', id)
      .where('chunk_index', '=', 1)
      .execute();
    const sent = await a.services.exchange.transfers.ready(await council.actor('handler'), id);
    assert.equal(sent.state, 'ready');
    await a.federation.outbox.flush();
    // One refusal; the chunks already on their way may land, the rest are not sent.
    const states = (
      await a.services.store.db
        .selectFrom('federation_outbox')
        .select('state')
        .where('kind', '=', 'transfer.chunk')
        .where('body', 'like', `%${id}%`)
        .execute()
    ).map((m) => m.state);
    assert.equal(states.length, 5);
    assert.equal(states.filter((x) => x === 'refused').length, 1, states.join(', '));
    assert.ok(
      states.every((x) => ['refused', 'delivered', 'dropped'].includes(x)),
      states.join(', '),
    );
    assert.ok((await staged(b.services, id)) < 5);
    const shown = await b.services.store.db
      .selectFrom('transfer')
      .select('transfer_id')
      .where('transfer_id', '=', id)
      .executeTakeFirst();
    assert.equal(shown, undefined, 'no inbox shows it');
    const told = await a.services.audit.list({ action: 'exchange.transfer.undeliverable' });
    const mine = told.filter((e) => e.target === `transfer:${id}`);
    assert.equal(mine.length, 1, 'the sender is told once');
    assert.equal(mine[0]!.details.code, 'TRANSFER_TAMPERED');
    const refused = await b.services.audit.list({ action: 'exchange.transfer.chunk-refused' });
    assert.ok(refused.some((e) => e.target === `transfer:${id}`));
  });
});
