// A partner's refusal made before it can answer in an envelope reaches this node under its own
// code when it says something the asker must act on, not as "unreachable": the two clocks differ
// beyond the window (look-ups and checks fail with FEDERATION_CLOCK_SKEW and are audited so on
// both sides; the outbox keeps retrying, since clocks get fixed), or the partner no longer trusts
// this node (FEDERATION_UNKNOWN_NODE; the outbox gives up at once). Any other code a partner
// sends is not taken on its word.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { Link } from '../../src/domain/federation/link.ts';
import { newMessageId } from '../../src/domain/federation/messages.ts';
import { testClock } from '../helpers/clock.ts';
import { CHECK_KEY } from '../helpers/exchange.ts';
import { forEachDialect } from '../helpers/db.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { person } from '../helpers/records.ts';
import type { TestNode } from './nodes.ts';
import { actorOn, partners } from './partners.ts';

forEachDialect('a partner’s refusal before it answers', (dialect) => {
  // Each node its own clock: A's is moved away from B's.
  const clockA = testClock();
  const clockB = testClock();
  let a: TestNode;
  let b: TestNode;
  let council: OrgFixture;
  let police: OrgFixture;

  before(async () => {
    ({ a, b, council, police } = await partners(dialect, clockA, {}, 3, clockB));
  });
  after(async () => {
    await a?.close();
    await b?.close();
  });

  const lookup = async () =>
    b.services.exchange.queries.lookup(await actorOn(b.services, police, 'handler'), {
      providerOrgId: council.orgId,
      purpose: 'safeguarding',
      identifiers: { nhsNumber: String(person(0).nhsNumber) },
    });
  const directoriesFromB = () =>
    b.services.store.db
      .selectFrom('federation_outbox')
      .selectAll()
      .where('kind', '=', 'directory')
      .where('node_id', '=', a.federation.identity.nodeId)
      .orderBy('created_at', 'desc')
      .orderBy('message_id', 'desc')
      .execute();

  test('clocks apart beyond the window: FEDERATION_CLOCK_SKEW, audited on both nodes, retried', async () => {
    assert.equal((await lookup()).match, true, 'answered while the clocks agree');
    clockA.advance(10 * 60_000);
    const skew = {
      code: 'FEDERATION_CLOCK_SKEW',
      message: /^Council node's clock and this node's differ by more than the 5 minutes allowed/,
    };
    await assert.rejects(lookup(), skew);
    await assert.rejects(
      b.services.exchange.queries.check(await actorOn(b.services, police, 'handler'), {
        providerOrgId: council.orgId,
        purpose: 'safeguarding',
        checkKey: CHECK_KEY,
        identifiers: { nhsNumber: String(person(1).nhsNumber) },
      }),
      skew,
    );
    // The asking node's log: the failed queries, with the code.
    const asked = await b.services.audit.list({ orgId: police.orgId });
    for (const action of ['exchange.lookup', 'exchange.check']) {
      const refused = asked.find((e) => e.action === action && e.outcome === 'refused');
      assert.equal(refused?.details.code, 'FEDERATION_CLOCK_SKEW', `${action} refused`);
      assert.equal(refused?.details.node, `node:${a.federation.identity.nodeId}`);
    }
    // The answering node's log: the message it refused, from whom.
    const refusedOnA = (await a.services.audit.list({ action: 'federation.message.refused' })).find(
      (e) => e.details.code === 'FEDERATION_CLOCK_SKEW' && e.details.kind === 'query.lookup',
    );
    assert.equal(refusedOnA?.actor, `node:${b.federation.identity.nodeId}`);
    assert.match(String(refusedOnA?.details.reason), /more than 5 minutes from this node/);

    // A message through the outbox is kept and retried, not given up on.
    await b.services.exchange.exchangeKeys.rotate(await police.actor('dpo'));
    await b.federation.outbox.flush();
    const [waiting] = await directoriesFromB();
    assert.equal(waiting?.state, 'pending');
    assert.match(waiting?.last_error ?? '', /^FEDERATION_CLOCK_SKEW: /);
    // The clock is put right: the next attempt delivers it.
    clockA.advance(-10 * 60_000);
    clockB.advance(60_000);
    await b.federation.outbox.flush();
    const [sent] = await directoriesFromB();
    assert.equal(sent?.message_id, waiting.message_id);
    assert.equal(sent?.state, 'delivered');
    assert.equal((await lookup()).match, true, 'answered again');
  });

  test('a partner that no longer trusts this node: FEDERATION_UNKNOWN_NODE, given up at once', async () => {
    await a.federation.trust.revoke(
      await council.actor('administrator'),
      b.federation.identity.nodeId,
    );
    await assert.rejects(lookup(), {
      code: 'FEDERATION_UNKNOWN_NODE',
      message: /^Council node does not trust this node/,
    });
    await b.services.exchange.exchangeKeys.rotate(await police.actor('dpo'));
    await b.federation.outbox.flush();
    const [refused] = await directoriesFromB();
    assert.equal(refused?.state, 'failed');
    assert.equal(refused?.attempts, 1, 'not retried');
    assert.match(refused?.last_error ?? '', /^FEDERATION_UNKNOWN_NODE: Council node does not/);
    const failed = (await b.services.audit.list({ action: 'federation.message.failed' })).find(
      (e) => e.details.messageId === refused.message_id,
    );
    assert.equal(failed?.details.code, 'FEDERATION_UNKNOWN_NODE');
    assert.equal(failed?.details.attempts, 1);
  });

  test('any other refusal reads as unreachable: a partner’s code is not taken on its word', async () => {
    // A server holding B's certificate (so the pin holds) that refuses with whatever it likes.
    let answer = { status: 403, code: 'FEDERATION_CLOCK_SKEW' };
    const fake = https.createServer(
      { key: b.federation.identity.tls.key, cert: b.federation.identity.tls.cert },
      (req, res) => {
        req.resume();
        req.on('end', () =>
          res
            .writeHead(answer.status, { 'content-type': 'application/json' })
            .end(JSON.stringify({ error: { code: answer.code, message: 'Said by the partner.' } })),
        );
      },
    );
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    try {
      const row = await a.services.store.db
        .selectFrom('federation_node')
        .selectAll()
        .where('node_id', '=', b.federation.identity.nodeId)
        .executeTakeFirstOrThrow();
      const node = { ...row, url: `https://127.0.0.1:${(fake.address() as AddressInfo).port}` };
      const link = new Link(a.federation.identity, clockA);
      const send = () =>
        link.send(node, { id: newMessageId(), kind: 'directory', body: { organisations: [] } });
      await assert.rejects(send(), { code: 'FEDERATION_CLOCK_SKEW', message: /^Police node's/ });
      for (const code of ['FORBIDDEN', 'FEDERATION_BAD_SIGNATURE', 'INTERNAL', 'MADE_UP']) {
        answer = { status: 403, code };
        await assert.rejects(send(), {
          code: 'FEDERATION_UNREACHABLE',
          message: `Police node did not accept the message: ${code} (Said by the partner.)`,
        });
      }
    } finally {
      fake.closeAllConnections(); // the link keeps its connections open between messages
      await new Promise((r) => fake.close(r));
    }
  });
});
