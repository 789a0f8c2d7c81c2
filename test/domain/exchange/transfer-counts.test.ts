// The inbox's and outbox's counts by state cover every transfer in the box, not only the rows the
// list shows (it stops at 200): counted by the database, on a real store, in both dialects.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { setupOrg } from '../../helpers/people.ts';
import type { OrgFixture } from '../../helpers/people.ts';
import { exchangeAgreement, peopleAsset } from '../../helpers/exchange.ts';
import { STATES } from '../../../src/domain/exchange/transfer-states.ts';

const LIST_LIMIT = 200;

forEachDialect('exchange: inbox and outbox counts', (dialect) => {
  let t: TestServices;
  let council: OrgFixture;
  let police: OrgFixture;

  before(async () => {
    t = await createTestServices(dialect);
    council = await setupOrg(t.services, 'Countshire Council', { tokens: false });
    police = await setupOrg(t.services, 'Countshire Police', { tokens: false });
  });
  after(async () => t.close());

  const zero = () => Object.fromEntries(STATES.map((s) => [s, 0]));

  test('counts are exact beyond the list limit; the list stays limited', async () => {
    const s = t.services;
    const dsa = await exchangeAgreement(s, council, police);
    // One record each: a draft is the cheapest real transfer (about 20 ms).
    const source = await peopleAsset(s, council, 1, 'One resident');
    const sender = await council.actor('handler');
    const recipient = await police.actor('handler');
    const ids: string[] = [];
    for (let i = 0; i < LIST_LIMIT + 4; i++)
      ids.push(
        (
          await s.exchange.transfers.create(sender, {
            recipientOrgId: police.orgId,
            agreementId: dsa.id,
            purpose: 'safeguarding',
            recordType: 'person',
            selection: { kind: 'asset', assetId: source },
          })
        ).id,
      );
    // The four oldest move on, so none of them is among the 200 newest the list shows.
    const [a, b, c, d] = ids as [string, string, string, string];
    for (const id of [a, b, c, d]) await s.exchange.transfers.ready(sender, id);
    await s.exchange.transfers.reject(recipient, a, 'Not the people we asked about');
    await s.exchange.transfers.recall(sender, b);

    const outbox = await s.exchange.transfers.views.list(sender, 'outbox');
    assert.equal(outbox.transfers.length, LIST_LIMIT);
    assert.ok(!outbox.transfers.some((x) => [a, b, c, d].includes(x.id)), 'oldest not listed');
    assert.deepEqual(outbox.counts, {
      ...zero(),
      draft: LIST_LIMIT,
      delivered: 2,
      rejected: 1,
      recalled: 1,
    });

    // The recipient's box holds only what was delivered to it: drafts are not counted there.
    const inbox = await s.exchange.transfers.views.list(recipient, 'inbox');
    assert.equal(inbox.transfers.length, 4);
    assert.deepEqual(inbox.counts, { ...zero(), delivered: 2, rejected: 1, recalled: 1 });
    // A shorter list still counts the whole box.
    const short = await s.exchange.transfers.views.list(recipient, 'inbox', 1);
    assert.equal(short.transfers.length, 1);
    assert.deepEqual(short.counts, inbox.counts);

    // Another organisation's box counts none of them.
    const other = await setupOrg(s, 'Elsewhere Trust', { tokens: false });
    const elsewhere = await other.actor('handler');
    for (const box of ['inbox', 'outbox'] as const)
      assert.deepEqual((await s.exchange.transfers.views.list(elsewhere, box)).counts, zero());
  });
});
