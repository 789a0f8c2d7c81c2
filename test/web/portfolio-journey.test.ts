/// <reference lib="dom" />
// Browser journey: someone raises a help-desk ticket and sees it on the application's queue; an
// administrator answers it, approves an access request, and visits every portfolio page. axe
// checks every page on the way.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { createTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { assertAccessible, launchBrowser } from '../helpers/browser.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { giveCredentials, signIn } from '../helpers/web.ts';
import { nodeActor } from '../../src/domain/policy/actor.ts';

let t: TestApp;
let browser: Browser;
let base: string;
let org: OrgFixture;
let appId: string;

before(async () => {
  t = await createTestApp('sqlite');
  org = await setupOrg(t.services, 'Journey Council', { tokens: false });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
  const node = nodeActor(org.orgId);
  const p = t.services.portfolio;
  await p.availability.addHost(node, '127.0.0.1');
  appId = (
    await p.applications.create(node, {
      name: 'Housing repairs',
      critical: true,
      businessOwnerId: org.people.iao.personId,
      onboarded: true,
      budgetLine: 'HSG-2',
      annualCost: 40000,
      healthCheckUrl: 'http://127.0.0.1:9/health',
    })
  ).id;
  await p.applications.create(node, {
    name: 'Old payroll',
    critical: true,
    lifecycle: 'end-of-life',
  });
  const day = (d: number, h = 10) => new Date(Date.UTC(2026, 2, d, h)).toISOString();
  await p.delivery.ingest(node, [
    { type: 'change', application: appId, sha: 'aaaaaaa1', committedAt: day(2, 8), at: day(2, 9) },
    { type: 'deployment', application: appId, id: 'r1', at: day(2, 12), sha: 'aaaaaaa1' },
    { type: 'deployment', application: appId, id: 'r2', at: day(9, 12), status: 'failure' },
    { type: 'deployment', application: appId, id: 'r3', at: day(9, 14) },
    { type: 'incident', application: appId, id: 'i1', openedAt: day(16), resolvedAt: day(16, 13) },
  ]);
  const cdx = fs.readFileSync(
    new URL('../fixtures/portfolio/scans/claims.cdx.json', import.meta.url),
    'utf8',
  );
  await p.vulnerabilities.importScan(node, appId, { scan: cdx });
  await p.availability.runChecks();
  await p.availability.postNotice(node, appId, {
    kind: 'incident',
    title: 'Repairs cannot be booked',
  });
  await p.roadmap.create(node, { appId, title: 'Book repairs online', horizon: 'next' });
});
after(async () => {
  await browser?.close();
  await t?.close();
});

test('raise a ticket and see it on the queue; the service desk answers and approves access; every page passes axe', async () => {
  const member = await giveCredentials(t.services, org.people.member.personId);
  const page = await browser.newPage();
  await signIn(page, base, org.people.member.email, member.secret);
  await page.click('a.govuk-service-navigation__link:has-text("Help desk")');
  await assertAccessible(page, 'help desk queue');
  await page.click('a:has-text("Raise a ticket")');
  await assertAccessible(page, 'raise a ticket');
  await page.click('button:has-text("Raise ticket")');
  assert.match(
    (await page.locator('.govuk-error-summary').textContent()) ?? '',
    /Choose the application/,
  );
  await assertAccessible(page, 'raise a ticket, with errors');
  await page.selectOption('#appId', appId);
  await page.check('input[name="kind"][value="fault"]');
  await page.fill('#title', 'Repairs form rejects my postcode');
  await page.fill('#description', 'It says my postcode is not valid; it is NE1 4XY.');
  await page.check('input[name="priority"][value="P2"]');
  await page.click('button:has-text("Raise ticket")');
  await page.waitForURL(/\/helpdesk\/[0-9a-f-]{36}\?raised=1/);
  assert.match(
    (await page.locator('.govuk-notification-banner').textContent()) ?? '',
    /Ticket raised/,
  );
  await assertAccessible(page, 'ticket, as its raiser');
  const ticketUrl = page.url().split('?')[0]!;

  await page.goto(`${base}/helpdesk?applicationId=${appId}`);
  const row = page.locator('tr', { hasText: 'Repairs form rejects my postcode' });
  assert.match((await row.textContent()) ?? '', /Housing repairs[\s\S]*P2[\s\S]*new/);
  assert.match((await page.locator('h1').textContent()) ?? '', /Help desk: Housing repairs/);

  // An access request, for the administrator to approve.
  await page.goto(`${base}/helpdesk/new?applicationId=${appId}`);
  await page.check('input[name="kind"][value="access-request"]');
  await page.selectOption('#requestedRole', 'handler');
  await page.fill('#title', 'Handler role for repairs casework');
  await page.fill('#description', 'I now handle repairs cases.');
  await page.click('button:has-text("Raise ticket")');
  await page.waitForURL(/\/helpdesk\/[0-9a-f-]{36}/);
  const accessUrl = page.url().split('?')[0]!;
  await page.click('button:has-text("Sign out")');
  await page.waitForURL(/sign-in/);

  const admin = await giveCredentials(t.services, org.people.administrator.personId);
  await signIn(page, base, org.people.administrator.email, admin.secret);
  await page.goto(ticketUrl);
  await assertAccessible(page, 'ticket, as the service desk');
  await page.fill('#body', 'Thanks: we are looking at postcode validation.');
  await page.click('button:has-text("Add comment")');
  await page.waitForURL(/done=/);
  assert.match(
    (await page.locator('.govuk-inset-text').first().textContent()) ?? '',
    /postcode validation/,
  );
  await page.goto(accessUrl);
  await page.click('button:has-text("Approve and grant the role")');
  await page.waitForURL(/done=/);
  assert.match(
    (await page.locator('.govuk-notification-banner').textContent()) ?? '',
    /the role is granted/,
  );
  await assertAccessible(page, 'approved access request');
  const grants = await t.services.roles.register(await org.actor('administrator'), {
    personId: org.people.member.personId,
    status: 'current',
  });
  assert.deepEqual(
    grants.map((g) => g.role),
    ['handler'],
  );

  const item = (await t.services.portfolio.roadmap.list(await org.actor('administrator')))[0]!;
  const notice = (
    await t.services.portfolio.availability.status(await org.actor('administrator'), appId)
  ).notices[0]!;
  assert.ok(notice);
  for (const path of [
    '/portfolio',
    '/portfolio/new',
    `/portfolio/applications/${appId}`,
    `/portfolio/applications/${appId}/edit`,
    `/portfolio/applications/${appId}/webhook`,
    '/portfolio/import',
    '/portfolio/delivery',
    '/portfolio/delivery?months=3&unit=week',
    `/portfolio/applications/${appId}/delivery`,
    '/portfolio/events/import',
    '/portfolio/vulnerabilities',
    `/portfolio/applications/${appId}/vulnerabilities`,
    `/portfolio/applications/${appId}/vulnerabilities?state=all`,
    '/portfolio/availability',
    '/portfolio/hosts',
    `/portfolio/applications/${appId}/notices/new`,
    `/status/${appId}`,
    '/portfolio/roadmap',
    '/portfolio/roadmap/new',
    `/portfolio/roadmap/${item.id}/edit`,
    '/portfolio/settings',
    '/helpdesk?state=all',
  ]) {
    const r = await page.goto(`${base}${path}`);
    assert.equal(r?.status(), 200, path);
    await assertAccessible(page, path);
  }

  // A form with problems, then a webhook secret shown once.
  await page.goto(`${base}/portfolio/new`);
  await page.fill('#healthCheckUrl', 'ftp://example.org/health');
  await page.click('button:has-text("Save application")');
  const summary = (await page.locator('.govuk-error-summary').textContent()) ?? '';
  assert.match(summary, /Enter the application’s name/);
  assert.match(summary, /Only http and https addresses/);
  await assertAccessible(page, 'new application, with errors');
  await page.goto(`${base}/portfolio/applications/${appId}/webhook`);
  await page.click('button:has-text("Set a secret")');
  assert.match((await page.locator('.accord-secret').textContent()) ?? '', /^whsec_/);
  await assertAccessible(page, 'webhook secret');
  await page.close();
});
