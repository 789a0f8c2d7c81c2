// What each side of a transfer between nodes is told, in the app and by its organisation's
// webhook (a local HTTP server stands in for each): the police on B of its arrival, with the
// sender and the deadline; the council on A of its rejection (with the reason), its
// acknowledgement and its expiry. Each call is signed by the key of the node that makes it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { forEachDialect } from '../helpers/db.ts';
import { testClock } from '../helpers/clock.ts';
import { peopleAsset } from '../helpers/exchange.ts';
import type { OrgFixture } from '../helpers/people.ts';
import type { TestNode } from './nodes.ts';
import { actorOn, partners } from './partners.ts';
import type { Partners } from './partners.ts';

const DAY = 86_400_000;

interface Call {
  body: string;
  json: { id: string; orgId: string; kind: string; transferId: string; message: string };
  headers: http.IncomingHttpHeaders;
}

/** A webhook receiver: every call it was made, in order. */
async function receiver(): Promise<{ url: string; calls: Call[]; close(): void }> {
  const calls: Call[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      calls.push({ body, json: JSON.parse(body) as Call['json'], headers: req.headers });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/accord`, calls, close: () => server.close() };
}

forEachDialect('federation: transfer notices and webhooks', (dialect) => {
  const clock = testClock();
  let p: Partners;
  let into = '';
  let hookA: Awaited<ReturnType<typeof receiver>>;
  let hookB: Awaited<ReturnType<typeof receiver>>;

  before(async () => {
    p = await partners(dialect, clock, {}, 3);
    into = await peopleAsset(p.b.services, p.police, 0);
    [hookA, hookB] = await Promise.all([receiver(), receiver()]);
    await p.a.services.exchange.notifications.setWebhook(
      await p.council.actor('administrator'),
      hookA.url,
    );
    await p.b.services.exchange.notifications.setWebhook(
      await p.police.actor('administrator'),
      hookB.url,
    );
  });
  after(async () => {
    hookA?.close();
    hookB?.close();
    await p?.a.close();
    await p?.b.close();
  });

  const onA = () => actorOn(p.a.services, p.council, 'handler');
  const onB = () => actorOn(p.b.services, p.police, 'handler');

  /** A transfer from the council on A, delivered to the police on B. */
  const delivered = async (): Promise<string> => {
    const handler = await onA();
    const x = await p.a.services.exchange.transfers.create(handler, {
      recipientOrgId: p.police.orgId,
      agreementId: p.agreementId,
      purpose: 'safeguarding',
      recordType: 'person',
      selection: { kind: 'asset', assetId: p.source },
    });
    await p.a.services.exchange.transfers.ready(handler, x.id);
    await p.a.federation.outbox.flush();
    assert.equal(
      (await p.a.services.exchange.transfers.views.get(handler, x.id)).state,
      'delivered',
    );
    return x.id;
  };

  /** The organisation's in-app notices of a kind about a transfer, on the node hosting it. */
  const notices = async (node: TestNode, org: OrgFixture, kind: string, id: string) =>
    (
      await node.services.exchange.notifications.list(await actorOn(node.services, org, 'handler'))
    ).filter((n) => n.kind === kind && n.transferId === id);

  /** The webhook call of a kind about a transfer, once the node has made it (bounded wait). */
  const called = async (
    node: TestNode,
    hook: { calls: Call[] },
    kind: string,
    id: string,
  ): Promise<Call> => {
    const find = () => hook.calls.find((c) => c.json.kind === kind && c.json.transferId === id);
    for (let i = 0; i < 100 && !find(); i++) {
      await node.services.exchange.notifications.deliverDue();
      if (!find()) await new Promise((r) => setTimeout(r, 20));
    }
    const call = find();
    assert.ok(call, `the webhook was called with ${kind} for ${id}`);
    return call;
  };

  /** Signed by this node's key over "<timestamp>.<body>", and by no other node's. */
  const signedBy = (call: Call, node: TestNode, other: TestNode): void => {
    assert.equal(call.headers['accord-key-id'], node.services.keys.keyId);
    const stamp = String(call.headers['accord-timestamp']);
    const signature = Buffer.from(String(call.headers['accord-signature']), 'base64url');
    assert.equal(node.services.keys.verify(`${stamp}.${call.body}`, signature), true);
    assert.equal(node.services.keys.verify(`${stamp}.${call.body} `, signature), false);
    assert.equal(other.services.keys.verify(`${stamp}.${call.body}`, signature), false);
  };

  test('arrival: the police on B are told, in the app and by their webhook, who sent it and by when', async () => {
    const id = await delivered();
    const inB = await p.b.services.exchange.transfers.views.get(await onB(), id);
    assert.equal(inB.state, 'delivered');
    const deadline = inB.expiresAt!;
    // The sender's copy carries the recipient's deadline.
    assert.equal(
      (await p.a.services.exchange.transfers.views.get(await onA(), id)).expiresAt,
      deadline,
    );
    const [note, ...more] = await notices(p.b, p.police, 'arrived', id);
    assert.equal(more.length, 0);
    assert.match(
      note?.message ?? '',
      new RegExp(
        `^Partner Council sent you 3 person records under .+ for safeguarding\\. Open it by ${deadline.slice(0, 10)}\\.$`,
      ),
    );
    const call = await called(p.b, hookB, 'arrived', id);
    assert.equal(call.json.orgId, p.police.orgId);
    assert.equal(call.json.id, note?.id);
    assert.equal(call.json.message, note?.message);
    signedBy(call, p.b, p.a);
    // The sender is not told of an arrival.
    assert.equal(hookA.calls.filter((c) => c.json.transferId === id).length, 0);
  });

  test('rejection on B: the council on A is told why, in the app and by its webhook', async () => {
    const id = await delivered();
    const reason = 'Not people known to us: wrong district';
    const rejected = await p.b.services.exchange.transfers.reject(await onB(), id, reason);
    assert.equal(rejected.state, 'rejected');
    await p.b.federation.outbox.flush();
    const outA = await p.a.services.exchange.transfers.views.get(await onA(), id);
    assert.equal(outA.state, 'rejected');
    assert.equal(outA.reason, reason);
    assert.match(outA.nextStep, /Read the reason/);
    const [note, ...more] = await notices(p.a, p.council, 'rejected', id);
    assert.equal(more.length, 0);
    assert.equal(note?.message, `Partner Police rejected transfer ${id.slice(0, 8)}: ${reason}`);
    const call = await called(p.a, hookA, 'rejected', id);
    assert.equal(call.json.orgId, p.council.orgId);
    assert.equal(call.json.message, note?.message);
    signedBy(call, p.a, p.b);
    // The police's own webhook hears of the arrival only, not of their own rejection.
    assert.deepEqual(
      hookB.calls.filter((c) => c.json.transferId === id).map((c) => c.json.kind),
      ['arrived'],
    );
  });

  test('opened then acknowledged on B: the council on A is told it was acknowledged', async () => {
    const id = await delivered();
    await p.b.services.exchange.transfers.open(await onB(), id, into);
    await p.b.federation.outbox.flush();
    await p.b.services.exchange.transfers.acknowledge(await onB(), id);
    await p.b.federation.outbox.flush();
    assert.equal(
      (await p.a.services.exchange.transfers.views.get(await onA(), id)).state,
      'acknowledged',
    );
    const [note, ...more] = await notices(p.a, p.council, 'acknowledged', id);
    assert.equal(more.length, 0);
    assert.equal(note?.message, `Partner Police acknowledged transfer ${id.slice(0, 8)}.`);
    const call = await called(p.a, hookA, 'acknowledged', id);
    assert.equal(call.json.id, note?.id);
    signedBy(call, p.a, p.b);
  });

  test('expiry: left unacknowledged past the deadline, expired on both nodes, the council told', async () => {
    const id = await delivered();
    await p.b.services.exchange.transfers.open(await onB(), id, into);
    await p.b.federation.outbox.flush();
    clock.advance(15 * DAY);
    let call: Call;
    try {
      assert.ok((await p.a.services.exchange.transfers.expireDue()) >= 1);
      assert.ok((await p.b.services.exchange.transfers.expireDue()) >= 1);
      // Polled while the clock is still past the deadline: the call is due from then.
      call = await called(p.a, hookA, 'expired', id);
    } finally {
      clock.advance(-15 * DAY);
    }
    const outA = await p.a.services.exchange.transfers.views.get(await onA(), id);
    assert.equal(outA.state, 'expired');
    assert.match(outA.nextStep, /Send it again/);
    const inB = await p.b.services.exchange.transfers.views.get(await onB(), id);
    assert.equal(inB.state, 'expired');
    assert.deepEqual(inB.actions, []);
    const [note, ...more] = await notices(p.a, p.council, 'expired', id);
    assert.equal(more.length, 0);
    assert.match(
      note?.message ?? '',
      new RegExp(`^Transfer ${id.slice(0, 8)} to Partner Police expired unacknowledged on `),
    );
    assert.equal(call.json.orgId, p.council.orgId);
    assert.equal(call.json.message, note?.message);
    signedBy(call, p.a, p.b);
    // The police are told on their node: what they opened can no longer be acknowledged.
    const [theirs] = await notices(p.b, p.police, 'expired', id);
    assert.match(
      theirs?.message ?? '',
      /from Partner Council expired on .* before it was acknowledged/,
    );
  });

  test('each node tells only the organisations it hosts: no notice is kept for a partner’s organisation', async () => {
    // The council lives on A, the police on B: what B keeps for the council (or A for the
    // police) is read by nobody; the partner's node tells its own organisation itself.
    const shadow = async (node: TestNode, org: OrgFixture) =>
      (
        await node.services.store.db
          .selectFrom('exchange_notification')
          .select('kind')
          .where('org_id', '=', org.orgId)
          .execute()
      ).map((r) => r.kind);
    assert.deepEqual(await shadow(p.a, p.police), []);
    assert.deepEqual(await shadow(p.b, p.council), []);
  });
});
