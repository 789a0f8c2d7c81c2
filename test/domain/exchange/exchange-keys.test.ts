// Rotating an organisation's exchange key, on a real database: what was sealed to the old key
// still opens (with its kid, or without one as before keys had ids), what is sealed after names
// the new key, only the administrator and the DPO may rotate, and the audit names key ids only.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { CompactEncrypt, decodeProtectedHeader } from 'jose';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { setupOrg } from '../../helpers/people.ts';
import type { OrgFixture } from '../../helpers/people.ts';
import { testClock } from '../../helpers/clock.ts';
import { exchangeAgreement, peopleAsset } from '../../helpers/exchange.ts';
import { correctionNotice } from '../../helpers/corrections.ts';
import type { Agreement } from '../../../src/domain/agreements/agreements.view.ts';
import type { Services } from '../../../src/services.ts';
import { AccordError } from '../../../src/errors.ts';
import { decryptWith } from '../../../src/domain/exchange/envelope.ts';

forEachDialect('exchange: key rotation', (dialect) => {
  const clock = testClock();
  let t: TestServices;
  let s: Services;
  let council: OrgFixture;
  let police: OrgFixture;
  let dsa: Agreement;
  let source: string;
  let inbox: string;

  before(async () => {
    t = await createTestServices(dialect, {}, clock);
    s = t.services;
    council = await setupOrg(s, 'Northshire Council', { tokens: false });
    police = await setupOrg(s, 'Northshire Police', { tokens: false });
    dsa = await exchangeAgreement(s, council, police);
    source = await peopleAsset(s, council, 3, 'Residents');
    inbox = await peopleAsset(s, police, 0, 'Received from partners');
  });
  after(async () => t.close());

  /** A transfer from the council to the police, delivered. */
  const sent = async (): Promise<string> => {
    const handler = await council.actor('handler');
    const x = await s.exchange.transfers.create(handler, {
      recipientOrgId: police.orgId,
      agreementId: dsa.id,
      purpose: 'safeguarding',
      recordType: 'person',
      selection: { kind: 'asset', assetId: source },
    });
    await s.exchange.transfers.ready(handler, x.id);
    return x.id;
  };
  const chunks = (id: string) =>
    s.store.db
      .selectFrom('transfer_chunk')
      .select(['chunk_index', 'jwe'])
      .where('transfer_id', '=', id)
      .execute();
  const kidsOf = async (id: string): Promise<string[]> =>
    (await chunks(id)).map((c) => String(decodeProtectedHeader(c.jwe).kid));
  const open = async (id: string) =>
    s.exchange.transfers.open(await police.actor('handler'), id, inbox);
  const rotate = async () => s.exchange.exchangeKeys.rotate(await police.actor('administrator'));

  test('a transfer sealed before a rotation still opens; one sealed after names the new key', async () => {
    const before = await sent();
    const [first] = await s.exchange.exchangeKeys.list(await police.actor('dpo'));
    assert.ok(first && /^[0-9a-f]{16}$/.test(first.keyId));
    assert.deepEqual(await kidsOf(before), [first.keyId]);

    const r = await rotate();
    assert.equal(r.oldKeyId, first.keyId);
    assert.notEqual(r.newKeyId, first.keyId);
    assert.deepEqual(
      r.keys.map((k) => [k.keyId, k.version, k.retiredAt === null]),
      [
        [r.newKeyId, first.version + 1, true],
        [first.keyId, first.version, false],
      ],
    );

    const afterwards = await sent();
    assert.deepEqual(await kidsOf(afterwards), [r.newKeyId]);
    assert.equal((await open(before)).state, 'opened');
    assert.equal((await open(afterwards)).state, 'opened');
  });

  test('an envelope without a kid (sealed before keys had ids) opens with the oldest key', async () => {
    const id = await sent();
    // Re-seal its chunk as the code before rotation did: to the first key, with no kid.
    const [oldest] = (await s.exchange.exchangeKeys.list(await police.actor('dpo'))).slice(-1);
    assert.equal(oldest?.version, 1);
    const pairs = s.exchange.keyPairs;
    const firstPublic = await s.store.db
      .selectFrom('exchange_key')
      .select('public_jwk')
      .where('org_id', '=', police.orgId)
      .where('version', '=', 1)
      .executeTakeFirstOrThrow();
    const oldKey = createPublicKey({ key: JSON.parse(firstPublic.public_jwk), format: 'jwk' });
    for (const c of await chunks(id)) {
      const { plaintext, protectedHeader } = await decryptWith(
        pairs.opener(s.store, police.orgId),
        c.jwe,
      );
      const legacy = await new CompactEncrypt(plaintext)
        .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', cty: protectedHeader.cty })
        .encrypt(oldKey);
      assert.equal(decodeProtectedHeader(legacy).kid, undefined);
      await s.store.db
        .updateTable('transfer_chunk')
        .set({ jwe: legacy })
        .where('transfer_id', '=', id)
        .where('chunk_index', '=', c.chunk_index)
        .execute();
    }
    await rotate();
    assert.equal((await open(id)).state, 'opened');
  });

  test('an envelope naming a key the organisation does not have does not open', async () => {
    const id = await sent();
    const [c] = await chunks(id);
    assert.ok(decodeProtectedHeader(c!.jwe).kid);
    await assert.rejects(decryptWith(s.exchange.keyPairs.opener(s.store, council.orgId), c!.jwe));
  });

  test('a correction notice sealed before a rotation still applies; one after names the new key', async () => {
    const handler = (o: OrgFixture) => o.actor('handler');
    const kidOf = async (noticeId: string): Promise<unknown> => {
      const n = await s.store.db
        .selectFrom('correction_notice')
        .select('sealed')
        .where('notice_id', '=', noticeId)
        .executeTakeFirstOrThrow();
      return decodeProtectedHeader(n.sealed).kid;
    };
    const before = await correctionNotice(s, council, police, handler);
    const r = await rotate();
    assert.equal(await kidOf(before.noticeId), r.oldKeyId);
    const afterwards = await correctionNotice(s, council, police, handler);
    assert.equal(await kidOf(afterwards.noticeId), r.newKeyId);
    for (const n of [before, afterwards])
      assert.equal(
        (await s.corrections.apply(await police.actor('handler'), n.noticeId)).state,
        'acknowledged',
      );
  });

  test('only the administrator and the DPO may rotate; the audit names key ids, never keys', async () => {
    for (const who of ['handler', 'iao', 'auditor', 'siro', 'member'] as const) {
      await assert.rejects(
        s.exchange.exchangeKeys.rotate(await police.actor(who)),
        (e: unknown) => e instanceof AccordError && e.code === 'FORBIDDEN',
        who,
      );
    }
    const r = await s.exchange.exchangeKeys.rotate(await police.actor('dpo'));
    const [entry] = await s.audit.list({ orgId: police.orgId, action: 'exchange.key.rotated' });
    assert.equal(entry?.target, `exchange-key:${police.orgId}`);
    assert.deepEqual(entry?.details, { oldKeyId: r.oldKeyId, newKeyId: r.newKeyId });
    const tried = await s.audit.list({
      orgId: police.orgId,
      target: `exchange-key:${police.orgId}`,
    });
    assert.ok(tried.filter((e) => e.outcome === 'deny').length >= 5);
    const current = await s.store.db
      .selectFrom('exchange_key')
      .select(['key_id'])
      .where('org_id', '=', police.orgId)
      .where('retired_at', 'is', null)
      .execute();
    assert.deepEqual(
      current.map((k) => k.key_id),
      [r.newKeyId],
    );
  });

  test('two rotations at once: each succeeds or fails with CONFLICT; one current key remains', async () => {
    const admin = await police.actor('administrator');
    const results = await Promise.allSettled([
      s.exchange.exchangeKeys.rotate(admin),
      s.exchange.exchangeKeys.rotate(admin),
    ]);
    assert.ok(results.some((r) => r.status === 'fulfilled'));
    for (const r of results)
      if (r.status === 'rejected')
        assert.ok(
          r.reason instanceof AccordError && r.reason.code === 'CONFLICT',
          String(r.reason),
        );
    const keys = await s.exchange.exchangeKeys.list(admin);
    assert.equal(keys.filter((k) => k.retiredAt === null).length, 1);
    assert.deepEqual(
      keys.map((k) => k.version),
      keys.map((_, i) => keys.length - i),
    );
  });

  test('an organisation with no key yet gets its first on rotation', async () => {
    const fresh = await setupOrg(s, 'Northshire Fire', { tokens: false });
    const r = await s.exchange.exchangeKeys.rotate(await fresh.actor('administrator'));
    assert.equal(r.oldKeyId, null);
    assert.equal(r.keys.length, 1);
    assert.equal(r.keys[0]?.version, 1);
  });
});
