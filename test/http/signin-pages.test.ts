// Signing in through the pages: coded, readable errors for every bad input; cookies as they
// should be; CSRF on every form.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { testClock } from '../helpers/clock.ts';
import { Jar } from '../helpers/jar.ts';
import { TEST_PASSWORD, giveCredentials } from '../helpers/web.ts';
import { currentCode } from '../../src/domain/identity/totp.ts';

const clock = testClock();
let t: TestApp;
let org: OrgFixture;
let secret: string;

before(async () => {
  t = await createTestApp('sqlite', {}, clock);
  org = await setupOrg(t.services, 'Pages Council');
  ({ secret } = await giveCredentials(t.services, org.people.dpo.personId));
});
after(async () => t.close());

async function signedIn(): Promise<Jar> {
  clock.advance(31_000); // a fresh TOTP step for each sign-in
  const jar = new Jar(t.app);
  await jar.post(
    '/sign-in',
    { email: org.people.dpo.email, password: TEST_PASSWORD },
    { fromPage: '/sign-in' },
  );
  const r = await jar.post(
    '/sign-in/code',
    { code: currentCode(secret, clock()) },
    { fromPage: '/sign-in/code' },
  );
  assert.equal(r.statusCode, 303);
  return jar;
}

test('a wrong password shows the error summary and the typed email, and sets no session', async () => {
  const jar = new Jar(t.app);
  const r = await jar.post(
    '/sign-in',
    { email: org.people.dpo.email, password: 'wrong password here' },
    { fromPage: '/sign-in' },
  );
  assert.equal(r.statusCode, 401);
  assert.match(r.body, /govuk-error-summary/);
  assert.match(r.body, /Enter a correct email address and password/);
  assert.match(r.body, new RegExp(`value="${org.people.dpo.email}"`));
  assert.doesNotMatch(jar.header(), /accord-session/);
});

test('the session cookie is HttpOnly and SameSite, the code step rotates it, and /home needs it', async () => {
  clock.advance(31_000);
  const jar = new Jar(t.app);
  const r = await jar.post(
    '/sign-in',
    { email: org.people.dpo.email, password: TEST_PASSWORD },
    { fromPage: '/sign-in' },
  );
  assert.equal(r.headers.location, '/sign-in/code?next=%2Fhome');
  const cookie = [r.headers['set-cookie']].flat().find((c) => c?.startsWith('accord-session='))!;
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Lax/);
  const before = jar.header();
  assert.equal(
    (await jar.get('/home')).headers.location,
    '/sign-in/code',
    'no pages before the code',
  );
  await jar.post(
    '/sign-in/code',
    { code: currentCode(secret, clock()) },
    { fromPage: '/sign-in/code' },
  );
  assert.notEqual(jar.header(), before, 'a new session after the code');
  assert.equal((await jar.get('/home')).statusCode, 200);
});

test('a replayed or wrong code is refused on the page with a clear message', async () => {
  clock.advance(31_000);
  const jar = new Jar(t.app);
  await jar.post(
    '/sign-in',
    { email: org.people.dpo.email, password: TEST_PASSWORD },
    { fromPage: '/sign-in' },
  );
  const wrong = await jar.post('/sign-in/code', { code: '000000' }, { fromPage: '/sign-in/code' });
  assert.equal(wrong.statusCode, 401);
  assert.match(wrong.body, /Enter the current 6-digit code/);
  const code = currentCode(secret, clock());
  await jar.post('/sign-in/code', { code }, { fromPage: '/sign-in/code' });
  const other = new Jar(t.app);
  await other.post(
    '/sign-in',
    { email: org.people.dpo.email, password: TEST_PASSWORD },
    { fromPage: '/sign-in' },
  );
  const replay = await other.post('/sign-in/code', { code }, { fromPage: '/sign-in/code' });
  assert.match(replay.body, /already been used/);
});

test('forms without a CSRF token, or with one from another session, are refused', async () => {
  const a = await signedIn();
  const b = await signedIn();
  const noToken = await a.post(
    '/account/tokens',
    { name: 'x', scopes: 'org:read', expiresInDays: '30' },
    { csrf: null },
  );
  assert.equal(noToken.statusCode, 403);
  assert.match(noToken.body, /The form has expired/);
  const page = await b.get('/account');
  const bToken = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const crossed = await a.post(
    '/account/tokens',
    { name: 'x', scopes: 'org:read', expiresInDays: '30' },
    { csrf: bToken },
  );
  assert.equal(crossed.statusCode, 403);
  const ok = await a.post(
    '/account/tokens',
    { name: 'nightly import', scopes: 'org:read', expiresInDays: '30' },
    { fromPage: '/account' },
  );
  assert.equal(ok.statusCode, 200);
  assert.match(ok.body, /accord_[A-Za-z0-9_-]{40,}/);
});

test('an expired session sends you back to sign in', async () => {
  const jar = await signedIn();
  assert.equal((await jar.get('/roles')).statusCode, 200);
  clock.advance(31 * 60_000);
  const r = await jar.get('/roles');
  assert.equal(r.statusCode, 303);
  assert.equal(r.headers.location, '/sign-in?next=%2Froles');
});

test('API: a token without the scope is 403 with a coded reason; bad grants list every problem', async () => {
  const limited = (
    await t.services.tokens.create(await org.actor('administrator'), {
      name: 'ro',
      scopes: ['roles:read'],
      expiresInDays: 5,
    })
  ).secret;
  const r = await t.app.inject({
    method: 'POST',
    url: '/api/roles',
    headers: { authorization: `Bearer ${limited}` },
    payload: { personId: org.people.member.personId, role: 'iao', reason: 'x' },
  });
  assert.equal(r.statusCode, 403);
  assert.equal(r.json().error.code, 'FORBIDDEN');
  assert.match(r.json().error.message, /scope 'roles:write'/);

  const admin = org.people.administrator.token;
  const bad = await t.app.inject({
    method: 'POST',
    url: '/api/roles',
    headers: { authorization: `Bearer ${admin}` },
    payload: {
      personId: org.people.member.personId,
      role: 'wizard',
      reason: 'x',
      validFrom: '2030-05-01T00:00:00Z',
      validUntil: '2030-04-01T00:00:00Z',
    },
  });
  assert.equal(bad.statusCode, 400);
  assert.deepEqual(
    bad
      .json()
      .error.problems.map((p: { field: string }) => p.field)
      .sort(),
    ['role', 'validUntil'],
  );
  const unknownField = await t.app.inject({
    method: 'POST',
    url: '/api/roles',
    headers: { authorization: `Bearer ${admin}` },
    payload: { personId: 'x', role: 'iao', reason: 'x', colour: 'blue' },
  });
  assert.equal(unknownField.statusCode, 400);
  assert.deepEqual(unknownField.json().error.problems, [
    { field: 'body.colour', message: 'colour is not a known field' },
  ]);
});

test('secure deployments use __Host- cookies marked Secure', async () => {
  const secure = await createTestApp('sqlite', {
    ACCORD_SECURE_COOKIES: 'true',
    ACCORD_PUBLIC_URL: 'https://accord.example',
  });
  try {
    const r = await secure.app.inject({ url: '/sign-in' });
    const csrf = [r.headers['set-cookie']].flat().find((c) => c?.startsWith('__Host-accord-csrf='));
    assert.ok(
      csrf && /Secure/.test(csrf) && /HttpOnly/.test(csrf) && /SameSite=Strict/.test(csrf),
      csrf,
    );
    assert.match(r.headers['strict-transport-security'] as string, /max-age=31536000/);
  } finally {
    await secure.close();
  }
});

test('signing in is rate limited per address: the eleventh attempt in a minute gets 429', async () => {
  const limited = await createTestApp('sqlite');
  try {
    const jar = new Jar(limited.app);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push(
        (
          await jar.post(
            '/sign-in',
            { email: 'x@example.org', password: 'not the password' },
            { fromPage: '/sign-in' },
          )
        ).statusCode,
      );
    }
    assert.deepEqual(statuses.slice(0, 10), Array<number>(10).fill(401));
    assert.equal(statuses[10], 429);
  } finally {
    await limited.close();
  }
});
