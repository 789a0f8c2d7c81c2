// GET /api/exchange/notifications with app.inject: newest first, paged by the last id seen (the
// same pages as /exchange/notifications), one organisation's only, and coded 400s for a bad limit
// or a position that is not one of the organisation's notifications.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../helpers/db.ts';
import { createTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { exchangeAgreement, peopleAsset } from '../helpers/exchange.ts';

interface Listed {
  id: string;
  kind: string;
  transferId: string | null;
  message: string;
  createdAt: string;
}

forEachDialect('exchange notifications API', (dialect) => {
  let t: TestApp;
  let council: OrgFixture;
  let police: OrgFixture;
  let transferId: string;

  const get = async (org: OrgFixture, url: string) => {
    const r = await t.app.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${org.people.handler.token}` },
    });
    return { status: r.statusCode, body: r.json<unknown>() };
  };

  before(async () => {
    t = await createTestApp(dialect);
    council = await setupOrg(t.services, 'Pageshire Council');
    police = await setupOrg(t.services, 'Pageshire Police');
    const agreementId = (await exchangeAgreement(t.services, council, police)).id;
    const source = await peopleAsset(t.services, council, 2, 'Residents');
    const handler = await council.actor('handler');
    const draft = await t.services.exchange.transfers.create(handler, {
      recipientOrgId: police.orgId,
      agreementId,
      purpose: 'safeguarding',
      recordType: 'person',
      selection: { kind: 'asset', assetId: source },
    });
    transferId = draft.id;
    // A real arrival for the police, then five notices of another kind after it.
    await t.services.exchange.transfers.ready(handler, draft.id);
    for (let i = 1; i <= 5; i++)
      await t.services.store.transaction((tx) =>
        t.services.exchange.notifications.notify(
          tx,
          police.orgId,
          'agreement-undelivered',
          null,
          `Agreement notice ${i}`,
        ),
      );
  });
  after(async () => t.close());

  test('newest first; paged with limit and before, the pages joining up exactly', async () => {
    const all = await get(police, '/api/exchange/notifications');
    assert.equal(all.status, 200, JSON.stringify(all.body));
    const list = all.body as Listed[];
    assert.deepEqual(
      list.map((n) => n.kind),
      [...Array(5).fill('agreement-undelivered'), 'arrived'],
    );
    assert.equal(list[0]?.message, 'Agreement notice 5');
    assert.equal(list[5]?.transferId, transferId);
    assert.match(String(list[5]?.message), /Pageshire Council sent you 2 person records/);

    const pages: Listed[] = [];
    let url = '/api/exchange/notifications?limit=4';
    for (;;) {
      const r = await get(police, url);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const page = r.body as Listed[];
      pages.push(...page);
      if (page.length < 4) break;
      url = `/api/exchange/notifications?limit=4&before=${page[page.length - 1]!.id}`;
    }
    assert.deepEqual(pages, list);
    // The service the page uses gives the same list.
    const viaService = await t.services.exchange.notifications.list(
      await police.actor('handler'),
      50,
    );
    assert.deepEqual(viaService, list);
  });

  test('one organisation sees only its own notifications', async () => {
    const sent = (await get(council, '/api/exchange/notifications')).body as Listed[];
    assert.deepEqual(sent, []);
  });

  test('a bad limit or an unknown position: coded 400s', async () => {
    for (const q of ['limit=0', 'limit=201', 'limit=lots']) {
      const r = await get(police, `/api/exchange/notifications?${q}`);
      assert.equal(r.status, 400, q);
      assert.equal((r.body as { error: { code: string } }).error.code, 'VALIDATION_FAILED', q);
    }
    const unknown = await get(police, '/api/exchange/notifications?before=not-a-notification');
    assert.equal(unknown.status, 400);
    assert.equal((unknown.body as { error: { code: string } }).error.code, 'VALIDATION_FAILED');
    // Another organisation's notification is no position in this one's list.
    const theirs = ((await get(police, '/api/exchange/notifications')).body as Listed[])[0]!.id;
    const r = await get(council, `/api/exchange/notifications?before=${theirs}`);
    assert.equal(r.status, 400);
  });
});
