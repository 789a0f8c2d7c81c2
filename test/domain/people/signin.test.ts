// Signing in, second factors, sessions, password links and API tokens, on a real database.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { setupOrg } from '../../helpers/people.ts';
import type { OrgFixture } from '../../helpers/people.ts';
import { testClock } from '../../helpers/clock.ts';
import { TEST_PASSWORD, giveCredentials } from '../../helpers/web.ts';
import { currentCode } from '../../../src/domain/identity/totp.ts';
import type { Services } from '../../../src/services.ts';

const MIN = 60_000;

forEachDialect('signing in', (dialect) => {
  const clock = testClock();
  let t: TestServices;
  let s: Services;
  let org: OrgFixture;
  let secret: string;
  before(async () => {
    t = await createTestServices(
      dialect,
      { ACCORD_LOCKOUT_ATTEMPTS: '3', ACCORD_LOCKOUT_MINUTES: '10' },
      clock,
    );
    s = t.services;
    org = await setupOrg(s, 'Signin Council', { tokens: false });
    ({ secret } = await giveCredentials(s, org.people.handler.personId));
  });
  after(async () => t.close());

  const email = (): string => org.people.handler.email;
  const actions = async (action: string) =>
    (await s.audit.list({ orgId: org.orgId, action, limit: 20 })).map((e) => e.outcome);

  test('password then TOTP gives a second-factor session; the code cannot be used twice', async () => {
    clock.advance(5 * MIN);
    const first = await s.signIn.passwordSignIn(email(), TEST_PASSWORD, { ip: '192.0.2.1' });
    assert.equal(first.next, 'code', 'a handler can reach personal data, so a code is owed');
    assert.equal((await s.signIn.load(first.token))?.pending, 'code');
    const code = currentCode(secret, clock());
    const full = await s.signIn.verifyCode(first.token, code);
    const loaded = await s.signIn.load(full);
    assert.deepEqual([loaded?.pending, loaded?.session.mfa], [null, 1]);
    assert.equal(
      await s.signIn.load(first.token),
      undefined,
      'the pre-code session ends when the code is given',
    );
    // The same code again, from another sign-in in the same 30 seconds: refused.
    const again = await s.signIn.passwordSignIn(email(), TEST_PASSWORD);
    await assert.rejects(
      s.signIn.verifyCode(again.token, code),
      (e: { code: string; message: string }) =>
        e.code === 'CODE_INVALID' && /already been used/.test(e.message),
    );
    // A code from two minutes ago is stale.
    await assert.rejects(
      s.signIn.verifyCode(again.token, currentCode(secret, new Date(clock().getTime() - 2 * MIN))),
      { code: 'CODE_INVALID' },
    );
    assert.ok((await actions('signin.code')).includes('failed'));
  });

  test('wrong passwords and unknown addresses get the same answer; repeated failures lock the account', async () => {
    clock.advance(5 * MIN);
    // A successful password resets the count left by the bad codes above.
    await s.signIn.passwordSignIn(email(), TEST_PASSWORD);
    await assert.rejects(s.signIn.passwordSignIn('nobody@nowhere.example', 'whatever-it-is'), {
      code: 'INVALID_CREDENTIALS',
    });
    for (let i = 0; i < 3; i++)
      await assert.rejects(s.signIn.passwordSignIn(email(), 'not the password at all'), {
        code: 'INVALID_CREDENTIALS',
      });
    await assert.rejects(s.signIn.passwordSignIn(email(), TEST_PASSWORD), {
      code: 'ACCOUNT_LOCKED',
    });
    const outcomes = await actions('signin.password');
    assert.ok(outcomes.includes('refused') && outcomes.includes('failed'));
    clock.advance(11 * MIN);
    assert.equal(
      (await s.signIn.passwordSignIn(email(), TEST_PASSWORD)).next,
      'code',
      'the lock lifts by itself',
    );
  });

  test('sessions end after the idle timeout, after the absolute timeout, and everywhere on request', async () => {
    clock.advance(5 * MIN);
    const a = await s.signIn.verifyCode(
      (await s.signIn.passwordSignIn(email(), TEST_PASSWORD)).token,
      currentCode(secret, clock()),
    );
    clock.advance(29 * MIN);
    assert.ok(await s.signIn.load(a), 'still there after 29 idle minutes');
    clock.advance(2 * MIN);
    assert.ok(await s.signIn.load(a), 'each request restarts the idle timer');
    clock.advance(31 * MIN);
    assert.equal(await s.signIn.load(a), undefined, 'gone after 31 idle minutes');

    const b = await s.signIn.verifyCode(
      (await s.signIn.passwordSignIn(email(), TEST_PASSWORD)).token,
      currentCode(secret, clock()),
    );
    for (let h = 0; h < 12; h++) {
      clock.advance(25 * MIN);
      await s.signIn.load(b);
      clock.advance(25 * MIN);
      await s.signIn.load(b);
      clock.advance(10 * MIN);
    }
    assert.equal(await s.signIn.load(b), undefined, 'gone after 12 hours however busy');

    clock.advance(MIN);
    const c1 = await s.signIn.passwordSignIn(email(), TEST_PASSWORD);
    clock.advance(MIN);
    const c2 = await s.signIn.passwordSignIn(email(), TEST_PASSWORD);
    assert.ok((await s.signIn.load(c1.token)) && (await s.signIn.load(c2.token)));
    assert.ok((await s.signIn.signOutEverywhere(org.people.handler.personId)) >= 2);
    assert.equal(await s.signIn.load(c1.token), undefined);
    assert.equal(await s.signIn.load(c2.token), undefined);
  });

  test('a one-time password link works once, refuses weak passwords, and can reset the second factor', async () => {
    const admin = await org.actor('administrator');
    const { link } = await s.people.issueResetLink(admin, org.people.iao.personId, true);
    const token = link.split('/password/')[1]!;
    assert.equal((await s.signIn.linkInfo(token))?.purpose, 'invite');
    await assert.rejects(s.signIn.usePasswordLink(token, 'short'), { code: 'VALIDATION_FAILED' });
    await assert.rejects(s.signIn.usePasswordLink(token, 'password1234'), {
      code: 'VALIDATION_FAILED',
    });
    await s.signIn.usePasswordLink(token, 'plum orchard lantern fifteen');
    await assert.rejects(s.signIn.usePasswordLink(token, 'plum orchard lantern sixteen'), {
      code: 'LINK_INVALID',
    });
    const r = await s.signIn.passwordSignIn(org.people.iao.email, 'plum orchard lantern fifteen');
    assert.equal(r.next, 'enrol', 'an IAO reaches personal data: they must set up a second factor');
    // A link older than its lifetime no longer works.
    const { link: old } = await s.people.issueResetLink(admin, org.people.iao.personId, false);
    clock.advance(25 * 60 * MIN);
    await assert.rejects(
      s.signIn.usePasswordLink(old.split('/password/')[1]!, 'another good passphrase'),
      { code: 'LINK_INVALID' },
    );
  });

  test('API tokens are stored hashed, scoped, expire, can be revoked, and record their last use', async () => {
    const handler = await org.actor('handler');
    const { token, secret: value } = await s.tokens.create(handler, {
      name: 'script',
      scopes: ['org:read', 'roles:read'],
      expiresInDays: 2,
    });
    const stored = await s.store.db
      .selectFrom('api_token')
      .selectAll()
      .where('token_id', '=', token.id)
      .executeTakeFirstOrThrow();
    assert.notEqual(stored.token_hash, value);
    assert.ok(!JSON.stringify(stored).includes(value.slice(8)), 'the secret is nowhere in the row');
    const actor = await s.actors.fromToken(value, {});
    assert.deepEqual([...(actor?.scopes ?? [])], ['org:read', 'roles:read']);
    assert.ok(
      (
        await s.store.db
          .selectFrom('api_token')
          .select('last_used_at')
          .where('token_id', '=', token.id)
          .executeTakeFirstOrThrow()
      ).last_used_at,
    );
    await assert.rejects(
      s.tokens.create(handler, { name: 'x', scopes: ['no:such'], expiresInDays: 2 }),
      { code: 'VALIDATION_FAILED' },
    );
    await assert.rejects(
      s.tokens.create(handler, { name: 'x', scopes: ['org:read'], expiresInDays: 2, system: true }),
      { code: 'FORBIDDEN' },
    );
    clock.advance(3 * 24 * 60 * MIN);
    assert.equal(await s.actors.fromToken(value, {}), undefined, 'expired');
    const { token: t2, secret: v2 } = await s.tokens.create(handler, {
      name: 'two',
      scopes: ['org:read'],
      expiresInDays: 2,
    });
    await s.tokens.revoke(handler, t2.id);
    assert.equal(await s.actors.fromToken(v2, {}), undefined, 'revoked');
    assert.ok(
      (await actions('api.auth')).length === 0,
      'failures are recorded node-wide, not in the organisation log',
    );
    assert.ok(
      (await s.audit.list({ orgId: null, action: 'api.auth', limit: 5 })).some(
        (e) => e.outcome === 'failed',
      ),
    );
  });
});
