/// <reference lib="dom" />
// Browser journey for exchange: the council's handler signs and sends a drafted transfer from its
// page and sees it in the outbox; the police handler finds it in the inbox with its deadline,
// tries to open it without choosing an asset (a clear error), opens it into an asset and
// acknowledges it; the council sees it acknowledged. axe checks every page on the way.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { createTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { assertAccessible, launchBrowser } from '../helpers/browser.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { giveCredentials, signIn } from '../helpers/web.ts';
import { exchangeAgreement, peopleAsset } from '../helpers/exchange.ts';

let t: TestApp;
let browser: Browser;
let base: string;
let council: OrgFixture;
let police: OrgFixture;
let transferId: string;
let agreementId: string;
let sourceId: string;

before(async () => {
  t = await createTestApp('sqlite');
  council = await setupOrg(t.services, 'Journey Council', { tokens: false });
  police = await setupOrg(t.services, 'Journey Police', { tokens: false });
  const dsa = await exchangeAgreement(t.services, council, police);
  const source = await peopleAsset(t.services, council, 12, 'Residents');
  agreementId = dsa.id;
  sourceId = source;
  await peopleAsset(t.services, police, 0, 'From partners');
  transferId = (
    await t.services.exchange.transfers.create(await council.actor('handler'), {
      recipientOrgId: police.orgId,
      agreementId: dsa.id,
      purpose: 'safeguarding',
      recordType: 'person',
      selection: { kind: 'asset', assetId: source },
    })
  ).id;
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

async function handlerOf(org: OrgFixture): Promise<Page> {
  const { secret } = await giveCredentials(t.services, org.people.handler.personId);
  const page = await (await browser.newContext()).newPage();
  await signIn(page, base, org.people.handler.email, secret);
  return page;
}

const text = async (page: Page, selector: string): Promise<string> =>
  (await page.locator(selector).first().innerText()) ?? '';

test('send, open and acknowledge a transfer through the pages', async () => {
  const sender = await handlerOf(council);
  await sender.goto(`${base}/home`);
  await sender.click('a:has-text("Exchange")');
  await sender.click('a:has-text("Sent")');
  await sender.waitForURL(/\/exchange\/outbox$/);
  assert.match(await text(sender, 'table'), /Check the draft, then send it/);
  await assertAccessible(sender, 'outbox');
  await sender.goto(`${base}/exchange/transfers/${transferId}`);
  await assertAccessible(sender, 'draft transfer');
  await Promise.all([sender.waitForNavigation(), sender.click('button:has-text("Sign and send")')]);
  assert.match(await text(sender, '.govuk-notification-banner'), /now delivered/);
  assert.match(await text(sender, 'h1'), /12 person records/);

  const recipient = await handlerOf(police);
  await recipient.goto(`${base}/exchange/inbox`);
  assert.match(await text(recipient, 'table'), /Open it into one of your assets/);
  assert.match(await text(recipient, '.govuk-notification-banner'), /Journey Council sent you 12/);
  await assertAccessible(recipient, 'inbox');
  await recipient.click(`a[href="/exchange/transfers/${transferId}"]`);
  await assertAccessible(recipient, 'delivered transfer');
  // Without choosing an asset: a clear error, nothing opened.
  await recipient.click('button:has-text("Verify and open")');
  assert.match(await text(recipient, '.govuk-error-summary'), /Choose one of your assets/);
  await assertAccessible(recipient, 'open, with errors');
  await recipient.selectOption('#assetId', { label: 'From partners' });
  await Promise.all([
    recipient.waitForNavigation(),
    recipient.click('button:has-text("Verify and open")'),
  ]);
  assert.match(await text(recipient, '.govuk-notification-banner'), /now opened/);
  await assertAccessible(recipient, 'opened transfer');
  await Promise.all([
    recipient.waitForNavigation(),
    recipient.click('button:has-text("Acknowledge")'),
  ]);
  assert.match(await text(recipient, '.govuk-notification-banner'), /now acknowledged/);

  await sender.goto(`${base}/exchange/outbox`);
  assert.match(await text(sender, 'table'), /acknowledged/);
  assert.match(await text(sender, '.govuk-notification-banner'), /acknowledged transfer/);
  await assertAccessible(sender, 'outbox, acknowledged');
});

test('a transfer still travelling to a partner node shows how many chunks have arrived', async () => {
  const handler = await council.actor('handler');
  const id = (
    await t.services.exchange.transfers.create(handler, {
      recipientOrgId: police.orgId,
      agreementId,
      purpose: 'safeguarding',
      recordType: 'person',
      selection: { kind: 'asset', assetId: sourceId },
    })
  ).id;
  // Mid-flight to a partner node (the federation tests drive this state for real): signed, and
  // the partner has answered for none of its chunks yet.
  await t.services.store.db
    .updateTable('transfer')
    .set({ state: 'ready', chunks_held: 0 })
    .where('transfer_id', '=', id)
    .execute();
  const sender = await handlerOf(council);
  await sender.goto(`${base}/exchange/transfers/${id}`);
  assert.match(await text(sender, 'label[for="chunks-held"]'), /Journey Police's node: 0 of 1/);
  assert.equal(await sender.locator('progress#chunks-held').getAttribute('max'), '1');
  assert.match(await text(sender, '.govuk-body-l'), /holds 0 of 1 chunks/);
  await assertAccessible(sender, 'transfer on its way');
  await sender.goto(`${base}/exchange/outbox`);
  assert.match(await text(sender, 'table'), /holds 0 of 1 chunks/);
});
