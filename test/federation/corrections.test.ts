// Corrections (UK GDPR Art. 19) across two federated nodes: a record sent from the council's node
// and opened on the police's node is rectified at the council; the notice reaches the police's
// node through the outbox, is verified there and applied to the copy, and the council's notice
// shows acknowledged on its request; a dispute travels back with its reason. A notice that does
// not match its signature is refused and audited; one delivered again is stored once. Both audit
// logs verify and hold their side.
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyLog } from '../../src/domain/audit/verify.ts';
import type { NoticeMessage } from '../../src/domain/corrections/corrections-remote.ts';
import { INBOX_PATH } from '../../src/domain/federation/link.ts';
import { keyFromJwk, seal } from '../../src/domain/federation/messages.ts';
import { postPinned } from '../../src/domain/federation/transport.ts';
import type { Services } from '../../src/services.ts';
import { proposed } from '../helpers/agreements.ts';
import { forEachDialect } from '../helpers/db.ts';
import { exchangeTerms, peopleAsset } from '../helpers/exchange.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { person } from '../helpers/records.ts';
import { restartNode, startNode } from './nodes.ts';
import type { TestNode } from './nodes.ts';

const ids = (i: number): Record<string, string> => ({ nhsNumber: String(person(i).nhsNumber) });

async function audited(s: Services, orgId: string, action: string): Promise<string[]> {
  return (await s.audit.list({ orgId, action, limit: 100 })).map((e) => e.target ?? '');
}

forEachDialect('corrections across two nodes (Art. 19)', (dialect) => {
  let a: TestNode;
  let b: TestNode;
  let council: OrgFixture;
  let police: OrgFixture;
  /** The council's record of person(i), on node A. */
  const records = new Map<number, string>();

  before(async () => {
    [a, b] = await Promise.all([
      startNode(dialect, 'Eastshire Council node'),
      startNode(dialect, 'Eastshire Police node'),
    ]);
    council = await setupOrg(a.services, 'Eastshire Council');
    police = await setupOrg(b.services, 'Eastshire Police');
    await a.federation.trust.trust(
      await council.actor('administrator'),
      b.url,
      b.federation.trust.card().fingerprint,
    );
    await b.federation.trust.trust(
      await police.actor('administrator'),
      a.url,
      a.federation.trust.card().fingerprint,
    );
    // The agreement, proposed on A and approved by both parties on their own nodes.
    let ag = await proposed(a.services, council, exchangeTerms(a.services, council, police));
    await a.federation.outbox.flush();
    for (const who of ['dpo', 'siro'] as const)
      await b.services.agreements.decide(
        await police.actor(who),
        ag.latest.versionId,
        'approve',
        null,
      );
    await b.federation.outbox.flush();
    for (const who of ['dpo', 'siro'] as const)
      ag = await a.services.agreements.decide(
        await council.actor(who),
        ag.latest.versionId,
        'approve',
        null,
      );
    assert.equal(ag.latest.status, 'active');
    await a.federation.outbox.flush();
    // Two people's records cross to the police's node and are opened there.
    const source = await peopleAsset(a.services, council, 2, undefined, 500);
    const inbox = await peopleAsset(b.services, police, 0);
    const handler = await council.actor('handler');
    const draft = await a.services.exchange.transfers.create(handler, {
      recipientOrgId: police.orgId,
      agreementId: ag.id,
      purpose: 'safeguarding',
      recordType: 'person',
      selection: { kind: 'asset', assetId: source },
    });
    assert.equal((await a.services.exchange.transfers.ready(handler, draft.id)).state, 'delivered');
    await b.services.exchange.transfers.open(await police.actor('handler'), draft.id, inbox);
    await b.federation.outbox.flush();
    assert.equal(
      (await a.services.exchange.transfers.views.get(handler, draft.id)).state,
      'opened',
    );
    for (const i of [500, 501])
      records.set(i, (await a.services.records.lookup(handler, ids(i), 'check')).records[0]!.id);
  });
  after(async () => {
    await a?.close();
    await b?.close();
  });

  const rectify = async (i: number, payload: Record<string, unknown>, why: string) => {
    const dpo = await council.actor('dpo');
    const r = await a.services.rights.requests.log(dpo, {
      kind: 'rectification',
      channel: 'email',
      receivedOn: a.services.rights.requests.today(),
      identifiers: ids(i),
      description: 'Please correct my records.',
      identityVerified: true,
    });
    await a.services.rights.rightsActions.rectify(dpo, r.id, records.get(i)!, payload, why);
    await a.federation.outbox.flush();
    return r.id;
  };

  let noticeId = '';
  test('a rectification reaches the partner node, is applied there and acknowledged here', async () => {
    const requestId = await rectify(500, { postcode: 'AB9 9ZZ' }, 'Tenancy agreement seen');
    const bHandler = await police.actor('handler');
    const received = await b.services.corrections.list(bHandler, 'received');
    assert.deepEqual(
      received.map((n) => [n.kind, n.fields, n.state]),
      [['rectify', ['postcode'], 'sent']],
    );
    noticeId = received[0]!.id;
    assert.equal((await b.services.exchange.notifications.list(bHandler))[0]?.kind, 'correction');
    const opened = await b.services.corrections.get(bHandler, noticeId);
    assert.deepEqual(opened.changes, { postcode: 'AB9 9ZZ' });
    const applied = await b.services.corrections.apply(bHandler, noticeId);
    assert.equal(applied.state, 'acknowledged');
    const copy = await b.services.records.get(bHandler, applied.recordId!, 'check');
    assert.deepEqual([copy.version, copy.payload.postcode], [2, 'AB9 9ZZ']);
    await b.federation.outbox.flush();

    const dpo = await council.actor('dpo');
    const [mine] = await a.services.corrections.forRequest(dpo, requestId);
    assert.deepEqual([mine!.id, mine!.state], [noticeId, 'acknowledged']);
    const timeline = (await a.services.rights.requests.get(dpo, requestId)).timeline;
    assert.ok(timeline.some((e) => e.kind === 'correction-acknowledged'));
    assert.equal(
      (await a.services.exchange.notifications.list(await council.actor('handler')))[0]?.kind,
      'correction-acknowledged',
    );
  });

  test('a dispute travels back with its reason', async () => {
    const requestId = await rectify(501, { givenName: 'Ann' }, 'Deed poll');
    const bHandler = await police.actor('handler');
    const [n] = await b.services.corrections.list(bHandler, 'received', { state: 'sent' });
    const why = 'Our custody record shows the earlier name on a signed statement';
    assert.equal((await b.services.corrections.dispute(bHandler, n!.id, why)).state, 'disputed');
    await b.federation.outbox.flush();
    const [mine] = await a.services.corrections.forRequest(await council.actor('dpo'), requestId);
    assert.deepEqual([mine!.state, mine!.disputeReason], ['disputed', why]);
    assert.equal(
      (await a.services.exchange.notifications.list(await council.actor('handler')))[0]?.kind,
      'correction-disputed',
    );
  });

  test('a notice that does not match its signature is refused and audited; a repeat is stored once', async () => {
    const row = await a.services.store.db
      .selectFrom('correction_notice')
      .selectAll()
      .where('notice_id', '=', noticeId)
      .executeTakeFirstOrThrow();
    const m: NoticeMessage = {
      notice_id: row.notice_id,
      org_id: row.org_id,
      recipient_org_id: row.recipient_org_id,
      transfer_id: row.transfer_id,
      line: row.line,
      kind: row.kind,
      fields: row.fields,
      agreement_ref: row.agreement_ref,
      purpose: row.purpose,
      sealed: row.sealed,
      signed: row.signed,
      due_at: row.due_at,
      created_by: row.created_by,
      created_at: row.created_at,
    };
    const bCard = b.federation.trust.card();
    const post = async (body: NoticeMessage) => {
      const env = await seal(
        a.federation.identity,
        keyFromJwk(bCard.encryptionKey),
        { id: randomUUID(), to: bCard.nodeId, kind: 'correction.notice', body },
        new Date(),
      );
      await postPinned({ url: b.url, tls_cert: b.federation.identity.tls.cert }, INBOX_PATH, {
        envelope: env,
      });
    };
    // The same notice under a new message id: the inbox cannot tell, the handler stores it once.
    await post(m);
    const stored = await b.services.store.db
      .selectFrom('correction_notice')
      .select('state')
      .where('notice_id', '=', noticeId)
      .execute();
    assert.deepEqual(stored, [{ state: 'acknowledged' }]);
    // Another notice id under the same signature, or another line: refused before it is stored.
    const forged = randomUUID();
    await post({ ...m, notice_id: forged });
    await post({ ...m, notice_id: randomUUID(), line: m.line + 1 });
    const none = await b.services.store.db
      .selectFrom('correction_notice')
      .select('notice_id')
      .where('notice_id', '=', forged)
      .execute();
    assert.equal(none.length, 0);
    const refused = await audited(b.services, police.orgId, 'corrections.verification-failed');
    assert.ok(refused.includes(`correction:${forged}`));
  });

  test('both audit logs verify and each holds its side', async () => {
    for (const n of [a, b]) {
      await n.services.audit.checkpoint();
      const report = await verifyLog(n.services.audit);
      assert.equal(report.ok, true, report.problems.join('; '));
    }
    const target = `correction:${noticeId}`;
    for (const action of ['corrections.sent', 'corrections.acknowledged'])
      assert.ok((await audited(a.services, council.orgId, action)).includes(target), action);
    assert.equal((await audited(a.services, council.orgId, 'corrections.disputed')).length, 1);
    for (const action of ['corrections.received', 'corrections.acknowledged'])
      assert.ok((await audited(b.services, police.orgId, action)).includes(target), action);
    assert.equal(
      (await audited(b.services, police.orgId, 'corrections.received')).filter((t) => t === target)
        .length,
      1,
      'stored and audited once',
    );
    assert.equal((await audited(b.services, police.orgId, 'corrections.disputed')).length, 1);
    assert.equal((await audited(b.services, police.orgId, 'records.corrected')).length, 1);
  });
  // Last: it stops and restarts the council's node.
  test('an answer that cannot reach the sender’s node: whoever answered is told, and it goes once that node is back', async () => {
    const requestId = await rectify(500, { postcode: 'AB7 7ZZ' }, 'Council tax record');
    const bHandler = await police.actor('handler');
    const [n] = await b.services.corrections.list(bHandler, 'received', { state: 'sent' });
    // A's node is away, and the answer's retries run out.
    await a.stop();
    await b.services.corrections.dispute(bHandler, n!.id, 'The tenancy ended in March');
    await b.federation.outbox.flush();
    await b.services.store.db
      .updateTable('federation_outbox')
      .set({ attempts: 19, next_attempt_at: new Date(0).toISOString() })
      .where('kind', '=', 'correction.answered')
      .where('state', '=', 'pending')
      .execute();
    await b.federation.outbox.flush();
    const [told] = await b.services.exchange.notifications.list(bHandler);
    assert.equal(told?.kind, 'correction-delayed');
    assert.match(told.message, /Your answer to the correction notice from Eastshire Council/);
    assert.match(told.message, /sent again, in order, as soon as that node is heard from/);
    // Back: A is heard from, and the answer goes.
    a = await restartNode(a);
    await a.federation.trust.sync(b.federation.identity.nodeId);
    await b.federation.outbox.flush();
    const dpo = await a.services.actors.personActor(council.people.dpo.personId, { mfa: true });
    const [mine] = await a.services.corrections.forRequest(dpo!, requestId);
    assert.equal(mine!.state, 'disputed');
  });
});
