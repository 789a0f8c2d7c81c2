// Browser journeys for agreements: an IAO drafts an agreement one question page at a time, sees
// every problem on the check page (each linked to the page that fixes it), proposes it; each
// party's DPO and SIRO approve it on its page and it comes into force; the printable document and
// the "why?" page for a refused decision read well. axe checks every page on the way.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { createTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { assertAccessible, launchBrowser } from '../helpers/browser.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture, Who } from '../helpers/people.ts';
import { signedInPage } from '../helpers/web.ts';
import { withAccess } from '../../src/domain/policy/gate.ts';

let t: TestApp;
let browser: Browser;
let base: string;
let council: OrgFixture;
let police: OrgFixture;

before(async () => {
  t = await createTestApp('sqlite');
  council = await setupOrg(t.services, 'Journey Borough', { tokens: false });
  police = await setupOrg(t.services, 'Journey Police', { tokens: false });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

const as = (org: OrgFixture, who: Who): Promise<Page> =>
  signedInPage(browser, t.services, base, org.people[who]);

const text = async (page: Page, selector: string): Promise<string> =>
  (await page.locator(selector).first().textContent()) ?? '';

async function next(page: Page, label: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.click(`button:has-text("${label}")`)]);
}

const ymd = (plusDays: number) => {
  const d = new Date(Date.now() + plusDays * 86_400_000);
  return {
    day: String(d.getUTCDate()),
    month: String(d.getUTCMonth() + 1),
    year: String(d.getUTCFullYear()),
  };
};

async function fillDate(page: Page, id: string, plusDays: number): Promise<void> {
  const d = ymd(plusDays);
  await page.fill(`#${id}-day`, d.day);
  await page.fill(`#${id}-month`, d.month);
  await page.fill(`#${id}-year`, d.year);
}

let agreementUrl = '';

test('an IAO drafts an agreement question by question, sees every problem, and proposes it', async () => {
  const page = await as(council, 'iao');
  await page.click('a.govuk-service-navigation__link:has-text("Agreements")');
  await page.waitForURL(/\/agreements$/);
  await assertAccessible(page, 'register');
  await page.click('a:has-text("Draft an agreement")');
  await assertAccessible(page, 'new agreement');
  await page.fill('#title', 'Children’s safeguarding');
  await next(page, 'Continue');
  assert.match(page.url(), /\/draft\/[0-9a-f-]{36}\/parties$/);
  await assertAccessible(page, 'parties');
  await page.check(`input[name="parties"][value="${police.orgId}"]`);
  await next(page, 'Save and continue');

  // The check page before the rest is answered: every problem, each linked to its page.
  await page.goto(page.url().replace(/\/purposes$/, '/check'));
  const summary = await text(page, '.govuk-error-summary');
  assert.match(summary, /Choose at least one purpose/);
  assert.match(summary, /Journey Police: choose the lawful basis/);
  assert.match(summary, /Say how long the recipient may keep what it receives/);
  assert.match(
    (await page
      .locator('.govuk-error-summary a:has-text("lawful basis")')
      .first()
      .getAttribute('href')) ?? '',
    /\/lawful-basis$/,
  );
  assert.equal(await page.locator('button:has-text("Propose the agreement")').count(), 0);
  await assertAccessible(page, 'check with problems');

  await page.goto(page.url().replace(/\/check$/, '/purposes'));
  await assertAccessible(page, 'purposes');
  await page.check('input[name="purposes"][value="safeguarding"]');
  await next(page, 'Save and continue');
  await assertAccessible(page, 'lawful basis');
  for (const org of [council, police])
    await page.check(`input[name="basis-${org.orgId}"][value="art6-1-e"]`);
  await next(page, 'Save and continue');
  await assertAccessible(page, 'flows');
  const flow = `flow|${council.orgId}|${police.orgId}|person`;
  for (const f of ['givenName', 'familyName', 'dateOfBirth'])
    await page.check(`input[name="${flow}"][value="${f}"]`);
  await next(page, 'Save and continue');
  await assertAccessible(page, 'operations');
  await page.check('input[name="operations"][value="lookup"]');
  await page.fill('#lookupsPerDay', '50');
  await next(page, 'Save and continue');
  await assertAccessible(page, 'conditions');
  await next(page, 'Save and continue');
  await assertAccessible(page, 'dates');
  // A date that is not a date: refused on the page, what was typed kept.
  await page.fill('#retentionAtRecipient', '2');
  await page.fill('#startDate-day', '31');
  await page.fill('#startDate-month', '2');
  await page.fill('#startDate-year', '2027');
  await next(page, 'Save and continue');
  assert.match(await text(page, '.govuk-error-summary'), /The start date must be a real date/);
  assert.equal(await page.inputValue('#retentionAtRecipient'), '2');
  await assertAccessible(page, 'dates with errors');
  await fillDate(page, 'startDate', -1);
  await fillDate(page, 'endDate', 365);
  await fillDate(page, 'reviewDate', 180);
  await next(page, 'Save and continue');
  assert.match(page.url(), /\/check$/);
  assert.equal(await page.locator('.govuk-error-summary').count(), 0);
  assert.match(await text(page, '.govuk-summary-list'), /familyName, givenName, dateOfBirth/);
  await assertAccessible(page, 'check answers');
  await next(page, 'Propose the agreement');
  assert.match(page.url(), /\/agreements\/[0-9a-f-]{36}\?proposed=1$/);
  agreementUrl = page.url().split('?')[0]!;
  assert.match(await text(page, 'main'), /proposed/);
  assert.match(await text(page, 'main'), /Waiting for: Journey Borough DPO, Journey Borough SIRO/);
  // The proposer cannot approve their own proposal: no form is offered.
  assert.equal(await page.locator('button:has-text("Record my decision")').count(), 0);
  await assertAccessible(page, 'proposed agreement');
  await page.context().close();
});

test('each party’s DPO and SIRO approve it on its page, and it comes into force', async () => {
  for (const [org, who] of [
    [council, 'dpo'],
    [council, 'siro'],
    [police, 'dpo'],
    [police, 'siro'],
  ] as const) {
    const page = await as(org, who);
    await page.goto(agreementUrl);
    if (org === council && who === 'dpo') {
      // Sent without choosing: the problem is listed, nothing recorded.
      await next(page, 'Record my decision');
      assert.match(await text(page, '.govuk-error-summary'), /Choose whether you approve/);
      await assertAccessible(page, 'approval with errors');
    }
    await page.check('input[name="decision"][value="approve"]');
    await next(page, 'Record my decision');
    assert.match(page.url(), /done=decided/);
    await page.context().close();
  }
  const page = await as(police, 'dpo');
  await page.goto(agreementUrl);
  assert.match(await text(page, 'main'), /active/);
  await assertAccessible(page, 'active agreement');
  await page.click('a:has-text("Read the agreement document")');
  assert.match(await text(page, 'h1'), /Children’s safeguarding/);
  assert.match(await text(page, 'main'), /not allowed/);
  await assertAccessible(page, 'document');
  await page.goto(`${base}/agreements`);
  assert.match(await text(page, 'tbody'), /Journey Borough, Journey Police/);
  await page.context().close();
});

test('the “why?” page explains a refused decision and says what to do next', async () => {
  const handler = await police.actor('handler');
  await assert.rejects(
    withAccess(t.services, handler, (gate) =>
      t.services.sharing.require(gate, {
        operation: 'lookup',
        providerOrgId: council.orgId,
        recordType: 'person',
        purpose: 'fraud-prevention',
      }),
    ),
  );
  const [entry] = await t.services.audit.list({ orgId: police.orgId, action: 'share.lookup' });
  const page = await as(police, 'dpo');
  await page.goto(`${base}/audit`);
  await page.click(`a[href="/decisions/${entry!.seq}"]`);
  assert.match(await text(page, 'h1'), /Why was this refused\?/);
  assert.match(await text(page, 'main'), /allows purpose/);
  assert.match(await text(page, 'main'), /What to do next/);
  await assertAccessible(page, 'why');
  await page.context().close();
});

test('the DPO adds a purpose to the vocabulary; a bad key is refused with the reason', async () => {
  const page = await as(council, 'dpo');
  await page.goto(`${base}/agreements`);
  await page.click('a:has-text("Purposes")');
  await assertAccessible(page, 'purposes');
  await page.fill('#label', 'Housing allocation');
  await page.fill('#key', 'Housing Allocation');
  await next(page, 'Add purpose');
  assert.match(await text(page, '.govuk-error-summary'), /lower-case letters/);
  await assertAccessible(page, 'purposes with errors');
  await page.fill('#key', 'housing-allocation');
  await next(page, 'Add purpose');
  assert.match(page.url(), /added=1/);
  assert.match(await text(page, 'tbody'), /Housing allocation/);
  await page.context().close();
});
