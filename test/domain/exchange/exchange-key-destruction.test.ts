// Retired exchange keys are destroyed, on a real database: not within the grace period, not while
// a transfer or correction notice sealed to them is still waiting, and then for good — the sealed
// private half overwritten, the key listed as destroyed, the audit naming key ids only, and
// anything sealed to it refused with a clear code (an answered notice still shows, unreadable).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
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
import { ExchangeKeys } from '../../../src/domain/exchange/exchange-keys.ts';

const DAY = 86_400_000;
const GRACE_DAYS = 30;

forEachDialect('exchange: retired keys destroyed', (dialect) => {
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
    council = await setupOrg(s, 'Eastshire Council', { tokens: false });
    police = await setupOrg(s, 'Eastshire Police', { tokens: false });
    dsa = await exchangeAgreement(s, council, police);
    source = await peopleAsset(s, council, 2, 'Residents');
    inbox = await peopleAsset(s, police, 0, 'Received from partners');
  });
  after(async () => t.close());

  /** A transfer from the council to the police, delivered and not yet opened. */
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
  const open = async (id: string) =>
    s.exchange.transfers.open(await police.actor('handler'), id, inbox);
  const rotate = async () => s.exchange.exchangeKeys.rotate(await police.actor('administrator'));
  const keys = async () => s.exchange.exchangeKeys.list(await police.actor('dpo'));
  const sweep = () => s.exchange.exchangeKeys.destroyRetired();
  const stored = async (keyId: string) =>
    s.store.db
      .selectFrom('exchange_key')
      .select(['sealed_private', 'destroyed_at'])
      .where('org_id', '=', police.orgId)
      .where('key_id', '=', keyId)
      .executeTakeFirstOrThrow();

  test('a retired key is kept through its grace period and while a transfer sealed to it waits', async () => {
    const waiting = await sent();
    const { oldKeyId, newKeyId } = await rotate();
    assert.ok(oldKeyId);
    clock.advance((GRACE_DAYS - 1) * DAY);
    assert.deepEqual(await sweep(), [], 'still within the grace period');
    clock.advance(2 * DAY);
    assert.deepEqual(await sweep(), [], 'an unopened transfer is sealed to it');
    assert.equal((await stored(oldKeyId)).destroyed_at, null);

    assert.equal((await open(waiting)).state, 'opened');
    assert.deepEqual(await sweep(), [oldKeyId]);
    const row = await stored(oldKeyId);
    assert.equal(row.sealed_private.length, 0, 'the sealed private half is overwritten');
    assert.ok(row.destroyed_at);
    const listed = await keys();
    assert.equal(listed.find((k) => k.keyId === newKeyId)?.destroyedAt, null, 'current kept');
    assert.ok(listed.find((k) => k.keyId === oldKeyId)?.destroyedAt);
    // Once only: a second sweep finds nothing more to do.
    assert.deepEqual(await sweep(), []);

    const [entry] = await s.audit.list({ orgId: police.orgId, action: 'exchange.key.destroyed' });
    assert.equal(entry?.target, `exchange-key:${police.orgId}`);
    assert.equal(entry?.details.keyId, oldKeyId);
    assert.doesNotMatch(JSON.stringify(entry), /"d"|PRIVATE|sealed_private/);
    // A transfer sealed afterwards names the current key and opens as ever.
    assert.equal((await open(await sent())).state, 'opened');
  });

  test('anything still sealed to a destroyed key is refused as such, and audited', async () => {
    const id = await sent();
    const { oldKeyId } = await rotate();
    assert.ok(oldKeyId);
    // The transfer is waiting, so the key stays; destroy it anyway to see what opening meets
    // (as a partner's envelope sealed to it would, arriving after the grace period).
    await s.store.transaction(async (tx) => {
      assert.ok(await s.exchange.keyPairs.destroy(tx, police.orgId, oldKeyId));
    });
    await assert.rejects(
      open(id),
      (e: unknown) => e instanceof AccordError && e.code === 'EXCHANGE_KEY_DESTROYED',
    );
    const refused = await s.audit.list({ orgId: police.orgId, target: `transfer:${id}` });
    assert.ok(
      refused.some((e) => e.outcome === 'refused' && e.details.code === 'EXCHANGE_KEY_DESTROYED'),
    );
    const transfer = await s.exchange.transfers.views.get(await police.actor('handler'), id);
    assert.equal(transfer.state, 'delivered', 'nothing was imported');
    // The current key is never destroyed.
    const current = (await keys()).find((k) => k.retiredAt === null)!;
    await s.store.transaction(async (tx) => {
      assert.equal(await s.exchange.keyPairs.destroy(tx, police.orgId, current.keyId), false);
    });
  });

  test('a key destroyed by another instance is not used here, though this one has it cached', async () => {
    const id = await sent();
    const { oldKeyId } = await rotate();
    // This instance has the old key in memory from opening a transfer sealed to it.
    assert.ok(await s.exchange.keyPairs.privateKey(s.store, police.orgId, oldKeyId!));
    const other = new ExchangeKeys(s.keyring, s.clock);
    await s.store.transaction(async (tx) => {
      assert.ok(await other.destroy(tx, police.orgId, oldKeyId!));
    });
    await assert.rejects(
      s.exchange.keyPairs.privateKey(s.store, police.orgId, oldKeyId!),
      (e: unknown) => e instanceof AccordError && e.code === 'EXCHANGE_KEY_DESTROYED',
    );
    await assert.rejects(
      open(id),
      (e: unknown) => e instanceof AccordError && e.code === 'EXCHANGE_KEY_DESTROYED',
    );
    // An envelope naming no key would open with the first pair, now destroyed: it is not taken
    // at its word that it was sealed to it (refused as not made for the organisation instead).
    const [first] = (await keys()).slice(-1);
    assert.ok(first?.destroyedAt);
    assert.equal(await s.exchange.keyPairs.privateKey(s.store, police.orgId), undefined);
    // Arriving from a partner sealed to it: refused before it is stored.
    const chunk = await s.store.db
      .selectFrom('transfer_chunk')
      .select('jwe')
      .where('transfer_id', '=', id)
      .executeTakeFirstOrThrow();
    await assert.rejects(
      s.exchange.keyPairs.refuseIfDestroyed(s.store, police.orgId, chunk.jwe),
      (e: unknown) => e instanceof AccordError && e.code === 'EXCHANGE_KEY_DESTROYED',
    );
  });

  test('a correction notice waiting to be applied keeps its key; answered, it still shows', async () => {
    const handler = (o: OrgFixture) => o.actor('handler');
    const notice = await correctionNotice(s, council, police, handler);
    const { oldKeyId } = await rotate();
    assert.ok(oldKeyId);
    // Everything else sealed to that key is done with.
    const { transfers } = await s.exchange.transfers.views.list(
      await police.actor('handler'),
      'inbox',
    );
    for (const t of transfers) if (t.state === 'delivered') await open(t.id).catch(() => undefined);
    clock.advance((GRACE_DAYS + 1) * DAY);
    const destroyed = await sweep();
    assert.ok(!destroyed.includes(oldKeyId), 'the notice waits');

    const applied = await s.corrections.apply(await police.actor('handler'), notice.noticeId);
    assert.equal(applied.state, 'acknowledged');
    assert.ok((await sweep()).includes(oldKeyId));
    // The notice stays on record with its decision; what it asked can no longer be read.
    const shown = await s.corrections.get(await police.actor('handler'), notice.noticeId);
    assert.equal(shown.state, 'acknowledged');
    assert.equal(shown.senderReason, undefined);
  });

  test('a chunk from a partner being stored while the sweep runs keeps its key', async () => {
    // An envelope sealed to the key about to be retired (taken from a transfer, since opened).
    const id = await sent();
    const { jwe } = await s.store.db
      .selectFrom('transfer_chunk')
      .select('jwe')
      .where('transfer_id', '=', id)
      .executeTakeFirstOrThrow();
    const { oldKeyId } = await rotate();
    assert.equal((await open(id)).state, 'opened');
    clock.advance((GRACE_DAYS + 1) * DAY);

    // The partner's chunk arrives: checked, stored, committed only after the sweep has started.
    let release = (): void => undefined;
    const held = new Promise<void>((r) => (release = r));
    const arrival = s.store.transaction(async (tx) => {
      await s.exchange.keyPairs.refuseIfDestroyed(tx, police.orgId, jwe);
      const at = clock().toISOString();
      await tx.db
        .insertInto('transfer_inbound')
        .values({
          transfer_id: 'staged-1',
          org_id: council.orgId,
          recipient_org_id: police.orgId,
          node_id: 'partner-node',
          header: '{}',
          chunks: '[]',
          chunk_count: 2,
          received_at: at,
          updated_at: at,
        })
        .execute();
      await tx.db
        .insertInto('transfer_inbound_chunk')
        .values({
          transfer_id: 'staged-1',
          chunk_index: 0,
          org_id: council.orgId,
          record_count: 2,
          jwe,
        })
        .execute();
      await held;
    });
    const sweeping = sweep();
    await new Promise((r) => setTimeout(r, 300));
    release();
    await arrival;
    assert.deepEqual(await sweeping, [], 'the staged chunk is seen waiting');
    assert.equal((await stored(oldKeyId!)).destroyed_at, null);

    // Once nothing is staged, the key goes.
    for (const table of ['transfer_inbound_chunk', 'transfer_inbound'] as const)
      await s.store.db.deleteFrom(table).where('transfer_id', '=', 'staged-1').execute();
    assert.deepEqual(await sweep(), [oldKeyId]);
  });
});
