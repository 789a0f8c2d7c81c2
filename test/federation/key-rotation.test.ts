// An organisation on node B rotates its exchange key. Node A learns the new key (B sends its
// directory at once, and A gets it again whenever it refreshes): the next transfer to B names the
// new key and opens there. Transfers A sealed to the old key (delivered before, or sealed just
// before A learnt of the rotation) still open on B, until B destroys the old key: then chunks
// sealed to it are refused as they arrive, and A is told.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtectedHeader } from 'jose';
import type { Actor } from '../../src/domain/policy/actor.ts';
import { testClock } from '../helpers/clock.ts';
import { forEachDialect } from '../helpers/db.ts';
import { peopleAsset } from '../helpers/exchange.ts';
import type { OrgFixture } from '../helpers/people.ts';
import type { TestNode } from './nodes.ts';
import { actorOn, partners } from './partners.ts';

forEachDialect('exchange key rotation across nodes', (dialect) => {
  const clock = testClock();
  let a: TestNode;
  let b: TestNode;
  let council: OrgFixture;
  let police: OrgFixture;
  let agreementId = '';
  let source = '';
  let into = '';
  const onB = (who: 'handler' | 'dpo'): Promise<Actor> => actorOn(b.services, police, who);

  before(async () => {
    ({ a, b, council, police, agreementId, source } = await partners(dialect, clock, {}, 3));
    into = await peopleAsset(b.services, police, 0);
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
  const ready = async (id: string): Promise<void> => {
    const sent = await a.services.exchange.transfers.ready(await council.actor('handler'), id);
    assert.equal(sent.state, 'delivered');
  };
  /** The key ids the transfer's chunks name, as they arrived on B. */
  const kidsOnB = async (id: string): Promise<string[]> =>
    (
      await b.services.store.db
        .selectFrom('transfer_chunk')
        .select('jwe')
        .where('transfer_id', '=', id)
        .execute()
    ).map((c) => String(decodeProtectedHeader(c.jwe).kid));
  const open = async (id: string): Promise<string> =>
    (await b.services.exchange.transfers.open(await onB('handler'), id, into)).state;
  /** The key A would seal to for the police now. */
  const known = async (): Promise<string | undefined> => {
    const r = await a.services.store.db
      .selectFrom('federation_org')
      .select('exchange_jwk')
      .where('org_id', '=', police.orgId)
      .executeTakeFirstOrThrow();
    return (JSON.parse(r.exchange_jwk) as { kid?: string }).kid;
  };

  test('after B rotates, A seals to the new key; what A sealed to the old one still opens', async () => {
    const [first] = await b.services.exchange.exchangeKeys.list(
      await police.actor('administrator'),
    );
    assert.equal(await known(), first!.keyId, 'the directory publishes the key id');
    const delivered = await draft();
    await ready(delivered);
    const sealedJustBefore = await draft(); // sealed now, sent after the rotation

    const r = await b.services.exchange.exchangeKeys.rotate(await police.actor('dpo'));
    assert.equal(r.oldKeyId, first!.keyId);
    await b.federation.outbox.flush(); // B sends its directory to A
    assert.equal(await known(), r.newKeyId);

    await ready(sealedJustBefore);
    const next = await draft();
    await ready(next);
    assert.deepEqual(await kidsOnB(delivered), [r.oldKeyId]);
    assert.deepEqual(await kidsOnB(sealedJustBefore), [r.oldKeyId]);
    assert.deepEqual(await kidsOnB(next), [r.newKeyId]);
    for (const id of [delivered, sealedJustBefore, next]) assert.equal(await open(id), 'opened');
  });

  test('a directory refresh by A also brings the new key', async () => {
    // B rotates without reaching A (as if its message to A had failed); A learns on its next
    // refresh of the directory.
    const outbox = b.federation.outbox;
    const flush = outbox.flush.bind(outbox);
    outbox.flush = async () => undefined;
    let r;
    try {
      r = await b.services.exchange.exchangeKeys.rotate(await police.actor('administrator'));
      await b.services.store.db
        .deleteFrom('federation_outbox')
        .where('kind', '=', 'directory')
        .where('state', '=', 'pending')
        .execute();
    } finally {
      outbox.flush = flush;
    }
    assert.notEqual(await known(), r.newKeyId);
    const stale = await draft();
    await a.federation.trust.sync(b.federation.identity.nodeId);
    assert.equal(await known(), r.newKeyId);
    const fresh = await draft();
    await ready(stale);
    await ready(fresh);
    assert.deepEqual(await kidsOnB(stale), [r.oldKeyId]);
    assert.deepEqual(await kidsOnB(fresh), [r.newKeyId]);
    for (const id of [stale, fresh]) assert.equal(await open(id), 'opened');
  });

  test('chunks sealed to a key B has since destroyed are refused on arrival, and A is told', async () => {
    const stale = await draft(); // sealed to B's current key, which B then retires and destroys
    const r = await b.services.exchange.exchangeKeys.rotate(await police.actor('dpo'));
    await b.services.store.transaction(async (tx) => {
      assert.ok(await b.services.exchange.keyPairs.destroy(tx, police.orgId, r.oldKeyId!));
    });
    const sent = await a.services.exchange.transfers.ready(await council.actor('handler'), stale);
    assert.equal(sent.state, 'ready', 'not delivered');
    const told = await a.services.audit.list({
      orgId: council.orgId,
      action: 'exchange.transfer.undeliverable',
      target: `transfer:${stale}`,
    });
    assert.ok(told.some((e) => e.details.code === 'EXCHANGE_KEY_DESTROYED'));
    const inbox = await b.services.exchange.transfers.views.list(await onB('handler'), 'inbox');
    assert.ok(!inbox.transfers.some((t) => t.id === stale), 'nothing shows on B');
    const heldOnB = await b.services.store.db
      .selectFrom('transfer_inbound_chunk')
      .select('chunk_index')
      .where('transfer_id', '=', stale)
      .execute();
    assert.equal(heldOnB.length, 0, 'no chunk sealed to the destroyed key is kept');
    // Made again once A has B's directory, it is sealed to the current key and arrives.
    await b.federation.outbox.flush();
    await ready(await draft());
  });
});
