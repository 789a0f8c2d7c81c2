// The roles register and segregation of duties, as named scenarios on a real database.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { setupOrg } from '../../helpers/people.ts';
import type { OrgFixture } from '../../helpers/people.ts';
import { testClock } from '../../helpers/clock.ts';
import { withAccess } from '../../../src/domain/policy/gate.ts';
import type { Services } from '../../../src/services.ts';

const DAY = 86_400_000;

async function lastEntry(s: Services, orgId: string, action?: string) {
  const [e] = await s.audit.list({ orgId, action, limit: 1 });
  return e;
}

async function newPerson(s: Services, org: OrgFixture, name: string): Promise<string> {
  const { person } = await s.people.createAccount(
    s.store,
    org.orgId,
    { email: `${name.toLowerCase().replace(/\W+/g, '.')}@${org.orgId}.example`, name },
    'node',
  );
  return person.id;
}

forEachDialect('roles register', (dialect) => {
  const clock = testClock();
  let t: TestServices;
  let s: Services;
  let org: OrgFixture;
  before(async () => {
    t = await createTestServices(dialect, {}, clock);
    s = t.services;
    org = await setupOrg(s, 'Register Council', { tokens: false });
  });
  after(async () => t.close());

  test('a grant records who granted it, when, why, from and until when; the register shows it', async () => {
    const admin = await org.actor('administrator');
    const pid = await newPerson(s, org, 'Gita Grant');
    const until = new Date(clock().getTime() + 90 * DAY).toISOString();
    const g = await s.roles.grant(admin, {
      personId: pid,
      role: 'iao',
      reason: 'Owns the council tax asset',
      validUntil: until,
    });
    assert.equal(g.status, 'current');
    assert.equal(g.grantedBy, `person:${org.people.administrator.personId}`);
    assert.equal(g.grantedByName, 'Administrator of Register Council');
    assert.equal(g.reason, 'Owns the council tax asset');
    assert.equal(g.validUntil, until);
    const register = await s.roles.register(await org.actor('member'), { role: 'iao' });
    assert.ok(register.some((r) => r.id === g.id && r.personName === 'Gita Grant'));
    const e = await lastEntry(s, org.orgId, 'roles.granted');
    assert.equal(e?.target, `grant:${g.id}`);
    assert.equal((e?.details as { reason: string }).reason, 'Owns the council tax asset');
  });

  test('grants lapse by themselves and history is kept; warnings for grants about to lapse', async () => {
    const admin = await org.actor('administrator');
    const pid = await newPerson(s, org, 'Lenny Lapse');
    const g = await s.roles.grant(admin, {
      personId: pid,
      role: 'handler',
      reason: 'Cover',
      validUntil: new Date(clock().getTime() + 10 * DAY).toISOString(),
    });
    assert.equal((await s.roles.get(admin, g.id)).lapsesSoon, true);
    assert.deepEqual(await s.roles.currentRoles(s.store, org.orgId, pid), ['handler']);
    clock.advance(11 * DAY);
    try {
      assert.equal((await s.roles.get(admin, g.id)).status, 'lapsed');
      assert.deepEqual(await s.roles.currentRoles(s.store, org.orgId, pid), []);
      const history = await s.roles.register(admin, { personId: pid, status: 'all' });
      assert.equal(history.length, 1, 'the lapsed grant is still on the register');
    } finally {
      clock.advance(-11 * DAY);
    }
  });

  test('revoking keeps the grant with who revoked it and why', async () => {
    const admin = await org.actor('administrator');
    const pid = await newPerson(s, org, 'Rita Revoke');
    const g = await s.roles.grant(admin, { personId: pid, role: 'handler', reason: 'Temporary' });
    const r = await s.roles.revoke(admin, g.id, 'Moved team');
    assert.deepEqual([r.status, r.revokeReason, r.revokedBy], ['revoked', 'Moved team', admin.ref]);
    await assert.rejects(s.roles.revoke(admin, g.id, 'again'), { code: 'CONFLICT' });
  });

  test('gaps: no SIRO or no DPO is reported, and goes away when one is granted', async () => {
    const other = await s.orgs.create({ name: 'Gap Borough', kind: 'council' }, 'node');
    const adminId = (
      await s.people.createAccount(
        s.store,
        other.id,
        { email: 'admin@gap.example', name: 'Gap Admin' },
        'node',
      )
    ).person.id;
    const node = {
      ...(await org.actor('administrator')),
      kind: 'node' as const,
      orgId: other.id,
      personId: null,
      ref: 'node',
    };
    await s.roles.grant(node, { personId: adminId, role: 'administrator', reason: 'set-up' });
    const admin = (await s.actors.personActor(adminId))!;
    assert.deepEqual(
      (await s.roles.gaps(admin)).map((g) => g.role),
      ['siro', 'dpo'],
    );
    const sid = (
      await s.people.createAccount(
        s.store,
        other.id,
        { email: 'siro@gap.example', name: 'Gap Siro' },
        'node',
      )
    ).person.id;
    await s.roles.grant(admin, { personId: sid, role: 'siro', reason: 'Board minute 12' });
    assert.deepEqual(
      (await s.roles.gaps(admin)).map((g) => g.role),
      ['dpo'],
    );
  });

  describe('bad input is refused with every problem listed, nothing saved', () => {
    test('end before start, unknown role, start in the past, no reason', async () => {
      const admin = await org.actor('administrator');
      const pid = await newPerson(s, org, 'Bad Input');
      const before = (await s.roles.register(admin, { personId: pid, status: 'all' })).length;
      const now = clock().getTime();
      await assert.rejects(
        s.roles.grant(admin, {
          personId: pid,
          role: 'king',
          reason: '',
          validFrom: new Date(now + 5 * DAY).toISOString(),
          validUntil: new Date(now + DAY).toISOString(),
        }),
        (e: { code: string; problems: { field: string }[] }) => {
          assert.equal(e.code, 'VALIDATION_FAILED');
          assert.deepEqual(e.problems.map((p) => p.field).sort(), ['reason', 'role', 'validUntil']);
          return true;
        },
      );
      await assert.rejects(
        s.roles.grant(admin, {
          personId: pid,
          role: 'handler',
          reason: 'x',
          validFrom: new Date(now - 2 * DAY).toISOString(),
        }),
        (e: { problems: { field: string }[] }) => e.problems.some((p) => p.field === 'validFrom'),
      );
      await assert.rejects(
        s.roles.grant(admin, { personId: admin.personId!, role: 'handler', reason: 'me' }),
        (e: { problems: { message: string }[] }) =>
          e.problems.some((p) => /yourself/.test(p.message)),
      );
      assert.equal(
        (await s.roles.register(admin, { personId: pid, status: 'all' })).length,
        before,
      );
    });
  });

  describe('segregation of duties', () => {
    test('a toxic combination is refused naming the rule, and the refusal is audited', async () => {
      const admin = await org.actor('administrator');
      await assert.rejects(
        s.roles.grant(admin, {
          personId: org.people.auditor.personId,
          role: 'administrator',
          reason: 'Help with accounts',
        }),
        (e: { code: string; message: string }) => {
          assert.equal(e.code, 'SOD_CONFLICT');
          assert.match(e.message, /“Administrators are not auditors”/);
          return true;
        },
      );
      const e = await lastEntry(s, org.orgId, 'roles.grant');
      assert.deepEqual(
        [e?.outcome, (e?.details as { rule: string }).rule],
        ['refused', 'Administrators are not auditors'],
      );
      assert.deepEqual(
        await s.roles.currentRoles(s.store, org.orgId, org.people.auditor.personId),
        ['auditor'],
      );
    });

    test('an exception recorded by the SIRO lets it through, ends the grant with it, and is listed', async () => {
      const admin = await org.actor('administrator');
      const siro = await org.actor('siro');
      const rule = (await s.duties.list(siro)).rules.find(
        (r) => r.name === 'Administrators are not auditors',
      )!;
      // Only the SIRO may record one.
      await assert.rejects(
        s.duties.createException(
          admin,
          {
            ruleId: rule.id,
            personId: org.people.auditor.personId,
            justification: 'Small team cover',
            validUntil: new Date(clock().getTime() + 30 * DAY).toISOString(),
          },
          (ex, o, id) => s.people.activePerson(ex, o, id),
        ),
        { code: 'FORBIDDEN' },
      );
      const until = new Date(clock().getTime() + 30 * DAY).toISOString();
      const ex = await s.duties.createException(
        siro,
        {
          ruleId: rule.id,
          personId: org.people.auditor.personId,
          justification: 'Small team: cover during the audit restructure',
          validUntil: until,
        },
        (x, o, id) => s.people.activePerson(x, o, id),
      );
      const g = await s.roles.grant(admin, {
        personId: org.people.auditor.personId,
        role: 'administrator',
        reason: 'Cover',
      });
      assert.equal(g.exceptionId, ex.id);
      assert.equal(g.validUntil, until, 'the grant lapses with the exception');
      const listed = (await s.duties.list(await org.actor('member'))).exceptions;
      assert.ok(
        listed.some((x) => x.id === ex.id && x.inForce && x.justification.startsWith('Small team')),
      );
      assert.equal(
        (await lastEntry(s, org.orgId, 'duties.exception.granted'))?.target,
        `duty-exception:${ex.id}`,
      );
    });

    test('duty pairs: the same person cannot request and approve; two people can', async () => {
      const siro = await org.actor('siro');
      const check = (a: string, b: string) =>
        withAccess(s, siro, async (gate) =>
          s.duties.assertSeparate(
            gate,
            'ticket:1',
            { duty: 'request', personId: a },
            { duty: 'approve', personId: b },
          ),
        );
      await check(org.people.handler.personId, org.people.siro.personId);
      await assert.rejects(
        check(org.people.siro.personId, org.people.siro.personId),
        (e: { code: string; message: string }) =>
          e.code === 'SOD_CONFLICT' && /Requester is not approver/.test(e.message),
      );
      assert.equal((await lastEntry(s, org.orgId, 'duty.approve'))?.outcome, 'refused');
    });

    test('rules are data the SIRO edits: a new rule takes effect at once', async () => {
      const siro = await org.actor('siro');
      const admin = await org.actor('administrator');
      await s.duties.createRule(siro, {
        name: 'IAOs do not handle',
        description: 'Owners do not process their own asset',
        kind: 'roles',
        members: ['iao', 'handler'],
      });
      await assert.rejects(
        s.roles.grant(admin, { personId: org.people.iao.personId, role: 'handler', reason: 'x' }),
        (e: { message: string }) => /IAOs do not handle/.test(e.message),
      );
      await assert.rejects(
        s.duties.createRule(admin, { name: 'x', kind: 'roles', members: ['iao', 'dpo'] }),
        { code: 'FORBIDDEN' },
      );
      await assert.rejects(
        s.duties.createRule(siro, { name: 'x', kind: 'roles', members: ['iao', 'wizard'] }),
        { code: 'VALIDATION_FAILED' },
      );
    });
  });

  test('disabling an account ends its sessions, tokens and roles', async () => {
    const admin = await org.actor('administrator');
    const pid = await newPerson(s, org, 'Dee Parted');
    await s.roles.grant(admin, { personId: pid, role: 'handler', reason: 'x' });
    const person = (await s.actors.personActor(pid))!;
    const { secret } = await s.tokens.create(person, {
      name: 'mine',
      scopes: ['org:read'],
      expiresInDays: 10,
    });
    await s.people.setStatus(admin, pid, 'disabled', 'Left the council');
    assert.deepEqual(await s.roles.currentRoles(s.store, org.orgId, pid), []);
    assert.equal(await s.tokens.authenticate(secret), undefined);
    assert.equal(await s.actors.personActor(pid), undefined);
  });
});
