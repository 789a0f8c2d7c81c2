// Crash safety across two nodes, either one killed with SIGKILL in its own process. The sender's
// node killed while making a transfer ready (just before and just after the signature commits) and
// mid-delivery, between two chunks (the sender has no fault point of its own there: the test kills
// it from the recipient's side as a chunk arrives); the recipient's node killed just after the
// open commits and just after the acknowledgement does. After each kill and restart:
// nothing half-visible on either node, nothing committed lost, the outboxes complete what was
// left, both nodes agree on the state, the records arrive once, and both audit logs verify.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { verifyLog } from '../../src/domain/audit/verify.ts';
import { request } from '../../src/domain/federation/transport.ts';
import { SCOPES } from '../../src/domain/policy/permissions.ts';
import type { Services } from '../../src/services.ts';
import { testClock } from '../helpers/clock.ts';
import { forEachDialect } from '../helpers/db.ts';
import { peopleAsset } from '../helpers/exchange.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { restartNode, startNodeProcess } from './nodes.ts';
import type { TestNode } from './nodes.ts';
import { actorOn, partners, staged } from './partners.ts';
import type { Partners } from './partners.ts';

const PEOPLE = 9; // five chunks of two records

forEachDialect('crash safety: either node killed during a transfer', (dialect) => {
  const clock = testClock();
  let p: Partners;
  let into = '';
  const tokens = new Map<OrgFixture, string>();
  /** Each node with the organisation it hosts. */
  const sides = () =>
    [
      [p.a.services, p.council],
      [p.b.services, p.police],
    ] as const;

  before(async () => {
    // One chunk in flight at a time: the kill between two chunks falls at a known place.
    const env = { ACCORD_TRANSFER_CHUNK_RECORDS: '2', ACCORD_FEDERATION_IN_FLIGHT: '1' };
    p = await partners(dialect, clock, env, PEOPLE);
    into = await peopleAsset(p.b.services, p.police, 0);
    for (const [s, org] of sides()) {
      const as = await actorOn(s, org, 'handler');
      const made = await s.tokens.create(as, {
        name: 'crash',
        scopes: [...SCOPES],
        expiresInDays: 30,
      });
      tokens.set(org, made.secret);
    }
  });
  after(async () => {
    await p?.a.close();
    await p?.b.close();
  });

  /** A handler's call to a node's API, as a user's script makes it (the node's own certificate). */
  const post = (node: TestNode, org: OrgFixture, path: string, body: unknown = {}) => {
    const payload = JSON.stringify(body);
    return request(
      new URL(`/api/exchange/transfers/${path}`, node.url),
      {
        method: 'POST',
        ca: [node.federation.identity.tls.cert],
        checkServerIdentity: () => undefined,
        headers: {
          authorization: `Bearer ${tokens.get(org)}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      payload,
    );
  };

  /**
   * Runs a stopped node in a process of its own with `fault` armed, does `act` (which kills it),
   * checks it died by SIGKILL, runs `down` (checks while it is down), and starts the node again
   * here on the same database and port (whose outbox then retries every two seconds by itself).
   */
  async function crash(
    node: TestNode,
    fault: string,
    act: (child: ChildProcess) => Promise<unknown>,
    down: () => Promise<void> = async () => undefined,
  ): Promise<TestNode> {
    clock.set(new Date()); // the node in the child process keeps real time
    await node.stop();
    const child = await startNodeProcess(node, { ACCORD_FAULT_POINT: fault });
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    const answered = await act(child).then(
      (r) => r as { status: number; body: string },
      () => undefined, // the connection died with the node
    );
    if (answered) child.kill('SIGKILL');
    const [, signal] = await exited;
    assert.equal(answered, undefined, `the node answered instead of dying at ${fault}`);
    assert.equal(signal, 'SIGKILL', `the node died at ${fault}`);
    await down();
    return restartNode(node);
  }

  /** Sends what a node's outbox holds, as its retries would once the partner answers. */
  async function drain(node: TestNode): Promise<void> {
    await node.federation.outbox.idle();
    for (let run = 0; run < 5; run++) {
      const waiting = await node.services.store.db
        .updateTable('federation_outbox')
        .set({ next_attempt_at: clock().toISOString() })
        .where('state', '=', 'pending')
        .executeTakeFirst();
      if (run > 0 && Number(waiting.numUpdatedRows) === 0) break;
      await node.federation.outbox.flush();
    }
  }

  const row = (s: Services, id: string) =>
    s.store.db.selectFrom('transfer').selectAll().where('transfer_id', '=', id).executeTakeFirst();

  async function stateOn(s: Services, id: string): Promise<string | undefined> {
    return (await row(s, id))?.state;
  }

  /** How many records a node holds sealed for the transfer, in chunks of it. */
  async function sealed(s: Services, id: string): Promise<number> {
    const chunks = await s.store.db
      .selectFrom('transfer_chunk')
      .select('record_count')
      .where('transfer_id', '=', id)
      .execute();
    return chunks.reduce((n, c) => n + c.record_count, 0);
  }

  /** What must hold on the sender's node, wherever it died: the transfer whole, signed or not. */
  async function whole(id: string, state: 'draft' | 'ready'): Promise<void> {
    const t = (await row(p.a.services, id))!;
    assert.equal(t.state, state);
    assert.equal(await sealed(p.a.services, id), PEOPLE, 'every chunk of the transfer is there');
    assert.equal(t.manifest_jws === null, state === 'draft', 'signed if and only if made ready');
  }

  /** On the recipient's node: in no inbox, nothing staged beyond `held` chunks, nothing imported. */
  async function invisible(id: string, held = 0): Promise<void> {
    const b = p.b.services;
    assert.equal(await row(b, id), undefined, 'not in the recipient’s transfers');
    const inbox = await b.exchange.transfers.views.list(
      await actorOn(b, p.police, 'handler'),
      'inbox',
    );
    assert.ok(!inbox.transfers.some((t) => t.id === id), 'no inbox shows it');
    assert.equal(await staged(b, id), held);
    assert.equal(await imported(id), 0);
  }

  async function imported(id: string): Promise<number> {
    const { n } = await p.b.services.store.db
      .selectFrom('record')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('org_id', '=', p.police.orgId)
      .where('source', '=', `transfer:${id}`)
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  /** How many times each action is in an organisation's log for the transfer, on its node. */
  async function logged(s: Services, org: OrgFixture, id: string): Promise<Map<string, number>> {
    const n = new Map<string, number>();
    for (const e of await s.audit.list({ orgId: org.orgId, target: `transfer:${id}` }))
      n.set(e.action, (n.get(e.action) ?? 0) + 1);
    return n;
  }

  async function bothLogsVerify(): Promise<void> {
    for (const node of [p.a, p.b]) {
      const v = await verifyLog(node.services.audit);
      assert.ok(v.ok, v.problems.join('; '));
    }
  }

  async function draft(): Promise<string> {
    return (
      await p.a.services.exchange.transfers.create(
        await actorOn(p.a.services, p.council, 'handler'),
        {
          recipientOrgId: p.police.orgId,
          agreementId: p.agreementId,
          purpose: 'safeguarding',
          recordType: 'person',
          selection: { kind: 'asset', assetId: p.source },
        },
      )
    ).id;
  }

  /** Delivered on both nodes once the sender's outbox has sent what it holds. */
  async function deliveredOnBoth(id: string): Promise<void> {
    await drain(p.a);
    assert.equal(await stateOn(p.a.services, id), 'delivered');
    assert.equal(await stateOn(p.b.services, id), 'delivered');
    assert.equal(await staged(p.b.services, id), 0);
    assert.equal(await sealed(p.b.services, id), PEOPLE);
    assert.equal((await logged(p.b.services, p.police, id)).get('exchange.transfer.delivered'), 1);
    assert.equal((await logged(p.a.services, p.council, id)).get('exchange.transfer.delivered'), 1);
  }

  let first = '';

  test('sender killed making it ready: unsigned or signed and whole, the partner sees nothing; sent again, it is delivered', async () => {
    first = await draft();
    p.a = await crash(p.a, 'transfer.ready.end', () => post(p.a, p.council, `${first}/ready`));
    await whole(first, 'draft'); // the signature rolled back
    await invisible(first);
    assert.ok(!(await logged(p.a.services, p.council, first)).has('exchange.transfer.ready'));

    // Signed and committed, killed before the offer was queued: it waits, whole, to be sent again.
    p.a = await crash(p.a, 'transfer.readied', () => post(p.a, p.council, `${first}/ready`));
    await whole(first, 'ready');
    await drain(p.a); // nothing queued, so nothing reaches the partner
    await invisible(first);
    assert.equal((await logged(p.a.services, p.council, first)).get('exchange.transfer.ready'), 1);

    const handler = await actorOn(p.a.services, p.council, 'handler');
    await p.a.services.exchange.transfers.ready(handler, first);
    await deliveredOnBoth(first);
    const onA = await logged(p.a.services, p.council, first);
    for (const a of ['drafted', 'ready', 'resumed', 'sent'])
      assert.ok(onA.has(`exchange.transfer.${a}`), `${a} in the council’s log`);
    assert.equal(
      (await logged(p.b.services, p.police, first)).get('exchange.transfer.arriving'),
      1,
    );
    await bothLogsVerify();
  });

  test('sender killed between two chunks: nothing visible on the partner; the outbox completes it after restart', async () => {
    const id = await draft();
    // The third chunk arriving kills the sender: it is stored here, and its answer goes nowhere.
    const inbound = p.b.services.exchange.remote.inbound;
    const chunk = inbound.chunk.bind(inbound);
    let arrived = 0;
    let passed: Promise<unknown> = Promise.resolve();
    let killer: ChildProcess | undefined;
    inbound.chunk = (from, m) => {
      const pass = () => chunk(from, m);
      if (++arrived !== 3 || !killer) return pass();
      const gone = once(killer, 'exit');
      killer.kill('SIGKILL');
      const stored = gone.then(pass);
      passed = stored;
      return stored;
    };
    try {
      // No fault point on the sender's side while chunks travel: none is armed, the test kills it.
      p.a = await crash(
        p.a,
        'none',
        (child) => {
          killer = child;
          return post(p.a, p.council, `${id}/ready`);
        },
        async () => {
          await passed;
          assert.equal(arrived, 3);
          await invisible(id, 3); // while the sender is down: staged, and nowhere to be seen
        },
      );
    } finally {
      Reflect.deleteProperty(inbound, 'chunk'); // the class's own again
    }
    // Still to be delivered, whole (unless the restarted outbox's retry already finished it).
    if ((await stateOn(p.a.services, id)) === 'ready') await whole(id, 'ready');
    await deliveredOnBoth(id);
    const opened = await p.b.services.exchange.transfers.open(
      await actorOn(p.b.services, p.police, 'handler'),
      id,
      into,
    );
    assert.equal(opened.recordCount, PEOPLE);
    assert.equal(await imported(id), PEOPLE, 'every record once');
    await drain(p.b);
    assert.equal(await stateOn(p.a.services, id), 'opened');
    await bothLogsVerify();
  });

  test('recipient killed just after opening: opened once, and the sender hears of it after restart', async () => {
    const open = () => post(p.b, p.police, `${first}/open`, { assetId: into });
    // Committed, killed before answering: its news waits in the outbox. (Killed before the commit,
    // nothing is imported and nothing queued: test/domain/exchange/crash.test.ts kills the open.)
    p.b = await crash(p.b, 'transfer.opened', open);
    assert.equal(await stateOn(p.b.services, first), 'opened');
    assert.equal(await imported(first), PEOPLE);
    await drain(p.b);
    assert.equal(await stateOn(p.a.services, first), 'opened');
    assert.equal(await imported(first), PEOPLE, 'nothing imported twice');
    for (const [s, org] of sides())
      assert.equal((await logged(s, org, first)).get('exchange.transfer.opened'), 1, org.name);
    await bothLogsVerify();
  });

  test('recipient killed just after acknowledging: the acknowledgement is kept and reaches the sender', async () => {
    p.b = await crash(p.b, 'transfer.acknowledged', () =>
      post(p.b, p.police, `${first}/acknowledge`),
    );
    assert.equal(await stateOn(p.b.services, first), 'acknowledged');
    await drain(p.b);
    assert.equal(await stateOn(p.a.services, first), 'acknowledged');
    assert.equal(await imported(first), PEOPLE);
    for (const [s, org] of sides()) {
      const actions = await logged(s, org, first);
      for (const a of ['delivered', 'opened', 'acknowledged'])
        assert.equal(actions.get(`exchange.transfer.${a}`), 1, `${a} once in ${org.name}’s log`);
    }
    await bothLogsVerify();
  });
});
