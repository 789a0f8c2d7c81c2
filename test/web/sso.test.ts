/// <reference lib="dom" />
// Single sign-on end to end: a real OpenID provider (oidc-provider, with its development login and
// consent screens) on 127.0.0.1, Accord on a known port, and headless Chromium in between. The
// administrator configures single sign-on on the settings page; the SIRO signs in through the
// provider and still gives Accord's own second factor; identities without an account in the
// organisation, replayed callbacks, forged states and swapped codes are refused and audited.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
// @ts-expect-error -- oidc-provider ships no type declarations (@types/oidc-provider is not installed)
import { Provider as UntypedProvider } from 'oidc-provider';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { currentCode } from '../../src/domain/identity/totp.ts';
import { createTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { assertAccessible, launchBrowser } from '../helpers/browser.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { giveCredentials, signIn } from '../helpers/web.ts';

/** The little of oidc-provider's API this test uses. */
interface OidcProvider {
  callback(): http.RequestListener;
  on(event: string, listener: (...args: unknown[]) => void): void;
}
const Provider = UntypedProvider as new (
  issuer: string,
  configuration: Record<string, unknown>,
) => OidcProvider;

const CLIENT_ID = 'accord-sso-test';
const CLIENT_SECRET = randomBytes(24).toString('hex');
const SESSION_COOKIE = 'accord-session';
const LABEL = 'Sign in with Northshire accounts';

let t: TestApp;
let org: OrgFixture;
let other: OrgFixture;
let browser: Browser;
let base: string;
let issuer: string;
let opServer: http.Server;
/** The provider's accounts: subject (also the login name on its development screen) → email. */
const accounts = new Map<string, string>();
/** Token requests the provider refused. */
interface GrantError {
  error: string;
  cause?: Error;
}
const grantErrors: GrantError[] = [];
/** The callback that signed the SIRO in (replayed later). */
let siroCallback = '';

/** A port nothing is listening on, found by listening on port 0 and letting go. */
async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => s.close((e) => (e ? reject(e) : resolve())));
  return port;
}

before(async () => {
  // The provider first, on a port of its own choosing, so its issuer is known before it starts.
  opServer = http.createServer();
  await new Promise<void>((resolve) => opServer.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(opServer.address() as AddressInfo).port}`;
  const accordPort = await freePort();
  base = `http://127.0.0.1:${accordPort}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [`${base}/sign-in/sso/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    cookies: { keys: [randomBytes(32).toString('hex')] },
    jwks: {
      keys: [
        generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
      ],
    },
    scopes: ['openid', 'email', 'profile'],
    claims: { openid: ['sub'], email: ['email'] },
    async findAccount(_ctx: unknown, id: string) {
      const email = accounts.get(id);
      return email && { accountId: id, claims: async () => ({ sub: id, email }) };
    },
  });
  provider.on('server_error', (_ctx, e) => console.error('oidc-provider server error', e));
  provider.on('grant.error', (_ctx, e) => grantErrors.push(e as GrantError));
  opServer.on('request', provider.callback());

  t = await createTestApp('sqlite', { ACCORD_PUBLIC_URL: base });
  org = await setupOrg(t.services, 'Northshire Council', { tokens: false });
  other = await setupOrg(t.services, 'Southshire Council', { tokens: false });
  await t.app.listen({ port: accordPort, host: '127.0.0.1' });
  browser = await launchBrowser();

  accounts.set('siro', org.people.siro.email);
  // Vouched for by the provider, but with an account in another organisation only…
  accounts.set('neighbour', other.people.siro.email);
  // …or with no account at all.
  accounts.set('stranger', 'stranger@nowhere.example');
});

after(async () => {
  await browser?.close();
  await t?.close();
  if (opServer?.listening) {
    opServer.closeAllConnections();
    await new Promise<void>((resolve) => opServer.close(() => resolve()));
  }
});

/** A fresh browser (no cookies, so no session at the provider either) that only talks to 127.0.0.1. */
async function freshContext(): Promise<BrowserContext> {
  const context = await browser.newContext();
  // The provider's development pages import a web font; this machine has no network.
  await context.route(
    (url) => url.hostname !== '127.0.0.1',
    (route) => route.abort(),
  );
  return context;
}

/**
 * From Accord's sign-in page through the provider's development login and consent screens, up to
 * the browser's request for Accord's callback.
 */
async function signInAtProvider(page: Page, login: string): Promise<Request> {
  await page.goto(`${base}/sign-in`);
  await page.click(`a:has-text("${LABEL}")`);
  await page.waitForURL((url) => url.origin === issuer && url.pathname.startsWith('/interaction/'));
  await page.fill('input[name="login"]', login);
  await page.fill('input[name="password"]', 'any password will do');
  await page.click('button:has-text("Sign-in")');
  // The consent screen: Accord asks for the email scope (and profile, which it does not use).
  await page.locator('input[name="prompt"][value="consent"]').waitFor({ state: 'attached' });
  assert.equal(await page.locator('li', { hasText: /^email$/ }).count(), 1);
  const callback = page.waitForRequest((r) => r.url().startsWith(`${base}/sign-in/sso/callback?`));
  await page.click('button:has-text("Continue")');
  return callback;
}

/** The organisation's `signin.sso` audit entries after `seq`, oldest first. */
async function ssoAudit(seq = 0) {
  const entries = await t.services.audit.list({ orgId: org.orgId, action: 'signin.sso' });
  return entries.filter((e) => e.seq > seq).reverse();
}

async function latestSeq(): Promise<number> {
  return (await t.services.audit.list({ limit: 1 }))[0]?.seq ?? 0;
}

async function hasSession(context: BrowserContext): Promise<boolean> {
  return (await context.cookies(base)).some((c) => c.name === SESSION_COOKIE);
}

test('the administrator configures single sign-on on the settings page', async () => {
  const { secret } = await giveCredentials(t.services, org.people.administrator.personId);
  const context = await freshContext();
  const page = await context.newPage();
  await signIn(page, base, org.people.administrator.email, secret);
  await page.goto(`${base}/people`);
  await page.click('a:has-text("Single sign-on settings")');
  await page.waitForURL(`${base}/people/sso`);
  assert.match(
    (await page.locator('main').textContent()) ?? '',
    new RegExp(`${base}/sign-in/sso/callback`.replace(/[.:/]/g, '\\$&')),
  );
  await assertAccessible(page, 'single sign-on settings, empty');
  await page.fill('#label', LABEL);
  await page.fill('#issuer', issuer);
  await page.fill('#clientId', CLIENT_ID);
  await page.fill('#clientSecret', CLIENT_SECRET);
  await page.check('input[name="enabled"][value="yes"]');
  await page.click('button:has-text("Save settings")');
  await page.waitForURL(`${base}/people/sso`);
  assert.equal(await page.inputValue('#issuer'), issuer);
  await assertAccessible(page, 'single sign-on settings, saved');
  await context.close();

  const settings = await t.services.sso.settings(await org.actor('administrator'));
  assert.deepEqual(
    { ...settings, updatedAt: undefined },
    { label: LABEL, issuer, clientId: CLIENT_ID, enabled: true, updatedAt: undefined },
  );
});

test('the SIRO signs in through the provider, then gives the code from their authenticator', async () => {
  const { secret } = await giveCredentials(t.services, org.people.siro.personId);
  const context = await freshContext();
  const page = await context.newPage();
  await page.goto(`${base}/sign-in`);
  await assertAccessible(page, 'sign in, with single sign-on');

  siroCallback = (await signInAtProvider(page, 'siro')).url();
  // The provider vouched for them, but the SIRO reaches personal data: Accord's own code is owed.
  await page.waitForURL(/\/sign-in\/code\?next=%2Fhome$/);
  await assertAccessible(page, 'code after single sign-on');
  await page.goto(`${base}/home`);
  assert.match(page.url(), /\/sign-in\/code/, 'no page before the second factor');

  await page.fill('#code', currentCode(secret, new Date()));
  await page.click('button:has-text("Continue")');
  await page.waitForURL(`${base}/home`);
  await assertAccessible(page, 'home after single sign-on');
  assert.ok(await hasSession(context));
  await context.close();

  const entries = (await ssoAudit()).filter(
    (e) => e.target === `person:${org.people.siro.personId}`,
  );
  assert.equal(entries.length, 1);
  assert.equal(entries[0]!.outcome, 'ok');
  assert.equal(entries[0]!.details.next, 'code');
  const person = await t.services.store.db
    .selectFrom('person')
    .select('sso_subject')
    .where('person_id', '=', org.people.siro.personId)
    .executeTakeFirstOrThrow();
  assert.equal(person.sso_subject, 'siro', 'the provider’s subject is pinned');
  const sessions = await t.services.signIn.sessionsOf(org.people.siro.personId);
  assert.ok(sessions.some((s) => s.method === 'sso' && s.mfa === 1));
});

test('someone the provider vouches for without an account in the organisation is refused', async () => {
  // One has an account, but in another organisation; the other has none anywhere.
  for (const login of ['neighbour', 'stranger']) {
    const mark = await latestSeq();
    const context = await freshContext();
    const page = await context.newPage();
    const callback = await signInAtProvider(page, login);
    await page.waitForURL(callback.url());
    assert.equal((await callback.response())?.status(), 401, login);
    assert.match(
      (await page.locator('main').textContent()) ?? '',
      /Your identity provider signed you in, but there is no active Accord account for you in this organisation/,
      login,
    );
    await assertAccessible(page, `single sign-on refused (${login})`);
    assert.equal(await hasSession(context), false, `${login} has no session`);
    await context.close();

    assert.deepEqual(
      (await ssoAudit(mark)).map((e) => [e.outcome, e.actor, e.target, e.details.why]),
      [['failed', 'anonymous', null, 'no account for that email in this organisation']],
      login,
    );
  }
  // The other organisation's person was not touched.
  const neighbour = await t.services.store.db
    .selectFrom('person')
    .select('sso_subject')
    .where('person_id', '=', other.people.siro.personId)
    .executeTakeFirstOrThrow();
  assert.equal(neighbour.sso_subject, null);
});

test('a replayed callback, a forged state and a code from another sign-in are refused', async () => {
  const context = await freshContext();
  const page = await context.newPage();
  const refused = async (url: string, why: RegExp): Promise<void> => {
    const response = await page.goto(url);
    assert.equal(response?.status(), 401, url);
    assert.match((await page.locator('main').textContent()) ?? '', why, url);
    assert.equal(await hasSession(context), false, url);
  };

  // The SIRO's callback again: its state was used up when it first arrived.
  assert.ok(siroCallback, 'the SIRO signed in first');
  await refused(siroCallback, /That sign-in attempt has expired/);
  // A state Accord never issued.
  const forged = new URL(siroCallback);
  forged.searchParams.set('state', 'forged-state');
  await refused(forged.toString(), /That sign-in attempt has expired/);
  await assertAccessible(page, 'single sign-on refused (forged state)');

  // An attacker starts a sign-in of their own (a real, unused state in their browser) and pastes
  // in a code the provider issued to another sign-in: PKCE ties the code to the other verifier.
  await page.goto(`${base}/sign-in/sso/${org.orgId}`);
  await page.waitForURL((url) => url.origin === issuer);
  const begun = await t.services.store.db.selectFrom('sso_login').select('state').execute();
  assert.equal(begun.length, 1);
  const victim = await freshContext();
  const victimPage = await victim.newPage();
  // Stop the victim's browser at the callback, so their code is never redeemed.
  await victim.route(`${base}/sign-in/sso/callback**`, (route) => route.abort());
  const swapped = new URL((await signInAtProvider(victimPage, 'siro')).url());
  await victim.close();
  swapped.searchParams.set('state', begun[0]!.state);
  const mark = await latestSeq();
  await refused(swapped.toString(), /Single sign-on did not complete/);
  const refusals = await ssoAudit(mark);
  assert.deepEqual(
    refusals.map((e) => [e.outcome, e.actor, e.target]),
    [['failed', 'anonymous', null]],
  );
  // The provider refused the code because the verifier was not the one it was issued for.
  assert.deepEqual(
    grantErrors.map((e) => [e.error, e.cause?.message]),
    [['invalid_grant', 'code_verifier does not match code_challenge']],
  );
  await context.close();
});
