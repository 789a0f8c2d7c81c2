/// <reference lib="dom" />
// Browser journeys for governance: a member of staff reports a suspected incident from any page
// in two clicks and sees its 72-hour clock; the DPO triages and decides on it and exports the ICO
// report; the registers, dashboard and records of processing render; the public charter needs no
// sign-in and shows no personal data. axe checks every page on the way.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { createTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { assertAccessible, launchBrowser } from '../helpers/browser.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture, Who } from '../helpers/people.ts';
import { giveCredentials, signIn } from '../helpers/web.ts';
import { seedGovernanceDemo } from '../../src/domain/governance/demo.ts';

let t: TestApp;
let browser: Browser;
let base: string;
let org: OrgFixture;

before(async () => {
  t = await createTestApp('sqlite');
  org = await setupOrg(t.services, 'Journey Borough', { tokens: false });
  await seedGovernanceDemo(t.services, org.name);
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

async function as(who: Who): Promise<Page> {
  const { secret } = await giveCredentials(t.services, org.people[who].personId);
  const page = await (await browser.newContext()).newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    // A form sent with problems comes back as 400 on purpose; anything else is a fault.
    if (m.type() === 'error' && !/status of 400/.test(m.text())) problems.push(m.text());
  });
  (page as Page & { problems: string[] }).problems = problems;
  await signIn(page, base, org.people[who].email, secret);
  return page;
}

/** Clicks a form's button, waits for the page it leads to, and expects it saved. */
async function submit(page: Page, button: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.click(`button:has-text("${button}")`)]);
  const errors = page.locator('.govuk-error-summary');
  assert.equal(await errors.count(), 0, (await errors.count()) ? await errors.innerText() : '');
  assert.match(page.url(), /saved=1/);
}

const text = async (page: Page, selector: string): Promise<string> =>
  (await page.locator(selector).first().textContent()) ?? '';

test('anyone signed in reports a suspected incident in two clicks and sees its clock', async () => {
  const page = await as('member');
  await page.goto(`${base}/account`);
  // Click 1: the link on every page.
  await page.click('a:has-text("Report an incident")');
  await page.waitForURL(/\/incidents\/report$/);
  await assertAccessible(page, 'report an incident');
  // Sent empty: the problem is listed and nothing is saved.
  await page.click('button:has-text("Report incident")');
  assert.match(await text(page, '.govuk-error-summary'), /Say briefly what happened/);
  await assertAccessible(page, 'report an incident, with errors');
  await page.fill(
    '#summary',
    'I emailed a spreadsheet of tenants to the wrong housing association',
  );
  // Click 2: report it (awareness defaults to now).
  await page.click('button:has-text("Report incident")');
  await page.waitForURL(/\/incidents\/[0-9a-f-]{36}\?reported=1/);
  assert.match(await text(page, '.govuk-notification-banner'), /Incident INC-\d{4}-\d{3} reported/);
  // The clock: deadline 72 hours from now in London time, counting down live.
  const clock = await text(page, '.accord-clock');
  assert.match(clock, /Running/);
  assert.match(
    clock,
    /Deadline to tell the ICO: \w+day \d{1,2} \w+ \d{4} at \d{1,2}:\d{2}(am|pm) (GMT|BST)/,
  );
  await page.waitForFunction(() =>
    /^(2 days 23 hours \d+ minutes|3 days) left to notify the ICO$/.test(
      document.querySelector('[data-clock-label]')?.textContent ?? '',
    ),
  );
  await assertAccessible(page, 'incident with its clock');
  assert.deepEqual((page as Page & { problems: string[] }).problems, []);
  // Their own report is listed for them; everyone else's is not.
  await page.goto(`${base}/incidents`);
  assert.match(await text(page, 'h1'), /Incidents you reported/);
  assert.equal(await page.locator('tbody tr').count(), 1);
  await assertAccessible(page, 'my incidents');
  await page.context().close();
});

test('the DPO triages, decides and exports the ICO report; the registers and dashboard render', async () => {
  const page = await as('dpo');
  await page.click('a.govuk-service-navigation__link:has-text("Governance")');
  await page.waitForURL(/\/governance$/);
  assert.match(await text(page, 'h1'), /Compliance dashboard/);
  assert.match(await text(page, '#vendors-lapsed'), /LGA Data Handling Guidelines/);
  assert.equal((await page.locator('svg[role="img"] title').count()) >= 7, true);
  await assertAccessible(page, 'dashboard');

  const fresh = await t.services.governance.incidents.report(await org.actor('handler'), {
    summary: 'Wrong attachment sent to a partner',
  });
  await page.goto(`${base}/governance/incidents`);
  await assertAccessible(page, 'incidents');
  await page.click(`a:has-text("${fresh.ref}")`);
  await assertAccessible(page, 'incident for the DPO');
  // Triage without saying whether personal data is involved: refused, listed.
  await page.click('button:has-text("Save triage")');
  assert.match(await text(page, '.govuk-error-summary'), /Say whether personal data is involved/);
  await assertAccessible(page, 'triage with errors');

  await page.goto(`${base}/governance/risks`);
  assert.equal(
    await page.locator('svg[role="img"][aria-labelledby="heat-map-title heat-map-desc"]').count(),
    1,
  );
  await assertAccessible(page, 'risk register');
  await page.click('a:has-text("R-001")');
  await assertAccessible(page, 'a risk');
  await page.goto(`${base}/governance/risks/new`);
  await page.click('button:has-text("Save risk")');
  assert.match(await text(page, '.govuk-error-summary'), /Choose a category/);
  await assertAccessible(page, 'new risk with errors');

  for (const path of [
    '/governance/vendors',
    '/governance/vendors/new',
    '/governance/dpias',
    '/governance/dpias/new',
    '/governance/ropa',
    '/governance/charter',
  ]) {
    await page.goto(`${base}${path}`);
    await assertAccessible(page, path);
  }
  await page.goto(`${base}/governance/vendors`);
  await page.click('td a >> nth=0');
  await assertAccessible(page, 'a vendor');
  await page.goto(`${base}/governance/dpias`);
  await page.click('a:has-text("DPIA-002")');
  assert.match(await text(page, 'h1'), /Social media/);
  await page.click('a:has-text("Give the DPO’s advice")');
  await assertAccessible(page, 'DPO advice');
  await page.fill('#advice', 'Too intrusive for the benefit; find another way.');
  await page.check('input[name="recommendation"][value="do-not-proceed"]');
  await page.click('button:has-text("Give advice")');
  await page.waitForURL(/\/governance\/dpias\/[0-9a-f-]{36}$/);
  assert.match(await text(page, 'main'), /Do not proceed/);
  await assertAccessible(page, 'DPIA with advice');
  await page.context().close();
});

test('the DPO works a breach through: triage, decision, notification, and the ICO report', async () => {
  const member = await org.actor('member');
  const i = await t.services.governance.incidents.report(member, {
    summary: 'Laptop stolen from a car',
  });
  const page = await as('dpo');
  await page.goto(`${base}/incidents/${i.id}`);
  await page.check('input[name="personalData"][value="yes"]');
  await page.check('input[name="breachTypes"][value="confidentiality"]');
  await page.check('input[name="dataCategories"][value="Health data"]');
  await page.fill('#subjectsAffected', '250');
  await page.check('input[name="likelihood"][value="possible"]');
  await page.check('input[name="severity"][value="significant"]');
  await submit(page, 'Save triage');
  assert.match(await text(page, 'main'), /tell the ICO within 72 hours/);
  await page.check('input[name="notifyIco"][value="yes"]');
  await page.check('input[name="tellSubjects"][value="no"]');
  await submit(page, 'Record decision');
  await assertAccessible(page, 'incident with the notification form');
  const now = new Date();
  const london = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    day: 'numeric',
    month: 'numeric',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const part = (k: string) => london.find((p) => p.type === k)!.value;
  await page.fill('#notifiedAt-day', part('day'));
  await page.fill('#notifiedAt-month', part('month'));
  await page.fill('#notifiedAt-year', part('year'));
  await page.fill('#notifiedAtTime', `${part('hour')}:${part('minute')}`);
  await page.fill('#reference', 'ICO/00112233');
  await submit(page, 'Record notification');
  assert.match(await text(page, '.accord-clock'), /Notified in time/);
  await page.click('a:has-text("Answers for the ICO’s breach report form")');
  assert.match(await text(page, 'main'), /How many data subjects could be affected\?\s*250/);
  await assertAccessible(page, 'ICO report');
  await page.context().close();
});

test('the public charter needs no sign-in, shows no personal data and passes axe', async () => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${base}/charter`);
  await assertAccessible(page, 'charter index');
  await page.click(`a:has-text("${org.name}")`);
  await page.waitForURL(new RegExp(`/charter/${org.orgId}$`));
  const body = (await page.locator('main').textContent()) ?? '';
  assert.match(body, /What we hold/);
  assert.match(body, /Member Centre Hosting Ltd \(processor\)/);
  assert.match(body, /information.rights@northshire-council.example/);
  assert.match(body, /prevent fraud/); // the published DPIA summary
  const people = await t.services.people.list(await org.actor('administrator'));
  for (const p of people) {
    assert.ok(!body.includes(p.name), `the charter names ${p.name}`);
    assert.ok(!body.includes(p.email), `the charter shows ${p.email}`);
  }
  await assertAccessible(page, 'public charter');
  await page.context().close();
});

test('a DPIA goes from screening to the SIRO’s sign-off through the pages', async () => {
  const iaoPage = await as('iao');
  await iaoPage.goto(`${base}/governance/dpias/new`);
  await iaoPage.fill('#title', 'Sharing school attendance with social care');
  await iaoPage.fill('#description', 'Weekly attendance of children known to social care.');
  await Promise.all([iaoPage.waitForNavigation(), iaoPage.click('button:has-text("Start DPIA")')]);
  await iaoPage.click('a:has-text("Answer the screening questions")');
  await assertAccessible(iaoPage, 'screening');
  for (const id of await iaoPage.locator('input[type="radio"][value="no"]').all()) await id.check();
  await iaoPage.check('input[name="q-vulnerable"][value="yes"]');
  await Promise.all([
    iaoPage.waitForNavigation(),
    iaoPage.click('button:has-text("Save screening")'),
  ]);
  assert.match(await text(iaoPage, 'main'), /a full DPIA is required/);
  await iaoPage.click('a:has-text("Write the assessment")');
  await assertAccessible(iaoPage, 'assessment');
  // Sending it on incomplete lists what is missing.
  await iaoPage.click('button:has-text("Send to the DPO for advice")');
  assert.match(await text(iaoPage, '.govuk-error-summary'), /Record at least one risk/);
  await assertAccessible(iaoPage, 'assessment with errors');
  await iaoPage.fill('#necessity', 'Safeguarding children: Art. 6(1)(e), Art. 9(2)(g).');
  await iaoPage.fill('#proportionality', 'Attendance only, weekly, for children already known.');
  await iaoPage.fill('[id="risks[0].description"]', 'A child wrongly flagged as missing school');
  await iaoPage.selectOption('[id="risks[0].likelihood"]', '2');
  await iaoPage.selectOption('[id="risks[0].severity"]', '2');
  await iaoPage.fill('[id="risks[0].measures"]', 'A social worker checks before any contact');
  await iaoPage.selectOption('[id="risks[0].residual"]', 'low');
  await Promise.all([
    iaoPage.waitForNavigation(),
    iaoPage.click('button:has-text("Send to the DPO for advice")'),
  ]);
  assert.match(await text(iaoPage, 'main'), /Awaiting DPO advice/);
  const dpiaUrl = iaoPage.url();
  await iaoPage.context().close();

  const id = dpiaUrl.split('/').pop()!;
  await t.services.governance.dpias.advise(await org.actor('dpo'), id, {
    advice: 'Proceed with the check by a social worker.',
    recommendation: 'proceed',
  });
  const siroPage = await as('siro');
  await siroPage.goto(dpiaUrl);
  await siroPage.click('a:has-text("Sign off")');
  await assertAccessible(siroPage, 'sign-off');
  await siroPage.check('input[name="decision"][value="approved"]');
  const next = new Date(Date.now() + 200 * 86_400_000);
  await siroPage.fill('#reviewOn-day', String(next.getUTCDate()));
  await siroPage.fill('#reviewOn-month', String(next.getUTCMonth() + 1));
  await siroPage.fill('#reviewOn-year', String(next.getUTCFullYear()));
  await Promise.all([
    siroPage.waitForNavigation(),
    siroPage.click('button:has-text("Record decision")'),
  ]);
  assert.match(await text(siroPage, 'main'), /Approved by Siro of Journey Borough/);
  await assertAccessible(siroPage, 'signed DPIA with its review, summary and reopen forms');
  const [risk] = await t.services.governance.risks.list(await org.actor('siro'));
  await siroPage.goto(`${base}/governance/risks/${risk!.id}/edit`);
  await assertAccessible(siroPage, 'risk edit');
  const [vendor] = await t.services.governance.vendors.list(await org.actor('siro'));
  await siroPage.goto(`${base}/governance/vendors/${vendor!.id}/edit`);
  await assertAccessible(siroPage, 'vendor edit');
  await siroPage.context().close();
});
