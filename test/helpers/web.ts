// Signing in through the real pages, for browser journeys: password, then the code from a
// second-factor secret the test knows.
import type { Browser, Page } from 'playwright-core';
import { currentCode, newTotpSecret } from '../../src/domain/identity/totp.ts';
import { hashPassword } from '../../src/domain/identity/passwords.ts';
import type { Services } from '../../src/services.ts';

export const TEST_PASSWORD = 'correct horse battery staple';

/** Gives a person a known password and second factor (as a demo account would have). */
export async function giveCredentials(
  services: Services,
  personId: string,
): Promise<{ secret: string }> {
  const secret = newTotpSecret();
  const hash = await hashPassword(TEST_PASSWORD);
  await services.store.db
    .updateTable('person')
    .set({
      password_hash: hash,
      totp_secret: services.box.seal(secret),
      totp_enrolled_at: new Date().toISOString(),
      totp_last_step: null,
    })
    .where('person_id', '=', personId)
    .execute();
  return { secret };
}

/** Signs in through the pages; `clock` is the app's clock, so codes match what the server expects. */
export async function signIn(
  page: Page,
  base: string,
  email: string,
  secret: string,
  clock: () => Date = () => new Date(),
): Promise<void> {
  await page.goto(`${base}/sign-in`);
  await page.fill('#email', email);
  await page.fill('#password', TEST_PASSWORD);
  await page.click('button:has-text("Continue")');
  await page.waitForURL(/\/sign-in\/code|\/home/);
  if (page.url().includes('/sign-in/code')) {
    await page.fill('#code', currentCode(secret, clock()));
    await page.click('button:has-text("Continue")');
  }
  await page.waitForURL(/\/home/);
}

/** A page in its own browser context, signed in as the person with fresh credentials. */
export async function signedInPage(
  browser: Browser,
  services: Services,
  base: string,
  person: { personId: string; email: string },
  clock?: () => Date,
): Promise<Page> {
  const { secret } = await giveCredentials(services, person.personId);
  const page = await (await browser.newContext()).newPage();
  await signIn(page, base, person.email, secret, clock);
  return page;
}
