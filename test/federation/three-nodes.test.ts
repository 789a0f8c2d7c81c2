// An agreement with parties on three nodes: when one party's node refuses the proposal (here, it
// names a field the police's record type does not have), the proposer's node rejects it and tells
// the third party's node, which rejects it too and audits why, so nobody there waits for
// approvals that can never come. Only the proposer's node may say so; a partner that never said
// it takes the message is not sent it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Services } from '../../src/services.ts';
import { proposed } from '../helpers/agreements.ts';
import { forEachDialect } from '../helpers/db.ts';
import { exchangeTerms } from '../helpers/exchange.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { restartNode, startNode } from './nodes.ts';
import type { TestNode } from './nodes.ts';

forEachDialect('agreements with parties on three nodes', (dialect) => {
  let a: TestNode;
  let b: TestNode;
  let c: TestNode;
  let council: OrgFixture;
  let police: OrgFixture;
  let health: OrgFixture;
  before(async () => {
    [a, b, c] = await Promise.all([
      startNode(dialect, 'Council node'),
      startNode(dialect, 'Police node'),
      startNode(dialect, 'Health node'),
    ]);
    council = await setupOrg(a.services, 'Westshire Council', { tokens: false });
    police = await setupOrg(b.services, 'Westshire Police', { tokens: false });
    health = await setupOrg(c.services, 'Westshire Health', { tokens: false });
    const admin = { [a.url]: council, [b.url]: police, [c.url]: health };
    for (const [from, to] of [
      [a, b],
      [a, c],
      [b, c],
    ] as const) {
      await from.federation.trust.trust(
        await admin[from.url]!.actor('administrator'),
        to.url,
        to.federation.trust.card().fingerprint,
      );
      await to.federation.trust.trust(
        await admin[to.url]!.actor('administrator'),
        from.url,
        from.federation.trust.card().fingerprint,
      );
    }
    for (const n of [a, b, c]) await n.federation.outbox.flush();
  });
  after(async () => {
    await Promise.all([a?.close(), b?.close(), c?.close()]);
  });

  /** Police records to the council, health a third party; with a field of the caller's choice. */
  const terms = (title: string, extra?: string) => {
    const t = exchangeTerms(a.services, police, council, { title });
    t.parties.push({
      orgId: health.orgId,
      orgName: health.name,
      lawfulBasis: 'art6-1-e',
      specialCondition: null,
    });
    if (extra) t.flows[0]!.fields.push(extra);
    return t;
  };
  /** The council's node claims the police's person type has a field it does not have. */
  const forgeCatalogue = async (field: string): Promise<void> => {
    const row = await a.services.store.db
      .selectFrom('federation_org')
      .select('record_types')
      .where('org_id', '=', police.orgId)
      .executeTakeFirstOrThrow();
    const types = JSON.parse(row.record_types!) as { key: string; fields: object[] }[];
    const forged = types.map((t) =>
      t.key === 'person'
        ? {
            ...t,
            fields: [
              ...t.fields,
              { name: field, title: field, category: 'none', marking: 'OFFICIAL' },
            ],
          }
        : t,
    );
    await a.services.store.db
      .updateTable('federation_org')
      .set({ record_types: JSON.stringify(forged) })
      .where('org_id', '=', police.orgId)
      .execute();
  };
  const status = async (s: Services, versionId: string) =>
    (
      await s.store.db
        .selectFrom('agreement_version')
        .select('status')
        .where('version_id', '=', versionId)
        .executeTakeFirst()
    )?.status;
  const refusedIn = async (s: Services, orgId: string) =>
    (
      await s.store.db
        .selectFrom('audit_entry')
        .select('entry')
        .where('org_id', '=', orgId)
        .where('action', '=', 'agreements.proposal-refused')
        .execute()
    ).map((r) => JSON.parse(r.entry) as { actor: string; details: Record<string, unknown> });
  /** What a node has queued or sent to a partner, of one kind. */
  const sent = (from: TestNode, to: TestNode, kind: string) =>
    from.services.store.db
      .selectFrom('federation_outbox')
      .select(['state', 'body', 'attempts'])
      .where('node_id', '=', to.federation.identity.nodeId)
      .where('kind', '=', kind)
      .execute();

  test('a proposal one party’s node refuses is rejected on the third party’s node too', async () => {
    await forgeCatalogue('shoeSize');
    const ag = await proposed(a.services, council, terms('Refused by the police', 'shoeSize'));
    const versionId = ag.latest.versionId;
    // The proposal reaches both; the police node refuses it; the council's node tells health.
    await a.federation.outbox.flush();
    await a.federation.outbox.flush();
    assert.equal(await status(b.services, versionId), undefined);
    assert.equal(await status(a.services, versionId), 'rejected');
    assert.equal(await status(c.services, versionId), 'rejected');
    const [told] = await refusedIn(c.services, health.orgId);
    assert.equal(told!.actor, `node:${a.federation.identity.nodeId}`);
    assert.equal(told!.details.via, `node:${b.federation.identity.nodeId}`);
    assert.equal(told!.details.code, 'AGREEMENT_TYPES_MISMATCH');
    assert.match(String(told!.details.reason), /shoeSize/);
    assert.equal(told!.details.toldBy, `node:${a.federation.identity.nodeId}`);
    assert.equal(told!.details.nowRejected, true);
    // The police node, which refused it, is not told its own refusal.
    assert.deepEqual(await sent(a, b, 'agreement.refused'), []);
    // Health's DPO can no longer approve it.
    await assert.rejects(
      c.services.agreements.decide(await health.actor('dpo'), versionId, 'approve', null),
    );
  });

  test('a refusal never overtakes the proposal it is about', async () => {
    await forgeCatalogue('eyeColour');
    // The health node is away: the proposal to it fails and backs off.
    await c.stop();
    const ag = await proposed(
      a.services,
      council,
      terms('Refused while health is away', 'eyeColour'),
    );
    const versionId = ag.latest.versionId;
    await a.federation.outbox.flush();
    assert.equal(await status(a.services, versionId), 'rejected');
    // The refusal for health is queued and due, but waits behind the proposal: not even tried.
    await a.federation.outbox.flush();
    const about = async (kind: string) =>
      (await sent(a, c, kind)).filter((r) => r.body.includes(versionId));
    const [waiting] = await about('agreement.refused');
    assert.deepEqual([waiting!.state, waiting!.attempts], ['pending', 0]);
    // Health is back and the proposal's next attempt comes: both go, in order.
    c = await restartNode(c);
    await a.services.store.db
      .updateTable('federation_outbox')
      .set({ next_attempt_at: new Date(0).toISOString() })
      .where('state', '=', 'pending')
      .execute();
    await a.federation.outbox.flush();
    assert.deepEqual(
      (await about('agreement.proposed'))
        .concat(await about('agreement.refused'))
        .map((r) => r.state),
      ['delivered', 'delivered'],
    );
    assert.equal(await status(c.services, versionId), 'rejected');
  });

  test('only the proposer’s node may say a proposal was refused', async () => {
    const ag = await proposed(a.services, council, terms('Proposed by the council'));
    const versionId = ag.latest.versionId;
    await a.federation.outbox.flush();
    assert.equal(await status(c.services, versionId), 'proposed');
    // The police node says it refused the council's proposal: not its to say.
    await b.services.store.transaction((tx) =>
      b.federation.outbox.enqueue(tx, c.federation.identity.nodeId, 'agreement.refused', {
        versionId,
        node: b.federation.identity.nodeId,
        code: 'AGREEMENT_TYPES_MISMATCH',
        reason: 'made up',
      }),
    );
    await b.federation.outbox.flush();
    const [row] = await b.services.store.db
      .selectFrom('federation_outbox')
      .select(['state', 'last_error'])
      .where('kind', '=', 'agreement.refused')
      .execute();
    assert.equal(row!.state, 'refused');
    assert.match(String(row!.last_error), /FORBIDDEN/);
    assert.equal(await status(c.services, versionId), 'proposed');
  });

  test('a partner that never said it takes the message is not sent it', async () => {
    await a.services.store.db
      .updateTable('federation_node')
      .set({ features: null })
      .where('node_id', '=', c.federation.identity.nodeId)
      .execute();
    await forgeCatalogue('hatSize');
    const ag = await proposed(a.services, council, terms('Refused again', 'hatSize'));
    await a.federation.outbox.flush();
    await a.federation.outbox.flush();
    assert.equal(await status(a.services, ag.latest.versionId), 'rejected');
    const about = (await sent(a, c, 'agreement.refused')).filter((r) =>
      r.body.includes(ag.latest.versionId),
    );
    assert.deepEqual(about, []);
    assert.equal(await status(c.services, ag.latest.versionId), 'proposed');
  });

  test('a party on a node the receiving node does not trust is refused, not taken for its own', async () => {
    // A fire service on a fourth node, which only the council's node trusts.
    const d = await startNode(dialect, 'Fire node');
    try {
      const fire = await setupOrg(d.services, 'Westshire Fire', { tokens: false });
      await a.federation.trust.trust(
        await council.actor('administrator'),
        d.url,
        d.federation.trust.card().fingerprint,
      );
      await d.federation.trust.trust(
        await fire.actor('administrator'),
        a.url,
        a.federation.trust.card().fingerprint,
      );
      await d.federation.outbox.flush();
      const t = terms('Fire unknown to health');
      t.parties.push({
        orgId: fire.orgId,
        orgName: fire.name,
        lawfulBasis: 'art6-1-e',
        specialCondition: null,
      });
      const ag = await proposed(a.services, council, t);
      await a.federation.outbox.flush();
      assert.equal(await status(c.services, ag.latest.versionId), undefined);
      assert.equal(await status(a.services, ag.latest.versionId), 'rejected');
      const unknown = (e: { details: Record<string, unknown> }) =>
        e.details.code === 'AGREEMENT_PARTY_UNKNOWN';
      const [here] = (await refusedIn(a.services, council.orgId)).filter(unknown);
      assert.match(String(here!.details.reason), /Westshire Fire/);
      // Refused in health's log, naming the party; nothing written in the fire service's name.
      const [there] = (await refusedIn(c.services, health.orgId)).filter(unknown);
      assert.match(String(there!.details.reason), /Westshire Fire/);
      assert.deepEqual(await refusedIn(c.services, fire.orgId), []);
      assert.equal(
        await c.services.store.db
          .selectFrom('organisation')
          .select('org_id')
          .where('org_id', '=', fire.orgId)
          .executeTakeFirst(),
        undefined,
      );
    } finally {
      await d.close();
    }
  });
});
