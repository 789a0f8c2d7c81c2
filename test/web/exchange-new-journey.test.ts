// Browser journey for a new transfer: the council's handler goes from the outbox to "Send records
// to a partner", sees only what the agreement in force allows, is told clearly what is missing,
// seals a draft of one asset's records, of one person's and of a file they upload (a bad file
// shows every bad row), and lands on each draft to check it. Nothing is sent until they do. axe
// checks every page on the way.
import fs from 'node:fs';
import path from 'node:path';
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
import { person } from '../helpers/records.ts';

let t: TestApp;
let browser: Browser;
let base: string;
let council: OrgFixture;
let police: OrgFixture;

before(async () => {
  // A small upload limit, so the journey can meet it.
  t = await createTestApp('sqlite', { ACCORD_TRANSFER_UPLOAD_MAX_BYTES: '4096' });
  council = await setupOrg(t.services, 'New Transfer Council', { tokens: false });
  police = await setupOrg(t.services, 'New Transfer Police', { tokens: false });
  await exchangeAgreement(t.services, council, police);
  await peopleAsset(t.services, council, 7, 'Residents');
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

const text = async (page: Page, selector: string): Promise<string> =>
  (await page.locator(selector).first().innerText()) ?? '';

async function submit(page: Page): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Seal a draft")')]);
}

test('seal a draft transfer from the pages: an asset, then one person', async () => {
  const handler = await signedInPage(browser, t.services, base, council.people.handler);
  await handler.goto(`${base}/exchange/outbox`);
  await Promise.all([
    handler.waitForNavigation(),
    handler.click('a:has-text("Send records to a partner")'),
  ]);
  await assertAccessible(handler, 'new transfer');
  const offered = await text(handler, 'fieldset');
  assert.match(offered, /person records to New Transfer Police, for Safeguarding/);
  assert.match(offered, /Fields: givenName, familyName, dateOfBirth, postcode/);

  // Nothing chosen: every missing answer named, nothing sealed.
  await submit(handler);
  assert.match(await text(handler, '.govuk-error-summary'), /Choose the agreement/);
  await assertAccessible(handler, 'new transfer, with errors');
  await handler.check('input[name="route"]');
  await submit(handler);
  assert.match(
    await text(handler, '.govuk-error-summary'),
    /Choose an asset, one person or a file/,
  );
  await handler.check('input[name="pick"][value="asset"]');
  await handler.selectOption('#assetId', { label: 'Residents (person)' });
  await submit(handler);
  await handler.waitForURL(/\/exchange\/transfers\/[0-9a-f-]+$/);
  assert.match(await text(handler, 'h1'), /7 person records\s+draft/);
  assert.match(await text(handler, 'body'), /Sign and send/);
  await assertAccessible(handler, 'sealed draft');

  // One person, by NHS number: a bad number is refused on the page; a good one seals one record.
  await handler.goto(`${base}/exchange/transfers/new`);
  await handler.check('input[name="route"]');
  await handler.check('input[name="pick"][value="subject"]');
  await handler.fill('#nhsNumber', '123');
  await submit(handler);
  assert.ok((await text(handler, '.govuk-error-summary')).length > 0);
  await assertAccessible(handler, 'one person, with errors');
  await handler.fill('#nhsNumber', String(person(2).nhsNumber));
  await submit(handler);
  await handler.waitForURL(/\/exchange\/transfers\/[0-9a-f-]+$/);
  assert.match(await text(handler, 'h1'), /1 person record\s+draft/);

  const drafts = await t.services.exchange.transfers.views.list(
    await council.actor('handler'),
    'outbox',
  );
  assert.equal(drafts.transfers.filter((d) => d.state === 'draft').length, 2);
});

test('seal a draft from an uploaded file: a bad file lists its bad rows, a good one lands on the draft', async () => {
  const handler = await signedInPage(browser, t.services, base, council.people.handler);
  await handler.goto(`${base}/exchange/transfers/new`);
  await handler.check('input[name="route"]');
  await handler.check('input[name="pick"][value="file"]');
  await submit(handler);
  assert.match(await text(handler, '.govuk-error-summary'), /Choose a CSV or JSON Lines file/);
  assert.match(await text(handler, '#file-error'), /Choose a CSV or JSON Lines file/);
  await assertAccessible(handler, 'upload, no file');

  // The choices made are kept; the file must be chosen again.
  assert.ok(await handler.isChecked('input[name="pick"][value="file"]'));
  const bad = [
    JSON.stringify(person(900)),
    JSON.stringify({ ...person(901), nhsNumber: '1234567890' }),
    JSON.stringify({ ...person(902), dateOfBirth: undefined }),
  ].join('\n');
  await handler.setInputFiles('#file', {
    name: 'export.jsonl',
    mimeType: 'application/x-ndjson',
    buffer: Buffer.from(bad),
  });
  await submit(handler);
  const summary = await text(handler, '.govuk-error-summary');
  assert.match(summary, /2 rows of 3 have problems: nothing was sent/);
  assert.match(summary, /Line 2: /);
  assert.match(summary, /Line 3: dateOfBirth is required/);
  assert.equal(await handler.locator('.govuk-error-summary').count(), 1, 'one error summary');
  await assertAccessible(handler, 'upload, bad file');

  // Too large: refused without being read, and the refusal audited.
  const big = Array.from({ length: 40 }, (_, i) => JSON.stringify(person(950 + i))).join('\n');
  await handler.setInputFiles('#file', {
    name: 'everyone.jsonl',
    mimeType: 'application/x-ndjson',
    buffer: Buffer.from(big),
  });
  await submit(handler);
  assert.match(
    await text(handler, '.govuk-error-summary'),
    /larger than the 4 KB this node accepts for a transfer/,
  );
  const [refused] = await t.services.audit.list({
    orgId: council.orgId,
    action: 'exchange.transfer.refused',
  });
  assert.equal(refused?.details.code, 'TRANSFER_TOO_LARGE');

  const rows = [person(910), person(911), person(912), person(913)];
  const cols = ['nhsNumber', 'givenName', 'familyName', 'dateOfBirth', 'postcode', 'address'];
  const csv = [cols.join(','), ...rows.map((r) => cols.map((c) => `"${String(r[c])}"`))].join('\n');
  await handler.setInputFiles('#file', {
    name: 'export.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv),
  });
  await submit(handler);
  await handler.waitForURL(/\/exchange\/transfers\/[0-9a-f-]+$/);
  assert.match(await text(handler, 'h1'), /4 person records\s+draft/);
  assert.match(await text(handler, 'body'), /an uploaded CSV file/);
  await assertAccessible(handler, 'sealed draft from a file');
  // The spooled uploads are gone: Accord keeps no copy of the file, only the sealed draft.
  const spool = path.join(t.services.config.dataDir, 'uploads');
  assert.deepEqual(fs.existsSync(spool) ? fs.readdirSync(spool) : [], []);
});

test('an organisation with nothing it may send is told why, not shown an empty form', async () => {
  const recipient = await signedInPage(browser, t.services, base, police.people.handler);
  await recipient.goto(`${base}/exchange/transfers/new`);
  assert.match(await text(recipient, 'main'), /No agreement in force lets your organisation send/);
  await assertAccessible(recipient, 'new transfer, nothing to send');
});
