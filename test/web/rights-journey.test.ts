/// <reference lib="dom" />
// Browser journey: the DPO logs a subject access request (a bad date first: the form keeps what
// was typed), pauses it for proof of identity, resumes it, produces the printable bundle listing a
// handler's access, withholds a passage; sets a legal hold and dry-runs retention. axe on every page.
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
import { person, personAsset } from '../helpers/records.ts';
import { sentToPartner } from '../helpers/corrections.ts';

const clock = testClock();
let t: TestApp;
let browser: Browser;
let base: string;
let org: OrgFixture;
let police: OrgFixture;

before(async () => {
  t = await createTestApp('sqlite', {}, clock);
  org = await setupOrg(t.services, 'Rights Borough', { tokens: false });
  police = await setupOrg(t.services, 'Borough Police', { tokens: false });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

async function as(who: 'dpo' | 'handler', of: OrgFixture = org): Promise<Page> {
  clock.advance(31_000); // a new time step, so the second-factor code is not a replay
  return signedInPage(browser, t.services, base, of.people[who], clock);
}

test('log a request, pause and resume it, produce the bundle, hold and dry-run retention', async () => {
  const s = t.services;
  const asset = await personAsset(s, org);
  const p: Record<string, unknown> = {
    ...person(7),
    address: '7 High Street, next door to Ms Smith',
  };
  const handler = await org.actor('handler');
  const w = await s.records.create(handler, asset.id, p, 'housing');
  await s.records.get(handler, w.recordId, 'tenancy check');

  const dpo = await as('dpo');
  await dpo.click('a.govuk-service-navigation__link:has-text("Rights requests")');
  await assertAccessible(dpo, 'queue (empty)');
  await dpo.click('a:has-text("Log a request")');
  await assertAccessible(dpo, 'log a request');
  await dpo.check('input[name="kind"][value="access"]');
  await dpo.fill('#receivedOn-day', '31');
  await dpo.fill('#receivedOn-month', '2');
  await dpo.fill('#receivedOn-year', '2025');
  await dpo.fill('#nhsNumber', String(p.nhsNumber));
  await dpo.click('button:has-text("Log request")');
  assert.match((await dpo.locator('.govuk-error-summary').textContent()) ?? '', /date it arrived/);
  assert.equal(await dpo.inputValue('#nhsNumber'), String(p.nhsNumber));
  await assertAccessible(dpo, 'log a request, with errors');
  const today = s.rights.requests.today();
  await dpo.fill('#receivedOn-day', String(Number(today.slice(8, 10))));
  await dpo.fill('#receivedOn-month', String(Number(today.slice(5, 7))));
  await dpo.fill('#receivedOn-year', today.slice(0, 4));
  await dpo.click('button:has-text("Log request")');
  await dpo.waitForURL(/\/rights\/[0-9a-f-]{36}/);
  assert.match((await dpo.locator('.govuk-notification-banner').textContent()) ?? '', /logged/);
  await assertAccessible(dpo, 'request');

  await dpo.check('input[name="move"][value="await-identity"]');
  await dpo.click('button:has-text("Save")');
  assert.match(
    (await dpo.locator('.govuk-summary-list').first().textContent()) ?? '',
    /Clock paused/,
  );
  await dpo.check('input[name="move"][value="resume"]');
  await dpo.check('input[name="identityVerified"][value="yes"]');
  await dpo.click('button:has-text("Save")');
  assert.match((await dpo.locator('main').textContent()) ?? '', /Identity\s*Confirmed/);
  assert.match((await dpo.locator('ol').textContent()) ?? '', /proof of identity[\s\S]*restart/);
  await assertAccessible(dpo, 'request in progress');

  await dpo.click('a:has-text("Produce the subject access bundle")');
  await assertAccessible(dpo, 'bundle');
  const bundle = (await dpo.locator('main').textContent()) ?? '';
  assert.match(bundle, /Residents/);
  assert.match(bundle, /tenancy check/, 'the handler’s access and its purpose');
  await dpo.selectOption('#target', { label: '1. Residents: address' });
  await dpo.fill('#text', 'Ms Smith');
  await dpo.fill('#redactReason', 'A neighbour');
  await dpo.click('button:has-text("Withhold")');
  await dpo.waitForURL(/bundle\?done=/);
  const released = (await dpo.locator('main').textContent()) ?? '';
  assert.doesNotMatch(released, /Ms Smith/);
  assert.match(released, /withheld/);
  await assertAccessible(dpo, 'bundle with a passage withheld');

  await dpo.goto(`${base}/rights`);
  assert.match((await dpo.locator('table').textContent()) ?? '', /SR-\d{4}-0001[\s\S]*days left/);
  await dpo.goto(`${base}/retention`);
  await assertAccessible(dpo, 'retention');
  await dpo.check('input[name="scope"][value="asset"]');
  await dpo.selectOption('#assetId', asset.id);
  await dpo.fill('#reason', 'Ombudsman complaint');
  await dpo.click('button:has-text("Set hold")');
  await dpo.waitForURL(/retention\?done=/);
  assert.match((await dpo.locator('main').textContent()) ?? '', /Ombudsman complaint/);
  assert.equal(
    await dpo
      .locator('.govuk-notification-banner')
      .textContent()
      .then((t) => /Legal hold set/.test(t ?? '')),
    true,
  );
  await assertAccessible(dpo, 'retention with a hold');
  // A banner only Accord wrote is shown: a crafted address cannot put words in it.
  await dpo.goto(`${base}/retention?done=${encodeURIComponent('Call 0800 000 000 to verify.')}`);
  assert.equal(await dpo.locator('.govuk-notification-banner').count(), 0);
  await dpo.close();
});

test('correct a record sent to a partner: the partner applies the notice, the request shows it', async () => {
  const s = t.services;
  const { identifiers } = await sentToPartner(s, org, police, (o) => o.actor('handler'));
  const r = await s.rights.requests.log(await org.actor('dpo'), {
    kind: 'rectification',
    channel: 'letter',
    identifiers,
    description: 'My postcode is wrong.',
    identityVerified: true,
  });
  const dpo = await as('dpo');
  await dpo.goto(`${base}/rights/${r.id}`);
  await assertAccessible(dpo, 'rectification request');
  await dpo.click('button:has-text("Correct the record")');
  assert.match(
    (await dpo.locator('.govuk-error-summary').textContent()) ?? '',
    /Choose the field to correct/,
  );
  await assertAccessible(dpo, 'rectification form with errors');
  const option = await dpo
    .locator('#target option', { hasText: ': postcode' })
    .first()
    .textContent();
  await dpo.selectOption('#target', { label: option!.trim() });
  await dpo.fill('#value', 'AB9 9ZZ');
  await dpo.fill('#rectifyReason', 'Council tax bill shows the right postcode');
  await dpo.click('button:has-text("Correct the record")');
  await dpo.waitForURL(/\/rights\/[0-9a-f-]{36}\?done=/);
  const page = (await dpo.locator('main').textContent()) ?? '';
  assert.match(page, /Partners told[\s\S]*Borough Police[\s\S]*Awaiting the partner/);
  await assertAccessible(dpo, 'request with partners told');

  const handler = await as('handler', police);
  await handler.goto(`${base}/exchange/inbox`);
  await handler.click('a:has-text("Corrections")');
  await assertAccessible(handler, 'corrections received');
  await handler.click('table a:has-text("Rectify")');
  assert.match((await handler.locator('main').textContent()) ?? '', /postcode[\s\S]*AB9 9ZZ/);
  await assertAccessible(handler, 'correction notice');
  await handler.click('button:has-text("Apply to our copy")');
  await handler.waitForURL(/\/corrections\/[0-9a-f-]{36}\?done=/);
  assert.match((await handler.locator('h1').textContent()) ?? '', /Acknowledged/);
  await assertAccessible(handler, 'correction applied');
  await handler.close();

  await dpo.reload();
  assert.match(
    (await dpo.locator('main').textContent()) ?? '',
    /Borough Police[\s\S]*Acknowledged/,
  );
  await dpo.goto(`${base}/corrections?direction=sent`);
  await assertAccessible(dpo, 'corrections sent');
  await dpo.close();
});
