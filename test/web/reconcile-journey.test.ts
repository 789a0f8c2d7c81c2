/// <reference lib="dom" />
// Browser journey: a handler reconciles the membership list against a pasted payments feed,
// filters the variances and downloads them; overrides a lapsed-but-paying member to current
// (refused first without a justification, shown in the error summary); the same person cannot
// approve it; the DPO approves it. axe on every page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { createTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { assertAccessible, launchBrowser } from '../helpers/browser.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { signedInPage } from '../helpers/web.ts';
import { testClock } from '../helpers/clock.ts';
import { generate } from '../helpers/reconcile-data.ts';
import { importMembers, memberAsset } from '../helpers/reconcile.ts';

const clock = testClock();
let t: TestApp;
let browser: Browser;
let base: string;
let org: OrgFixture;
const data = generate(40, 20);

before(async () => {
  t = await createTestApp('sqlite', {}, clock);
  org = await setupOrg(t.services, 'Journey Party', { tokens: false });
  const asset = await memberAsset(t.services, org);
  await importMembers(t.services, org, asset.id, data.members);
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

async function as(who: 'handler' | 'dpo'): Promise<Page> {
  clock.advance(31_000); // a new time step, so the second-factor code is not a replay
  return signedInPage(browser, t.services, base, org.people[who], clock);
}

test('reconcile, filter, download, override with a justification, second approval', async () => {
  const handler = await as('handler');
  await handler.goto(`${base}/reconciliations`);
  await assertAccessible(handler, 'runs');
  await handler.selectOption('#listAssetId', { label: 'Membership list' });
  await handler.click('button:has-text("Start reconciliation")');
  assert.match((await handler.locator('.govuk-error-summary').textContent()) ?? '', /compare it/i);
  await assertAccessible(handler, 'runs, with errors');
  await handler.fill('#csv', data.paymentsCsv());
  await handler.click('button:has-text("Start reconciliation")');
  await handler.waitForURL(/\/reconciliations\/[0-9a-f-]{36}$/);
  await assertAccessible(handler, 'run');
  assert.match(
    (await handler.locator('main').textContent()) ?? '',
    new RegExp(`${data.planted.size} variances`),
  );

  await handler.selectOption('#kind', 'status-mismatch');
  await handler.click('button:has-text("Filter")');
  await handler.waitForURL(/kind=status-mismatch/);
  await assertAccessible(handler, 'run, filtered');
  const csvHref = await handler.locator('a:has-text("as CSV")').getAttribute('href');
  const csv = await handler.request.get(`${base}${csvHref}`);
  assert.equal(csv.status(), 200);
  assert.match(await csv.text(), /^seq,kind,summary/);

  await handler.click('a:has-text("Marked not current on the list, but paying")');
  await assertAccessible(handler, 'variance');
  await handler.check('input[name="decision"][value="set-status"]');
  await handler.selectOption('#newStatus', 'current');
  await handler.fill('#evidence', 'Bank reference SO-5521');
  await handler.click('button:has-text("Save override")');
  assert.match(
    (await handler.locator('.govuk-error-summary').textContent()) ?? '',
    /Give the justification/,
  );
  assert.equal(await handler.inputValue('#evidence'), 'Bank reference SO-5521');
  await assertAccessible(handler, 'variance, with errors');
  await handler.fill('#justification', 'Renewed by standing order; the lapse was an error');
  await handler.click('button:has-text("Save override")');
  await handler.waitForURL(/\/variances\/[0-9a-f-]{36}$/);
  assert.match((await handler.locator('main').textContent()) ?? '', /awaiting-approval/);
  // The handler cannot approve overrides at all, let alone their own.
  assert.equal(await handler.locator('button:has-text("Record decision")').count(), 0);
  const varianceUrl = handler.url();
  await handler.close();

  const dpo = await as('dpo');
  await dpo.goto(`${base}/reconciliations/overrides/awaiting`);
  await assertAccessible(dpo, 'awaiting approval');
  await dpo.goto(varianceUrl);
  await dpo.check('input[name="approve"][value="no"]');
  await dpo.click('button:has-text("Record decision")');
  assert.match((await dpo.locator('.govuk-error-summary').textContent()) ?? '', /why you reject/);
  await assertAccessible(dpo, 'approval, with errors');
  await dpo.check('input[name="approve"][value="yes"]');
  await dpo.fill('#note', 'Bank reference checked');
  await dpo.click('button:has-text("Record decision")');
  await dpo.waitForURL(varianceUrl);
  assert.match((await dpo.locator('main').textContent()) ?? '', /in-force/);
  await assertAccessible(dpo, 'variance, overridden');
  await dpo.close();
});
