/// <reference lib="dom" />
// Browser journey: an administrator signs in with password and TOTP, grants a role, sees it on
// the register, and signs out. axe checks every page on the way.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { createTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { assertAccessible, launchBrowser } from '../helpers/browser.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { giveCredentials, signIn } from '../helpers/web.ts';

let t: TestApp;
let browser: Browser;
let base: string;
let org: OrgFixture;

before(async () => {
  t = await createTestApp('sqlite');
  org = await setupOrg(t.services, 'Journey Council', { tokens: false });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

test('sign in with password and TOTP, grant a role, see it on the register, sign out', async () => {
  const { secret } = await giveCredentials(t.services, org.people.administrator.personId);
  const { person: newcomer } = await t.services.people.createAccount(
    t.services.store,
    org.orgId,
    { email: 'newcomer@journey.example', name: 'Nia Newcomer' },
    'node',
  );
  const page = await browser.newPage();
  await page.goto(`${base}/sign-in`);
  await assertAccessible(page, 'sign in');
  await signIn(page, base, org.people.administrator.email, secret);
  await assertAccessible(page, 'home');

  await page.click('a.govuk-service-navigation__link:has-text("Roles")');
  await assertAccessible(page, 'roles register');
  await page.click('a:has-text("Grant a role")');
  await assertAccessible(page, 'grant a role');
  // A form with problems is shown again with every problem listed, nothing saved.
  await page.click('button:has-text("Grant role")');
  assert.match((await page.locator('.govuk-error-summary').textContent()) ?? '', /Choose a role/);
  await assertAccessible(page, 'grant a role, with errors');
  await page.selectOption('#personId', newcomer.id);
  await page.check('input[name="role"][value="iao"]');
  await page.fill('#reason', 'Owns the housing benefit asset from April');
  await page.click('button:has-text("Grant role")');
  await page.waitForURL(/\/roles\/[0-9a-f-]{36}/);
  assert.match(
    (await page.locator('.govuk-notification-banner').textContent()) ?? '',
    /Role granted/,
  );
  await assertAccessible(page, 'grant detail');

  await page.goto(`${base}/roles`);
  const row = page.locator('tr', { hasText: 'Nia Newcomer' });
  assert.match((await row.textContent()) ?? '', /Information Asset Owner/);

  for (const path of ['/people', `/people/${newcomer.id}`, '/training', '/duties', '/account']) {
    await page.goto(`${base}${path}`);
    await assertAccessible(page, path);
  }

  await page.click('button:has-text("Sign out")');
  await page.waitForURL(/\/sign-in\?done=signed-out/);
  assert.match(
    (await page.locator('.govuk-notification-banner').textContent()) ?? '',
    /You have signed out/,
  );
  await page.goto(`${base}/roles`);
  assert.match(page.url(), /\/sign-in\?next=%2Froles/);
  await page.close();
});
