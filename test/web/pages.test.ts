/// <reference lib="dom" />
// Page shell in a real browser: the start page and the 404 page render, load their assets under
// the CSP without errors, and pass axe.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { createTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { assertAccessible, launchBrowser } from '../helpers/browser.ts';

let t: TestApp;
let browser: Browser;
let base: string;

before(async () => {
  t = await createTestApp('sqlite');
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

test('the start page works under its CSP and passes axe', async () => {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${base}/`);
  assert.equal(await page.title(), 'Welcome – Accord');
  // GOV.UK Frontend's script ran (it marks the body) and the stylesheet applied.
  assert.ok(
    await page.evaluate(() => document.body.classList.contains('govuk-frontend-supported')),
  );
  await page.waitForFunction(
    () =>
      document
        .querySelector('[data-module="govuk-service-navigation"]')
        ?.getAttribute('data-govuk-service-navigation-init') !== null,
  );
  assert.deepEqual(problems, []);
  await assertAccessible(page);
  // The skip link is the first thing a keyboard user reaches.
  await page.keyboard.press('Tab');
  assert.equal(
    await page.evaluate(() => document.activeElement?.textContent?.trim()),
    'Skip to main content',
  );
  await page.close();
});

test('the 404 page passes axe', async () => {
  const page = await browser.newPage();
  const r = await page.goto(`${base}/missing`);
  assert.equal(r?.status(), 404);
  await assertAccessible(page);
  await page.close();
});
