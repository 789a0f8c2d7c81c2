/// <reference lib="dom" />
// Browser journey for exchange notifications: a transfer arrives and the police handler finds it
// on the notifications page from the main navigation, follows it to the transfer and rejects it;
// the council handler finds the rejection from the outbox, with the reason and a link to the
// transfer. Then many newer notices of another kind: the outbox banner still shows the rejection,
// the page lists the newest 50 with readable kinds, and the rejection is on the older page.
// axe checks every page on the way.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { createTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { assertAccessible, launchBrowser } from '../helpers/browser.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { signedInPage } from '../helpers/web.ts';
import { exchangeAgreement, peopleAsset } from '../helpers/exchange.ts';

let t: TestApp;
let browser: Browser;
let base: string;
let council: OrgFixture;
let police: OrgFixture;
let transferId: string;

before(async () => {
  t = await createTestApp('sqlite');
  council = await setupOrg(t.services, 'Noticeshire Council', { tokens: false });
  police = await setupOrg(t.services, 'Noticeshire Police', { tokens: false });
  const dsa = await exchangeAgreement(t.services, council, police);
  const source = await peopleAsset(t.services, council, 3, 'Residents');
  const handler = await council.actor('handler');
  transferId = (
    await t.services.exchange.transfers.create(handler, {
      recipientOrgId: police.orgId,
      agreementId: dsa.id,
      purpose: 'safeguarding',
      recordType: 'person',
      selection: { kind: 'asset', assetId: source },
    })
  ).id;
  await t.services.exchange.transfers.ready(handler, transferId);
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

const handlerOf = (org: OrgFixture): Promise<Page> =>
  signedInPage(browser, t.services, base, org.people.handler);

const text = async (page: Page, selector: string): Promise<string> =>
  (await page.locator(selector).first().innerText()) ?? '';

const rows = (page: Page) => page.locator('table tbody tr');

test('an arrival and a rejection, found on the notifications page', async () => {
  const recipient = await handlerOf(police);
  await recipient.click('a.govuk-service-navigation__link:has-text("Notifications")');
  await recipient.waitForURL(/\/exchange\/notifications$/);
  assert.match(await text(recipient, 'h1'), /^Notifications$/);
  const arrival = await text(recipient, 'table tbody tr');
  assert.match(arrival, /Transfer arrived/);
  assert.match(arrival, /Noticeshire Council sent you 3 person records/);
  await assertAccessible(recipient, 'notifications, an arrival');
  await recipient.click(`a:has-text("Transfer ${transferId.slice(0, 8)}")`);
  await recipient.waitForURL(new RegExp(`/exchange/transfers/${transferId}$`));
  await recipient.fill('#reason', 'Not the people we asked about');
  await Promise.all([recipient.waitForNavigation(), recipient.click('button:has-text("Reject")')]);
  assert.match(await text(recipient, '.govuk-notification-banner'), /now rejected/);

  const sender = await handlerOf(council);
  await sender.goto(`${base}/exchange/outbox`);
  assert.match(await text(sender, '.govuk-notification-banner'), /rejected transfer/);
  await sender.click('nav[aria-label="Transfers"] a:has-text("Notifications")');
  await sender.waitForURL(/\/exchange\/notifications$/);
  const rejection = await text(sender, 'table tbody tr');
  assert.match(rejection, /Transfer rejected/);
  assert.match(rejection, /Noticeshire Police rejected transfer .*: Not the people we asked about/);
  // The page shows the list the service (and GET /api/exchange/notifications) gives.
  const listed = await t.services.exchange.notifications.list(await council.actor('handler'));
  assert.equal(await rows(sender).count(), listed.length);
  assert.equal(listed[0]?.kind, 'rejected');
  await assertAccessible(sender, 'notifications, a rejection');
  await sender.click(`table a:has-text("Transfer ${transferId.slice(0, 8)}")`);
  await sender.waitForURL(new RegExp(`/exchange/transfers/${transferId}$`));
  assert.match(await text(sender, 'main'), /Not the people we asked about/);
});

test('newer notices do not crowd the rejection out; older ones are a page away', async () => {
  // Sixty notices of a kind the outbox banner does not show, each after the rejection, raised
  // the way the federation raises them.
  for (let i = 1; i <= 60; i++)
    await t.services.store.transaction((tx) =>
      t.services.exchange.notifications.notify(
        tx,
        council.orgId,
        'agreement-undelivered',
        null,
        `Agreement DSA-${i} (version 1): the decision has not reached a partner's node.`,
      ),
    );
  const sender = await handlerOf(council);
  await sender.goto(`${base}/exchange/outbox`);
  const banner = await text(sender, '.govuk-notification-banner');
  assert.match(banner, /rejected transfer/);
  assert.doesNotMatch(banner, /DSA-/);
  await sender.click('.govuk-notification-banner a:has-text("All notifications")');
  await sender.waitForURL(/\/exchange\/notifications$/);
  assert.equal(await rows(sender).count(), 50);
  const newest = await text(sender, 'table tbody tr');
  assert.match(newest, /Agreement change not delivered/);
  assert.match(newest, /DSA-60 /);
  assert.equal(await rows(sender).first().locator('a:has-text("Agreements")').count(), 1);
  assert.doesNotMatch(await text(sender, 'table'), /Transfer rejected/);
  await sender.click('a:has-text("Older notifications")');
  await sender.waitForURL(/\/exchange\/notifications\?before=/);
  assert.match(await text(sender, 'h1'), /Older notifications/);
  assert.equal(await rows(sender).count(), 11);
  assert.match(await text(sender, 'table tbody tr:last-child'), /Transfer rejected/);
  assert.equal(await sender.locator('a:has-text("Older notifications")').count(), 0);
  await assertAccessible(sender, 'older notifications');
  await sender.click('a:has-text("Newest notifications")');
  await sender.waitForURL(/\/exchange\/notifications$/);
});
