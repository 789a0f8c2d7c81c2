// The help desk: service levels and breaches, what each person may see, triage, and access
// requests that grant a role once approved — refused for a toxic combination of roles, and
// refused when whoever asked tries to approve.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { setupOrg } from '../../helpers/people.ts';
import type { OrgFixture } from '../../helpers/people.ts';
import { testClock } from '../../helpers/clock.ts';
import { nodeActor } from '../../../src/domain/policy/actor.ts';
import { AccordError } from '../../../src/errors.ts';

const HOUR = 3_600_000;
const code = (c: string) => (e: unknown) => e instanceof AccordError && e.code === c;

forEachDialect('help desk', (dialect) => {
  let t: TestServices;
  let org: OrgFixture;
  let other: OrgFixture;
  let appId: string;
  const clock = testClock(new Date('2026-04-06T09:00:00Z'));
  before(async () => {
    t = await createTestServices(dialect, {}, clock);
    org = await setupOrg(t.services, 'Northshire', { tokens: false });
    other = await setupOrg(t.services, 'Southshire', { tokens: false });
    appId = (
      await t.services.portfolio.applications.create(nodeActor(org.orgId), { name: 'Membership' })
    ).id;
  });
  after(async () => t.close());
  const tk = () => t.services.portfolio.tickets;

  test('a fault gets its priority’s deadlines; a breach is flagged; the first answer stops the response clock', async () => {
    const member = await org.actor('member');
    const raised = await tk().raise(member, {
      appId,
      kind: 'fault',
      title: 'Cannot renew',
      description: 'The renew button errors',
      priority: 'P2',
    });
    assert.equal(raised.reference, 'T-1');
    assert.equal(Date.parse(raised.respondDueAt) - Date.parse(raised.raisedAt), 4 * HOUR);
    assert.equal(Date.parse(raised.fixDueAt) - Date.parse(raised.raisedAt), 24 * HOUR);
    assert.deepEqual([raised.respond, raised.fix, raised.breached], ['running', 'running', false]);
    clock.advance(5 * HOUR);
    let q = await tk().queue(member, { appId });
    assert.equal(q.tickets[0]!.respond, 'breached');
    assert.equal(q.breached, 1);
    const admin = await org.actor('administrator');
    await tk().comment(admin, raised.id, 'Looking at it now');
    const answered = await tk().get(member, raised.id);
    assert.equal(answered.respond, 'breached', 'answered late stays breached');
    // Raising the priority to P1 brings the fix deadline forward to 4 hours after raising: breached.
    const up = await tk().update(admin, raised.id, {
      priority: 'P1',
      assigneeId: org.people.administrator.personId,
    });
    assert.deepEqual(
      [up.priority, up.fix, up.status, up.assigneeId],
      ['P1', 'breached', 'assigned', org.people.administrator.personId],
    );
    const done = await tk().update(admin, raised.id, { status: 'resolved' });
    assert.equal(done.fix, 'breached');
    q = await tk().queue(member, { appId, state: 'open' });
    assert.equal(q.tickets.length, 0);
  });

  test('the queue is open to everyone; internal notes and data-protection details are not', async () => {
    const member = await org.actor('member');
    const handler = await org.actor('handler');
    const admin = await org.actor('administrator');
    const dpo = await org.actor('dpo');
    const dp = await tk().raise(member, {
      appId,
      kind: 'data-protection',
      title: 'My address is wrong',
      description: 'I live at 12 Mill Lane',
    });
    assert.equal(dp.priority, 'P4');
    const seen = (await tk().queue(handler, { appId })).tickets.find((x) => x.id === dp.id)!;
    assert.deepEqual(
      [seen.restricted, seen.title, seen.description],
      [true, 'Data-protection query', null],
    );
    assert.equal((await tk().get(dpo, dp.id)).description, 'I live at 12 Mill Lane');
    await assert.rejects(tk().comment(handler, dp.id, 'Nosy'), code('FORBIDDEN'));
    const fault = await tk().raise(member, {
      appId,
      kind: 'fault',
      title: 'Slow',
      description: 'Very slow',
    });
    await tk().comment(admin, fault.id, 'Server is overloaded; vendor call at 3pm', true);
    await tk().comment(handler, fault.id, 'Same for me');
    assert.equal((await tk().get(member, fault.id)).comments.length, 1);
    assert.equal((await tk().get(admin, fault.id)).comments.length, 2);
    // Whoever raised a ticket may close it, not triage it; others may do neither.
    await assert.rejects(tk().update(member, fault.id, { priority: 'P1' }), code('FORBIDDEN'));
    await assert.rejects(tk().update(handler, fault.id, { status: 'closed' }), code('FORBIDDEN'));
    assert.equal((await tk().update(member, fault.id, { status: 'closed' })).status, 'closed');
    // Another organisation's ticket does not exist.
    await assert.rejects(tk().get(await other.actor('member'), fault.id), code('NOT_FOUND'));
    // Only administrators can be assigned.
    await assert.rejects(
      tk().update(admin, dp.id, { assigneeId: org.people.member.personId }),
      code('VALIDATION_FAILED'),
    );
  });

  test('an approved access request grants the role in the roles register', async () => {
    const handler = await org.actor('handler');
    const admin = await org.actor('administrator');
    const r = await tk().raise(handler, {
      appId,
      kind: 'access-request',
      title: 'Need to own the membership asset',
      description: 'New IAO for membership',
      requestedRole: 'iao',
    });
    await assert.rejects(
      tk().update(admin, r.id, { status: 'resolved' }),
      code('VALIDATION_FAILED'),
    );
    const approved = await t.services.portfolio.access.approve(admin, r.id, 'Board minute 12');
    assert.deepEqual([approved.decision, approved.status], ['approved', 'resolved']);
    const grant = await t.services.roles.get(admin, approved.grantId!);
    assert.deepEqual(
      [grant.personId, grant.role, grant.status],
      [org.people.handler.personId, 'iao', 'current'],
    );
    assert.match(grant.reason, /Access request T-\d+/);
    await assert.rejects(t.services.portfolio.access.approve(admin, r.id), code('CONFLICT'));
  });

  test('an access request making a toxic combination is refused, audited, and nothing changes', async () => {
    const auditor = await org.actor('auditor');
    const admin = await org.actor('administrator');
    const r = await tk().raise(auditor, {
      appId,
      kind: 'access-request',
      title: 'Admin rights',
      description: 'To fix accounts',
      requestedRole: 'administrator',
    });
    await assert.rejects(
      t.services.portfolio.access.approve(admin, r.id),
      (e: unknown) =>
        code('SOD_CONFLICT')(e) && /Administrators are not auditors/.test((e as Error).message),
    );
    const after = await tk().get(admin, r.id);
    assert.deepEqual([after.decision, after.status, after.grantId], [null, 'new', null]);
    const held = await t.services.roles.register(admin, {
      personId: org.people.auditor.personId,
      status: 'current',
    });
    assert.deepEqual(
      held.map((g) => g.role),
      ['auditor'],
    );
    const refusals = await t.services.audit.list({ orgId: org.orgId, action: 'roles.grant' });
    assert.ok(refusals.some((e) => e.outcome === 'refused' && e.details.code === 'SOD_CONFLICT'));
    // It can still be refused, with a reason.
    const refused = await t.services.portfolio.access.refuse(
      admin,
      r.id,
      'Auditors cannot administer',
    );
    assert.deepEqual([refused.decision, refused.status], ['refused', 'closed']);
  });

  test('whoever requested access cannot approve it', async () => {
    const admin = await org.actor('administrator');
    const { person } = await t.services.people.createAccount(
      t.services.store,
      org.orgId,
      { email: 'newstarter@northshire.example', name: 'New Starter' },
      'node',
    );
    const r = await tk().raise(admin, {
      appId,
      kind: 'access-request',
      title: 'Handler for the new starter',
      description: 'Starts Monday',
      requestedRole: 'handler',
      requestedFor: person.id,
    });
    await assert.rejects(
      t.services.portfolio.access.approve(admin, r.id),
      (e: unknown) =>
        code('SOD_CONFLICT')(e) && /Requester is not approver/.test((e as Error).message),
    );
    assert.equal((await tk().get(admin, r.id)).decision, null);
  });
});
