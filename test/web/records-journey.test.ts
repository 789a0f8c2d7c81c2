/// <reference lib="dom" />
// Browser journey: an IAO registers an asset; a handler uploads a file with a bad row (nothing
// imported, the row reported), fixes it, imports, and finds a person. axe on every page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { assertAccessible, launchBrowser } from '../helpers/browser.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { signedInPage } from '../helpers/web.ts';
import { tempDir } from '../helpers/db.ts';
import { testClock } from '../helpers/clock.ts';
import { person } from '../helpers/records.ts';

const clock = testClock();
let t: TestApp;
let browser: Browser;
let base: string;
let org: OrgFixture;

before(async () => {
  t = await createTestApp('sqlite', {}, clock);
  org = await setupOrg(t.services, 'Journey Borough', { tokens: false });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

async function as(who: 'iao' | 'handler'): Promise<Page> {
  clock.advance(31_000); // a new time step, so the second-factor code is not a replay
  return signedInPage(browser, t.services, base, org.people[who], clock);
}

test('register an asset, import with a bad row then a good file, and find a person', async () => {
  const iao = await as('iao');
  await iao.goto(`${base}/assets`);
  await assertAccessible(iao, 'assets');
  await iao.click('a:has-text("Add an asset")');
  await assertAccessible(iao, 'add asset');
  await iao.fill('#name', 'Adult social care clients');
  await iao.selectOption('#typeKey', 'person');
  await iao.selectOption('#ownerPersonId', org.people.iao.personId);
  await iao.check('input[name="classification"][value="OFFICIAL"]');
  await iao.check('input[name="lawfulBasis"][value="art6-1-e"]');
  await iao.fill('#retentionPeriod', '6');
  await iao.selectOption('#retentionFrom', 'lastContact');
  await iao.click('button:has-text("Save asset")');
  // The type has OFFICIAL-SENSITIVE fields: the form says so and keeps what was typed.
  assert.match(
    (await iao.locator('.govuk-error-summary').textContent()) ?? '',
    /must be classified OFFICIAL-SENSITIVE/,
  );
  assert.equal(await iao.inputValue('#name'), 'Adult social care clients');
  await assertAccessible(iao, 'add asset, with errors');
  await iao.check('input[name="classification"][value="OFFICIAL-SENSITIVE"]');
  await iao.click('button:has-text("Save asset")');
  await iao.waitForURL(/\/assets\/[0-9a-f-]{36}$/);
  await assertAccessible(iao, 'asset');
  const assetUrl = iao.url();
  await iao.goto(`${base}/record-types`);
  await iao.click('a:has-text("Person (citizen)")');
  assert.match(
    (await iao.locator('table').textContent()) ?? '',
    /NHS number[\s\S]*OFFICIAL-SENSITIVE[\s\S]*nhs-number/,
  );
  await assertAccessible(iao, 'record type');
  await iao.close();

  const handler = await as('handler');
  const dir = tempDir();
  const rows = Array.from({ length: 40 }, (_, i) => person(500 + i));
  const bad = path.join(dir, 'clients.jsonl');
  fs.writeFileSync(
    bad,
    rows.map((r, i) => JSON.stringify(i === 12 ? { ...r, postcode: 'NOTAPOST' } : r)).join('\n'),
  );
  await handler.goto(assetUrl);
  await handler.fill('#purpose', 'Transfer from the old case system');
  await handler.setInputFiles('#file', bad);
  await handler.click('button:has-text("Import")');
  await handler.waitForURL(/\/imports\//);
  await handler.waitForFunction(() => !document.getElementById('import-progress'), undefined, {
    timeout: 20_000,
  });
  assert.match(
    (await handler.locator('.govuk-error-summary').textContent()) ?? '',
    /1 row of 40 has problems: nothing was imported/,
  );
  assert.match(
    (await handler.locator('table').textContent()) ?? '',
    /13\s*postcode\s*“NOTAPOST” is not a UK postcode/,
  );
  await assertAccessible(handler, 'failed import');

  fs.writeFileSync(bad, rows.map((r) => JSON.stringify(r)).join('\n'));
  await handler.goto(assetUrl);
  await handler.fill('#purpose', 'Transfer from the old case system');
  await handler.setInputFiles('#file', bad);
  await handler.click('button:has-text("Import")');
  await handler.waitForURL(/\/imports\//);
  await handler.waitForFunction(() => !document.getElementById('import-progress'), undefined, {
    timeout: 20_000,
  });
  assert.match((await handler.locator('.govuk-panel').textContent()) ?? '', /40 records imported/);
  await assertAccessible(handler, 'import complete');

  await handler.click('a.govuk-service-navigation__link:has-text("Records")');
  await assertAccessible(handler, 'look-up');
  await handler.fill('#purpose', 'Care review');
  await handler.fill('#nhsNumber', String(rows[7]!.nhsNumber));
  await handler.click('button:has-text("Search")');
  assert.match(
    (await handler.locator('.govuk-inset-text').textContent()) ?? '',
    /Matched on NHS number: 1 record/,
  );
  assert.match(
    (await handler.locator('.govuk-summary-list').first().textContent()) ?? '',
    new RegExp(String(rows[7]!.familyName)),
  );
  await assertAccessible(handler, 'look-up results');
  await handler.close();
});
