// Partners on different versions keep exchanging: each node tells its partners, with its
// directory, which newer message forms it understands (features.ts), and sends a partner a newer
// form only once it said so. A partner that said nothing, as a node before features does, gets a
// transfer's chunks as JSON lists inside their envelopes, which every version takes; a node
// started on a version with other features tells every partner again.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { decryptWith } from '../../src/domain/exchange/envelope.ts';
import {
  NODE_FEATURES,
  TOLD_SETTING,
  featuresOf,
  readFeatures,
} from '../../src/domain/federation/features.ts';
import { OPERATOR } from '../../src/domain/federation/trust.service.ts';
import * as settings from '../../src/domain/node/node-settings.ts';
import type { Services } from '../../src/services.ts';
import { testClock } from '../helpers/clock.ts';
import { forEachDialect } from '../helpers/db.ts';
import { peopleAsset } from '../helpers/exchange.ts';
import { restartNode } from './nodes.ts';
import type { TestNode } from './nodes.ts';
import { actorOn, partners } from './partners.ts';
import type { Partners } from './partners.ts';

const ALL = [...NODE_FEATURES].sort();

/** What `node` keeps of what `partner` said it understands (null: nothing said). */
async function kept(node: TestNode, partner: TestNode): Promise<string[] | null> {
  const r = await node.services.store.db
    .selectFrom('federation_node')
    .select('features')
    .where('node_id', '=', partner.federation.identity.nodeId)
    .executeTakeFirstOrThrow();
  return r.features === null ? null : (JSON.parse(r.features) as string[]);
}

async function forget(node: TestNode, partner: TestNode): Promise<void> {
  await node.services.store.db
    .updateTable('federation_node')
    .set({ features: null })
    .where('node_id', '=', partner.federation.identity.nodeId)
    .execute();
}

async function lastLearned(s: Services): Promise<Record<string, unknown>> {
  const entries = await s.audit.list({ action: 'federation.directory.learned' });
  return entries.at(-1)!.details;
}

forEachDialect('partners on different versions', (dialect) => {
  const clock = testClock();
  let p: Partners;
  before(async () => {
    p = await partners(dialect, clock, { ACCORD_TRANSFER_CHUNK_RECORDS: '2' }, 5);
  });
  after(async () => {
    await p?.a.close();
    await p?.b.close();
  });

  test('partners tell each other what they understand with their directories', async () => {
    for (const [node, partner] of [
      [p.a, p.b],
      [p.b, p.a],
    ] as const) {
      assert.deepEqual(await kept(node, partner), ALL);
      const [listed] = await node.federation.trust.list(OPERATOR);
      assert.deepEqual(listed!.features, ALL);
      assert.deepEqual((await lastLearned(node.services)).features, ALL);
    }
  });

  test('a partner that has not said gets chunks as JSON lists inside their envelopes, and opens them', async () => {
    await forget(p.a, p.b);
    const [listed] = await p.a.federation.trust.list(OPERATOR);
    assert.equal(listed!.features, null);
    // What B's inbox is posted: with the chunk beside the envelope, or inside it.
    const inbox = p.b.federation.inbox;
    const receive = inbox.receive.bind(inbox);
    const posted: boolean[] = [];
    inbox.receive = async (envelope, address, attachment) => {
      posted.push(attachment !== undefined);
      return receive(envelope, address, attachment);
    };
    try {
      const handler = await p.council.actor('handler');
      const draft = await p.a.services.exchange.transfers.create(handler, {
        recipientOrgId: p.police.orgId,
        agreementId: p.agreementId,
        purpose: 'safeguarding',
        recordType: 'person',
        selection: { kind: 'asset', assetId: p.source },
      });
      const sent = await p.a.services.exchange.transfers.ready(handler, draft.id);
      assert.equal(sent.state, 'delivered');
      assert.ok(posted.length >= 4, 'an offer and three chunks');
      assert.ok(
        posted.every((beside) => !beside),
        'nothing posted beside an envelope',
      );

      // B holds the chunks as sealed: each one JSON list, as an older node seals them.
      const chunks = await p.b.services.store.db
        .selectFrom('transfer_chunk')
        .select('jwe')
        .where('transfer_id', '=', draft.id)
        .execute();
      assert.equal(chunks.length, 3);
      await p.b.services.store.transaction(async (tx) => {
        const openWith = p.b.services.exchange.keyPairs.opener(tx, p.police.orgId);
        for (const c of chunks) {
          const text = Buffer.from((await decryptWith(openWith, c.jwe)).plaintext).toString();
          assert.ok(Array.isArray(JSON.parse(text)), 'a JSON list');
        }
      });

      const into = await peopleAsset(p.b.services, p.police, 0);
      const opened = await p.b.services.exchange.transfers.open(
        await actorOn(p.b.services, p.police, 'handler'),
        draft.id,
        into,
      );
      assert.equal(opened.state, 'opened');
      assert.equal(opened.recordCount, 5);
    } finally {
      inbox.receive = receive;
    }
  });

  test('a node started on a version with other features tells every partner', async () => {
    await forget(p.b, p.a);
    // Started again on the same version: nobody is told again.
    p.a = await restartNode(p.a);
    await p.a.federation.outbox.flush();
    assert.equal(await kept(p.b, p.a), null);
    // As if A had last told its partners an older version's features.
    await settings.put(p.a.services.store, TOLD_SETTING, 'transfer.chunk-attachment', clock());
    p.a = await restartNode(p.a);
    await p.a.federation.outbox.flush();
    assert.deepEqual(await kept(p.b, p.a), ALL);
    assert.equal(await settings.get(p.a.services.store, TOLD_SETTING), NODE_FEATURES.join(' '));
  });
});

test('what a partner says it understands is kept as names only, bounded and sorted', () => {
  assert.equal(readFeatures(undefined), null);
  assert.equal(readFeatures('transfer.chunk-lines'), null);
  const many = Array.from({ length: 40 }, (_, i) => `f${String(i).padStart(2, '0')}`);
  const said = readFeatures(['z.new', 'transfer.chunk-lines', 7, 'Bad Name', 'z.new', ...many]);
  assert.equal(said!.length, 32);
  assert.deepEqual(said!.slice(0, 2), ['f00', 'f01']);
  assert.ok(!said!.includes('Bad Name'));
  assert.deepEqual([...featuresOf('["transfer.chunk-lines"]')], ['transfer.chunk-lines']);
  assert.equal(featuresOf('not json').size, 0);
  assert.equal(featuresOf(null).size, 0);
});
