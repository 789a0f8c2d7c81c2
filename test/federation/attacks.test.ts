// Attacks a dishonest partner node could try, refused: a card that names another node's id with
// its own keys (to take over that node's organisations), a transfer whose signed manifest lists
// more fields than the transfer it delivers says (to have one list decided and another
// imported), an offer consistent in itself but beyond the agreement (decided again on arrival),
// and a new version of an agreement it does not own. Found by a security review; kept as regressions.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { CompactEncrypt } from 'jose';
import { startNode } from './nodes.ts';
import type { TestNode } from './nodes.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { proposed } from '../helpers/agreements.ts';
import { exchangeTerms } from '../helpers/exchange.ts';
import { person } from '../helpers/records.ts';
import { cardFingerprint } from '../../src/domain/federation/node-identity.ts';
import { keyFromJwk, newMessageId, seal } from '../../src/domain/federation/messages.ts';
import {
  chunkDigest,
  encryptChunk,
  recordDigests,
  sealedDigest,
  signJws,
  wholeDigest,
} from '../../src/domain/exchange/envelope.ts';
import type { AccordError } from '../../src/errors.ts';
import type { Agreement } from '../../src/domain/agreements/agreements.view.ts';
import { canonical, digestOf } from '../../src/domain/agreements/model.ts';
import type { AgreementTerms } from '../../src/domain/agreements/model.ts';

let a: TestNode;
let b: TestNode;
let m: TestNode;
let council: OrgFixture;
let police: OrgFixture;
let forger: https.Server | undefined;
let dsa: Agreement;

before(async () => {
  [a, b, m] = await Promise.all([
    startNode('sqlite', 'A'),
    startNode('sqlite', 'B'),
    startNode('sqlite', 'Mallory'),
  ]);
  council = await setupOrg(a.services, 'Attack Council');
  police = await setupOrg(b.services, 'Attack Police');
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
});
after(async () => {
  forger?.close();
  await Promise.all([a?.close(), b?.close(), m?.close()]);
});

test('a card naming a partner’s node id with other keys is refused, and the partner keeps its row', async () => {
  const bId = b.federation.identity.nodeId;
  const mine = m.federation.trust.card();
  const keys = {
    nodeId: bId,
    signingKey: mine.signingKey,
    encryptionKey: mine.encryptionKey,
    tlsCertSha256: mine.tlsCertSha256,
  };
  const card = { ...keys, name: 'Not B', url: 'x', fingerprint: cardFingerprint(keys) };
  forger = https.createServer(
    { key: m.federation.identity.tls.key, cert: m.federation.identity.tls.cert },
    (_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify(card)),
  );
  await new Promise<void>((r) => forger!.listen(0, '127.0.0.1', r));
  const url = `https://127.0.0.1:${(forger.address() as AddressInfo).port}`;
  await assert.rejects(
    a.federation.trust.trust(await council.actor('administrator'), url, card.fingerprint),
    (e: AccordError) => e.code === 'FEDERATION_BAD_CARD',
  );
  const row = await a.services.store.db
    .selectFrom('federation_node')
    .selectAll()
    .where('node_id', '=', bId)
    .executeTakeFirstOrThrow();
  assert.equal(row.url, b.url);
  assert.equal(row.state, 'trusted');
});

test('a delivered transfer whose signed manifest lists more fields than agreed never reaches the inbox', async () => {
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
  await a.federation.outbox.flush();
  dsa = ag;
  const transferId = await forgedOffer(agreed, more);
  const refused = await b.services.store.db
    .selectFrom('audit_entry')
    .select('entry')
    .where('action', '=', 'federation.message.received')
    .where('outcome', '=', 'refused')
    .execute();
  assert.ok(
    refused.some((r) => r.entry.includes('TRANSFER_TAMPERED')),
    'the offer is refused as tampered',
  );
  const staged = await b.services.store.db
    .selectFrom('transfer_inbound')
    .select('transfer_id')
    .where('transfer_id', '=', transferId)
    .executeTakeFirst();
  assert.equal(staged, undefined, 'nothing was staged');
  const stored = await b.services.store.db
    .selectFrom('transfer')
    .select('transfer_id')
    .where('transfer_id', '=', transferId)
    .executeTakeFirst();
  assert.equal(stored, undefined, 'nothing reached the inbox');
});

test('a partner node cannot add a version to an agreement another organisation owns', async () => {
  const v1 = await b.services.store.db
    .selectFrom('agreement_version')
    .selectAll()
    .where('version_id', '=', dsa.latest.versionId)
    .executeTakeFirstOrThrow();
  const owned = await b.services.store.db
    .selectFrom('agreement')
    .selectAll()
    .where('agreement_id', '=', dsa.id)
    .executeTakeFirstOrThrow();
  const terms = JSON.parse(v1.body) as AgreementTerms;
  for (const f of terms.flows) f.fields.push('nhsNumber', 'address');
  const v2 = {
    ...v1,
    version_id: randomUUID(),
    version: 2,
    status: 'proposed',
    org_id: police.orgId,
    body: canonical(terms),
    digest: digestOf(terms),
  };
  const envelope = await seal(
    b.federation.identity,
    keyFromJwk(a.federation.trust.card().encryptionKey),
    {
      id: newMessageId(),
      to: a.federation.identity.nodeId,
      kind: 'agreement.proposed',
      body: {
        agreement: { ...owned, org_id: police.orgId },
        version: v2,
        parties: [council.orgId, police.orgId],
      },
    },
    new Date(),
  );
  await a.federation.inbox.receive(envelope).catch(() => undefined);
  const versions = await a.services.store.db
    .selectFrom('agreement_version')
    .select(['version', 'org_id'])
    .where('agreement_id', '=', dsa.id)
    .execute();
  assert.deepEqual(
    versions.map((v) => v.version),
    [1],
    'the owner’s node holds only the owner’s version',
  );
});

test('something else the node key signed is not taken as a federation message', async () => {
  const payload = {
    id: newMessageId(),
    from: a.federation.identity.nodeId,
    to: b.federation.identity.nodeId,
    iat: new Date().toISOString(),
    kind: 'directory',
    body: { organisations: [] },
  };
  const jws = signJws(a.federation.identity.keys, payload, 'accord-manifest+jws');
  const envelope = await new CompactEncrypt(Buffer.from(jws))
    .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', cty: 'accord-fed+jws' })
    .encrypt(keyFromJwk(b.federation.trust.card().encryptionKey));
  await assert.rejects(
    b.federation.inbox.receive(envelope),
    (e: AccordError) => e.code === 'FEDERATION_BAD_SIGNATURE',
  );
});

test('a partner cannot expire a transfer: each node expires by its own clock', async () => {
  // The inbox answers a refused message with its code, and audits it: read the code from there.
  const refusal = async (step: string): Promise<unknown> => {
    const id = newMessageId();
    await b.federation.inbox.receive(
      await seal(
        a.federation.identity,
        keyFromJwk(b.federation.trust.card().encryptionKey),
        {
          id,
          to: b.federation.identity.nodeId,
          kind: 'transfer.state',
          body: { transferId: randomUUID(), step, reason: null },
        },
        new Date(),
      ),
    );
    const seen = await b.services.audit.list({ action: 'federation.message.received' });
    return seen.find((e) => e.details.messageId === id)?.details.code;
  };
  // A step a partner may report reaches the transfer look-up (there is none); expiry never does.
  assert.equal(await refusal('acknowledge'), 'NOT_FOUND');
  assert.equal(await refusal('expire'), 'VALIDATION_FAILED');
});

test('only the operating organisation’s administrators change the node-wide trust list', async () => {
  // A second organisation hosted on node A: its administrator may see the trust list, but not
  // change whom every organisation on the node exchanges with — until the operator names it.
  const tenant = await setupOrg(a.services, 'Attack Tenant', { tokens: false });
  const admin = await tenant.actor('administrator');
  assert.ok((await a.federation.trust.list(admin)).length >= 1);
  const mId = m.federation.identity.nodeId;
  const mFp = m.federation.trust.card().fingerprint;
  await assert.rejects(
    a.federation.trust.trust(admin, m.url, mFp),
    (e: AccordError) => e.code === 'FORBIDDEN' && /operates this node/.test(e.message),
  );
  await assert.rejects(
    a.federation.trust.revoke(admin, b.federation.identity.nodeId),
    (e: AccordError) => e.code === 'FORBIDDEN',
  );
  const [refused] = await a.services.audit.list({
    orgId: tenant.orgId,
    action: 'federation.trust-list',
  });
  assert.equal(refused?.outcome, 'refused');
  assert.equal(refused?.details.operatorOrgId, council.orgId);

  await a.federation.trust.setOperator(tenant.orgId);
  try {
    assert.equal((await a.federation.trust.trust(admin, m.url, mFp)).nodeId, mId);
    await assert.rejects(
      a.federation.trust.revoke(await council.actor('administrator'), mId),
      (e: AccordError) => e.code === 'FORBIDDEN',
    );
    assert.equal((await a.federation.trust.revoke(admin, mId)).state, 'revoked');
  } finally {
    await a.federation.trust.setOperator(council.orgId);
  }
});

const agreed = ['givenName', 'familyName', 'dateOfBirth', 'postcode'];
const more = [...agreed, 'nhsNumber', 'address'];

/**
 * An offer A's node key signs, as a dishonest node would make it: its header says `said` fields,
 * its manifest and records carry `sent`. Returns the transfer's id.
 */
async function forgedOffer(said: string[], sent: string[]): Promise<string> {
  const ag = dsa;
  const records = [Object.fromEntries(sent.map((f) => [f, person(3)[f]]))];
  const transferId = randomUUID();
  const to = await a.services.store.db
    .selectFrom('federation_org')
    .select('exchange_jwk')
    .where('org_id', '=', police.orgId)
    .executeTakeFirstOrThrow();
  const published = JSON.parse(to.exchange_jwk) as { kid: string };
  const jwe = await encryptChunk(
    { kid: published.kid, key: keyFromJwk(JSON.parse(to.exchange_jwk)) },
    transferId,
    0,
    records,
  );
  const digest = chunkDigest(recordDigests(records));
  const v = ag.latest;
  const manifest = {
    transferId,
    senderOrgId: council.orgId,
    recipientOrgId: police.orgId,
    agreement: {
      agreementId: ag.id,
      versionId: v.versionId,
      reference: ag.reference,
      version: v.version,
    },
    purpose: 'safeguarding',
    recordType: 'person',
    fields: sent,
    recordCount: 1,
    chunks: [{ index: 0, count: 1, digest, sealed: sealedDigest(jwe) }],
    digest: wholeDigest([digest]),
    createdAt: new Date().toISOString(),
  };
  const at = new Date().toISOString();
  const body = {
    transfer: {
      transfer_id: transferId,
      org_id: council.orgId,
      recipient_org_id: police.orgId,
      agreement_id: ag.id,
      version_id: v.versionId,
      agreement_ref: ag.reference,
      purpose: 'safeguarding',
      record_type: 'person',
      fields: JSON.stringify(said),
      selection: 'x',
      record_count: 1,
      chunk_count: 1,
      byte_count: jwe.length,
      manifest: JSON.stringify(manifest),
      manifest_jws: signJws(a.federation.identity.keys, manifest, 'accord-manifest+jws'),
      created_by: 'x',
      created_at: at,
      ready_at: at,
    },
  };
  const envelope = await seal(
    a.federation.identity,
    keyFromJwk(b.federation.trust.card().encryptionKey),
    { id: newMessageId(), to: b.federation.identity.nodeId, kind: 'transfer.offer', body },
    new Date(),
  );
  await b.federation.inbox.receive(envelope).catch(() => undefined);
  return transferId;
}

test('an offer whose header and manifest agree on more fields than the agreement allows is refused on arrival, in both logs', async () => {
  const transferId = await forgedOffer(more, more);
  const staged = await b.services.store.db
    .selectFrom('transfer_inbound')
    .select('transfer_id')
    .where('transfer_id', '=', transferId)
    .executeTakeFirst();
  assert.equal(staged, undefined, 'nothing was staged');
  for (const orgId of [police.orgId, council.orgId]) {
    const [e] = await b.services.audit.list({ orgId, action: 'exchange.transfer.offer-refused' });
    assert.equal(e?.target, `transfer:${transferId}`);
    assert.equal(e?.details.code, 'FORBIDDEN');
    assert.match(String(e?.details.reason), /does not share fields 'nhsNumber' and 'address'/);
  }
});
