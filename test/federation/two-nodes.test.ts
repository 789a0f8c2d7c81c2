// Two Accord nodes federating over HTTPS: they trust each other by fingerprint (a wrong one is
// refused), an agreement proposed on one is approved on both, a transfer crosses from one to the
// other and is opened and acknowledged, a look-up and a yes/no check are answered by the
// provider's node, and both audit logs verify and hold their side of every step. Tampered,
// misaddressed and replayed envelopes are refused and audited.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { compactVerify } from 'jose';
import { verifyLog } from '../../src/domain/audit/verify.ts';
import { seal } from '../../src/domain/federation/messages.ts';
import { INBOX_PATH } from '../../src/domain/federation/link.ts';
import { postPinned } from '../../src/domain/federation/transport.ts';
import { keyFromJwk } from '../../src/domain/federation/messages.ts';
import type { Services } from '../../src/services.ts';
import { proposed } from '../helpers/agreements.ts';
import { loadOrCreateNodeKeys } from '../../src/domain/node/node-keys.ts';
import { forEachDialect, tempDir } from '../helpers/db.ts';
import { CHECK_KEY, exchangeTerms, peopleAsset } from '../helpers/exchange.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { person } from '../helpers/records.ts';
import { startNode } from './nodes.ts';
import type { TestNode } from './nodes.ts';

async function actions(s: Services, orgId: string | null): Promise<string[]> {
  let q = s.store.db.selectFrom('audit_entry').select('action');
  q = orgId === null ? q.where('org_id', 'is', null) : q.where('org_id', '=', orgId);
  return (await q.execute()).map((r) => r.action);
}

async function refusedCodes(s: Services): Promise<string[]> {
  const rows = await s.store.db
    .selectFrom('audit_entry')
    .select('entry')
    .where('action', '=', 'federation.message.refused')
    .execute();
  return rows.map((r) => (JSON.parse(r.entry) as { details: { code: string } }).details.code);
}

forEachDialect('two federated nodes', (dialect) => {
  let a: TestNode;
  let b: TestNode;
  let council: OrgFixture;
  let police: OrgFixture;
  before(async () => {
    [a, b] = await Promise.all([
      startNode(dialect, 'Northshire Council node'),
      startNode(dialect, 'Northshire Police node'),
    ]);
    council = await setupOrg(a.services, 'Northshire Council');
    police = await setupOrg(b.services, 'Northshire Police');
  });
  after(async () => {
    await a?.close();
    await b?.close();
  });

  test('trust by fingerprint; a wrong fingerprint is refused and audited', async () => {
    const admin = await council.actor('administrator');
    const wrong = 'AB12'.repeat(16);
    await assert.rejects(a.federation.trust.trust(admin, b.url, wrong), {
      code: 'FEDERATION_FINGERPRINT_MISMATCH',
    });
    assert.ok((await actions(a.services, council.orgId)).includes('federation.node.trust'));
    const bCard = b.federation.trust.card();
    assert.match(bCard.fingerprintGrouped, /^([0-9A-F]{4} ){15}[0-9A-F]{4}$/);
    const trustedB = await a.federation.trust.trust(admin, b.url, bCard.fingerprintGrouped);
    assert.equal(trustedB.nodeId, b.federation.identity.nodeId);
    const trustedA = await b.federation.trust.trust(
      await police.actor('administrator'),
      a.url,
      a.federation.trust.card().fingerprint,
    );
    // B's trust swapped directories with A (A already trusted B).
    assert.deepEqual(
      trustedA.organisations.map((o) => o.name),
      ['Northshire Council'],
    );
    const listed = await a.federation.trust.list(admin);
    assert.deepEqual(
      listed[0]!.organisations.map((o) => o.orgId),
      [police.orgId],
    );
  });

  let agreementId = '';
  test('an agreement proposed on one node is approved across both', async () => {
    // Police is on node B: node A knows it from B's directory (same organisation id).
    let ag = await proposed(a.services, council, exchangeTerms(a.services, council, police));
    agreementId = ag.id;
    await a.federation.outbox.flush();
    const onB = await b.services.agreements.get(await police.actor('dpo'), ag.id);
    assert.equal(onB.latest.status, 'proposed');
    assert.equal(onB.latest.digest, ag.latest.digest);
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
    const approvedOnB = await b.services.agreements.get(await police.actor('dpo'), ag.id);
    assert.equal(approvedOnB.latest.status, 'active');
  });

  let transferId = '';
  test('a transfer crosses nodes, is opened and acknowledged, and both sides see each state', async () => {
    const source = await peopleAsset(a.services, council, 3);
    const inbox = await peopleAsset(b.services, police, 0);
    const handler = await council.actor('handler');
    const draft = await a.services.exchange.transfers.create(handler, {
      recipientOrgId: police.orgId,
      agreementId,
      purpose: 'safeguarding',
      recordType: 'person',
      selection: { kind: 'asset', assetId: source },
    });
    transferId = draft.id;
    const sent = await a.services.exchange.transfers.ready(handler, draft.id);
    assert.equal(sent.state, 'delivered');
    const bHandler = await police.actor('handler');
    const box = await b.services.exchange.transfers.views.list(bHandler, 'inbox');
    assert.deepEqual(
      box.transfers.map((t) => [t.id, t.state, t.recordCount]),
      [[draft.id, 'delivered', 3]],
    );
    const opened = await b.services.exchange.transfers.open(bHandler, draft.id, inbox);
    assert.equal(opened.state, 'opened');
    await b.federation.outbox.flush();
    assert.equal(
      (await a.services.exchange.transfers.views.get(handler, draft.id)).state,
      'opened',
    );
    await b.services.exchange.transfers.acknowledge(bHandler, draft.id);
    await b.federation.outbox.flush();
    assert.equal(
      (await a.services.exchange.transfers.views.get(handler, draft.id)).state,
      'acknowledged',
    );
    const imported = await b.services.store.db
      .selectFrom('record')
      .select('record_id')
      .where('source', '=', `transfer:${draft.id}`)
      .execute();
    assert.equal(imported.length, 3);
  });

  test('a recall across nodes: before opening it wins on both; after opening it is refused', async () => {
    const source = await peopleAsset(a.services, council, 1, undefined, 10);
    const inbox = await peopleAsset(b.services, police, 0);
    const handler = await council.actor('handler');
    const bHandler = await police.actor('handler');
    const send = async () => {
      const d = await a.services.exchange.transfers.create(handler, {
        recipientOrgId: police.orgId,
        agreementId,
        purpose: 'safeguarding',
        recordType: 'person',
        selection: { kind: 'asset', assetId: source },
      });
      return (await a.services.exchange.transfers.ready(handler, d.id)).id;
    };
    const early = await send();
    assert.equal((await a.services.exchange.transfers.recall(handler, early)).state, 'recalled');
    assert.equal(
      (await b.services.exchange.transfers.views.get(bHandler, early)).state,
      'recalled',
    );
    await assert.rejects(b.services.exchange.transfers.open(bHandler, early, inbox), {
      code: 'TRANSFER_STATE',
    });
    const late = await send();
    await b.services.exchange.transfers.open(bHandler, late, inbox);
    await assert.rejects(a.services.exchange.transfers.recall(handler, late), {
      code: 'TRANSFER_STATE',
    });
    await b.federation.outbox.flush();
    assert.equal((await a.services.exchange.transfers.views.get(handler, late)).state, 'opened');
  });

  test('a look-up and a yes/no check are answered by the provider’s node', async () => {
    const asker = await police.actor('handler');
    const found = await b.services.exchange.queries.lookup(asker, {
      providerOrgId: council.orgId,
      purpose: 'safeguarding',
      identifiers: { nhsNumber: String(person(0).nhsNumber) },
    });
    assert.equal(found.match, true);
    assert.equal(found.records[0]!.familyName, person(0).familyName);
    const check = await b.services.exchange.queries.check(asker, {
      providerOrgId: council.orgId,
      purpose: 'safeguarding',
      checkKey: CHECK_KEY,
      identifiers: { nhsNumber: String(person(1).nhsNumber) },
    });
    assert.ok(['yes', 'no'].includes(check.answer));
    assert.equal(check.keyId, a.federation.identity.nodeId);
    // Signed by the provider's node: verifies with the key on its card, as B trusted it.
    await compactVerify(check.signature, keyFromJwk(a.federation.trust.card().signingKey));
    await assert.rejects(
      b.services.exchange.queries.check(asker, {
        providerOrgId: council.orgId,
        purpose: 'safeguarding',
        checkKey: 'not-in-the-agreement',
        identifiers: { nhsNumber: String(person(1).nhsNumber) },
      }),
      (e: { code?: string }) => e.code === 'FORBIDDEN' || e.code === 'NOT_FOUND',
    );
  });

  test('a suspension on one node holds on the other until a party resumes it', async () => {
    const onB = await b.services.agreements.get(await police.actor('dpo'), agreementId);
    const versionId = onB.latest.versionId;
    await b.services.agreements.control(await police.actor('dpo'), versionId, 'suspend', 'Audit');
    await b.federation.outbox.flush();
    const onA = await a.services.agreements.get(await council.actor('dpo'), agreementId);
    assert.equal(onA.latest.status, 'suspended');
    await assert.rejects(
      b.services.exchange.queries.lookup(await police.actor('handler'), {
        providerOrgId: council.orgId,
        purpose: 'safeguarding',
        identifiers: { nhsNumber: String(person(0).nhsNumber) },
      }),
      { code: 'FORBIDDEN' },
    );
    await a.services.agreements.control(await council.actor('siro'), versionId, 'resume', 'Done');
    await a.federation.outbox.flush();
    const back = await b.services.agreements.get(await police.actor('dpo'), agreementId);
    assert.equal(back.latest.status, 'active');
  });

  test('administrators see the card and trust list over the API; others do not', async () => {
    const as = (who: 'administrator' | 'handler') => ({
      authorization: `Bearer ${council.people[who].token}`,
    });
    const card = await a.app.inject({ url: '/api/federation/card', headers: as('administrator') });
    assert.equal(card.statusCode, 200);
    assert.equal(card.json().nodeId, a.federation.identity.nodeId);
    const list = await a.app.inject({ url: '/api/federation/nodes', headers: as('administrator') });
    assert.equal(list.json().nodes[0].nodeId, b.federation.identity.nodeId);
    const refused = await a.app.inject({ url: '/api/federation/nodes', headers: as('handler') });
    assert.equal(refused.statusCode, 403);
    const wrong = await a.app.inject({
      method: 'POST',
      url: '/api/federation/nodes',
      headers: as('administrator'),
      payload: { url: b.url, fingerprint: 'CD34'.repeat(16) },
    });
    assert.equal(wrong.json().error.code, 'FEDERATION_FINGERPRINT_MISMATCH');
  });

  test('tampered, misaddressed and replayed envelopes are refused and audited', async () => {
    const bCard = b.federation.trust.card();
    const bKey = keyFromJwk(bCard.encryptionKey);
    const pinned = { url: b.url, tls_cert: b.federation.identity.tls.cert };
    const post = async (envelope: string) =>
      postPinned(pinned, INBOX_PATH, { envelope }) as Promise<{
        status: number;
        json: { error?: { code: string }; envelope?: string };
      }>;
    const me = a.federation.identity;
    const good = await seal(
      me,
      bKey,
      { id: 'm-1', to: bCard.nodeId, kind: 'directory', body: { organisations: [] } },
      new Date(),
    );
    const flipped = `${good.slice(0, -5)}${good.slice(-5) === 'AAAAA' ? 'BBBBB' : 'AAAAA'}`;
    assert.equal((await post(flipped)).json.error?.code, 'FEDERATION_BAD_ENVELOPE');
    // Signed by a key that is not the one on A's card (the envelope itself decrypts fine).
    const impostor = {
      ...me,
      keys: loadOrCreateNodeKeys(tempDir('accord-impostor-')),
    };
    const forged = await seal(
      impostor,
      bKey,
      { id: 'm-0', to: bCard.nodeId, kind: 'directory', body: { organisations: [] } },
      new Date(),
    );
    assert.equal((await post(forged)).json.error?.code, 'FEDERATION_BAD_SIGNATURE');
    const misaddressed = await seal(
      me,
      bKey,
      { id: 'm-2', to: 'someone-else', kind: 'directory', body: { organisations: [] } },
      new Date(),
    );
    assert.equal((await post(misaddressed)).json.error?.code, 'FEDERATION_WRONG_RECIPIENT');
    const stale = await seal(
      me,
      bKey,
      { id: 'm-3', to: bCard.nodeId, kind: 'directory', body: { organisations: [] } },
      new Date(Date.now() - 10 * 60_000),
    );
    assert.equal((await post(stale)).json.error?.code, 'FEDERATION_CLOCK_SKEW');
    // Delivered twice: applied once and answered the same; the id reused for another body: refused.
    const first = await post(good);
    assert.ok(first.json.envelope);
    const again = await post(good);
    assert.ok(again.json.envelope);
    const reused = await seal(
      me,
      bKey,
      { id: 'm-1', to: bCard.nodeId, kind: 'transfer.state', body: { transferId, step: 'recall' } },
      new Date(),
    );
    assert.equal((await post(reused)).json.error?.code, 'FEDERATION_REPLAY');
    const codes = await refusedCodes(b.services);
    for (const c of [
      'FEDERATION_BAD_ENVELOPE',
      'FEDERATION_BAD_SIGNATURE',
      'FEDERATION_WRONG_RECIPIENT',
      'FEDERATION_CLOCK_SKEW',
      'FEDERATION_REPLAY',
    ])
      assert.ok(codes.includes(c), `${c} audited on the receiving node`);
    assert.ok((await actions(b.services, null)).includes('federation.message.duplicate'));
  });

  test('a revoked node is refused', async () => {
    await b.federation.trust.revoke(
      await police.actor('administrator'),
      a.federation.identity.nodeId,
    );
    await assert.rejects(
      b.services.exchange.queries.lookup(await police.actor('handler'), {
        providerOrgId: council.orgId,
        purpose: 'safeguarding',
        identifiers: { nhsNumber: String(person(0).nhsNumber) },
      }),
    );
    const bCard = b.federation.trust.card();
    const env = await seal(
      a.federation.identity,
      keyFromJwk(bCard.encryptionKey),
      { id: 'm-9', to: bCard.nodeId, kind: 'directory', body: { organisations: [] } },
      new Date(),
    );
    const r = await postPinned(
      { url: b.url, tls_cert: b.federation.identity.tls.cert },
      INBOX_PATH,
      {
        envelope: env,
      },
    );
    assert.equal((r.json as { error: { code: string } }).error.code, 'FEDERATION_UNKNOWN_NODE');
  });

  test('both audit logs verify and each holds its side of the exchange', async () => {
    for (const n of [a, b]) {
      await n.services.audit.checkpoint();
      const report = await verifyLog(n.services.audit);
      assert.equal(report.ok, true, report.problems.join('; '));
    }
    const onA = await actions(a.services, council.orgId);
    for (const x of [
      'federation.node.trusted',
      'agreements.proposed',
      'agreements.approved',
      'exchange.transfer.ready',
      'exchange.transfer.sent',
      'exchange.transfer.delivered',
      'exchange.transfer.opened',
      'exchange.transfer.acknowledged',
      'exchange.lookup.answered',
      'exchange.check.answered',
    ])
      assert.ok(onA.includes(x), `${x} in the council node's log`);
    const onB = await actions(b.services, police.orgId);
    for (const x of [
      'federation.node.trusted',
      'agreements.proposed',
      'agreements.approved',
      'exchange.transfer.delivered',
      'exchange.transfer.opened',
      'exchange.transfer.acknowledged',
      'exchange.lookup',
      'exchange.check',
    ])
      assert.ok(onB.includes(x), `${x} in the police node's log`);
  });
});
