// The sharing policy as named scenarios on a real database, one per rule: each asserts the
// decision a person reads and the audit entry it left.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { setupOrg } from '../../helpers/people.ts';
import type { OrgFixture } from '../../helpers/people.ts';
import { testClock } from '../../helpers/clock.ts';
import { approved, personTerms, proposed } from '../../helpers/agreements.ts';
import { dpiaAwaitingSignOff } from '../governance/fixtures.ts';
import { withAccess } from '../../../src/domain/policy/gate.ts';
import type { Actor } from '../../../src/domain/policy/actor.ts';
import type { ShareQuery } from '../../../src/domain/agreements/sharing-policy.service.ts';
import type { ShareDecision } from '../../../src/domain/agreements/decide-share.ts';
import type { Agreement } from '../../../src/domain/agreements/agreements.view.ts';
import { AccordError } from '../../../src/errors.ts';
import type { Services } from '../../../src/services.ts';

const DAY = 86_400_000;

forEachDialect('sharing policy scenarios', (dialect) => {
  const clock = testClock();
  let t: TestServices;
  let s: Services;
  let council: OrgFixture;
  let police: OrgFixture;
  let health: OrgFixture;
  let dsa: Agreement;

  /** The decision, through the choke point, and the audit entry it left. */
  async function share(
    actor: Actor,
    q: Partial<ShareQuery> = {},
  ): Promise<{ decision?: ShareDecision; error?: AccordError; entry: Record<string, unknown> }> {
    const query: ShareQuery = {
      operation: 'lookup',
      providerOrgId: council.orgId,
      recordType: 'person',
      purpose: 'safeguarding',
      ...q,
    };
    let decision: ShareDecision | undefined;
    let error: AccordError | undefined;
    try {
      decision = await withAccess(s, actor, (gate) => s.sharing.require(gate, query));
    } catch (e) {
      if (!(e instanceof AccordError)) throw e;
      error = e;
    }
    const [e] = await s.audit.list({ orgId: actor.orgId, action: `share.${query.operation}` });
    assert.ok(e, 'the decision is in the audit log');
    assert.equal(e.purpose, query.purpose);
    assert.equal(e.target, `${query.recordType}@org:${query.providerOrgId}`);
    return { decision, error, entry: { outcome: e.outcome, ...e.details } };
  }

  before(async () => {
    t = await createTestServices(dialect, {}, clock);
    s = t.services;
    council = await setupOrg(s, 'Northshire Council', { tokens: false });
    police = await setupOrg(s, 'Northshire Police', { tokens: false });
    health = await setupOrg(s, 'Northshire Health', { tokens: false });
    dsa = await approved(s, council, police, personTerms(s, council, police));
  });
  after(async () => t.close());

  test('allowed: the agreed fields, for the agreed purpose, naming the agreement', async () => {
    const r = await share(await police.actor('handler'), { fields: ['givenName', 'postcode'] });
    assert.equal(r.decision?.allow, true);
    assert.deepEqual(r.decision?.fields, ['givenName', 'postcode']);
    assert.equal(r.decision?.agreement?.reference, dsa.reference);
    assert.equal(r.entry.outcome, 'allow');
    assert.deepEqual(r.entry.fields, ['givenName', 'postcode']);
    assert.equal((r.entry.agreement as { version: number }).version, 1);
  });

  test('wrong purpose: refused, naming the purposes the agreement allows', async () => {
    const r = await share(await police.actor('handler'), { purpose: 'fraud-prevention' });
    assert.equal(r.error?.code, 'FORBIDDEN');
    const reason = `denied: agreement ${dsa.reference} v1 allows purpose 'safeguarding' only`;
    assert.equal(r.error?.message, `You cannot do that: ${reason.slice(8)}`);
    assert.deepEqual(
      [r.entry.outcome, r.entry.clause, r.entry.reason],
      ['refused', 'purpose', reason],
    );
  });

  test('a field outside the agreement: refused, naming the field', async () => {
    const r = await share(await police.actor('handler'), { fields: ['givenName', 'address'] });
    assert.equal(r.error?.code, 'FORBIDDEN');
    assert.equal(r.entry.clause, 'fields');
    assert.equal(
      r.entry.reason,
      `denied: agreement ${dsa.reference} v1 does not share field 'address'`,
    );
  });

  test('the other direction is not covered: the police share nothing with the council by this agreement', async () => {
    const r = await share(await council.actor('handler'), { providerOrgId: police.orgId });
    assert.equal(r.error?.code, 'FORBIDDEN');
    assert.equal(r.entry.clause, 'fields');
  });

  test('missing role: a member with no role cannot reach personal data', async () => {
    const r = await share(await police.actor('member'));
    assert.equal(r.error?.code, 'FORBIDDEN');
    assert.deepEqual([r.entry.outcome, r.entry.clause], ['refused', 'role']);
    assert.match(
      String(r.entry.reason),
      /^denied: your roles do not let you read records about people$/,
    );
  });

  test('lapsed training: refused, naming the course and the day it lapsed', async () => {
    const { person } = await s.people.createAccount(
      s.store,
      police.orgId,
      { email: 'lapsed@police.example', name: 'Lapsed Handler' },
      'node',
    );
    const admin = await police.actor('administrator');
    await s.roles.grant(admin, {
      personId: person.id,
      role: 'handler',
      reason: 'test',
    });
    for (const c of await s.training.courses(admin))
      await s.training.record(admin, {
        personId: person.id,
        courseId: c.id,
        completedOn: new Date(clock().getTime() - 800 * DAY).toISOString().slice(0, 10),
      });
    const actor = (await s.actors.personActor(person.id, { mfa: true }))!;
    const r = await share(actor);
    assert.equal(r.error?.code, 'TRAINING_LAPSED');
    assert.equal(r.entry.clause, 'training');
    assert.match(String(r.entry.reason), /^denied: your .+ training expired on \d{1,2} \w+ \d{4}$/);
  });

  test('cross-organisation read without an agreement: it does not exist (404), and the refusal is logged', async () => {
    const r = await share(await health.actor('handler'));
    assert.equal(r.error?.code, 'NOT_FOUND');
    assert.deepEqual(
      [r.entry.outcome, r.entry.clause, r.entry.reason],
      ['refused', 'agreement', 'denied: no agreement covers sharing between these organisations'],
    );
  });

  test('unapproved version: proposed but waiting for signatures, naming who has not signed', async () => {
    const a = await proposed(s, council, personTerms(s, council, health));
    await s.agreements.decide(await council.actor('dpo'), a.latest.versionId, 'approve', null);
    const r = await share(await health.actor('handler'));
    assert.equal(r.error?.code, 'FORBIDDEN');
    assert.equal(r.entry.clause, 'approval');
    assert.equal(
      r.entry.reason,
      `denied: agreement ${a.reference} v1 is not approved by all parties (waiting for Northshire Council SIRO, Northshire Health DPO, Northshire Health SIRO)`,
    );
    await s.agreements.withdraw(await council.actor('iao'), a.latest.versionId);
  });

  test('suspended agreement: refused while suspended, allowed again once resumed', async () => {
    const v = dsa.latest.versionId;
    await s.agreements.control(
      await police.actor('dpo'),
      v,
      'suspend',
      'Breach under investigation',
    );
    const r = await share(await police.actor('handler'));
    assert.equal(r.error?.code, 'FORBIDDEN');
    assert.deepEqual(
      [r.entry.clause, r.entry.reason],
      ['validity', `denied: agreement ${dsa.reference} v1 is suspended`],
    );
    await s.agreements.control(await council.actor('siro'), v, 'resume', 'Investigation closed');
    assert.equal((await share(await police.actor('handler'))).decision?.allow, true);
  });

  test('condition not met: an agreement covering only children refuses an adult, allows a child', async () => {
    const fire = await setupOrg(s, 'Northshire Fire', { tokens: false });
    const d = await dpiaAwaitingSignOff(s, await council.actor('iao'), await council.actor('dpo'));
    await s.governance.dpias.signOff(await council.actor('siro'), d.id, {
      decision: 'approved',
      reviewOn: new Date(clock().getTime() + 300 * DAY).toISOString().slice(0, 10),
    });
    const a = await approved(
      s,
      council,
      fire,
      personTerms(s, council, fire, {
        dpiaRef: d.ref,
        conditions: [{ kind: 'subject-under-age', age: 18, dateOfBirthField: 'dateOfBirth' }],
      }),
    );
    const adult = { dateOfBirth: '1980-02-02' };
    const r = await share(await fire.actor('handler'), { subject: adult });
    assert.equal(r.error?.code, 'FORBIDDEN');
    assert.deepEqual(
      [r.entry.clause, r.entry.reason],
      ['condition', `denied: agreement ${a.reference} v1 only covers subjects under 18`],
    );
    const child = {
      dateOfBirth: new Date(clock().getTime() - 10 * 365 * DAY).toISOString().slice(0, 10),
    };
    assert.equal(
      (await share(await fire.actor('handler'), { subject: child })).decision?.allow,
      true,
    );
  });

  test('expired agreement: in force until its end date begins, refused from then on', async () => {
    const end = new Date(clock().getTime() + 3 * DAY).toISOString().slice(0, 10);
    const school = await setupOrg(s, 'Northshire Academy', { tokens: false });
    const a = await approved(
      s,
      council,
      school,
      personTerms(s, council, school, {
        endDate: end,
        reviewDate: new Date(clock().getTime() + DAY).toISOString().slice(0, 10),
      }),
    );
    const handler = async (): Promise<Actor> => school.actor('handler');
    clock.set(new Date(Date.parse(`${end}T00:00:00Z`) - 60_000)); // a minute before
    const before = await share(await handler());
    assert.equal(before.decision?.allow, true, before.error?.message);
    clock.set(new Date(`${end}T00:00:00Z`));
    const r = await share(await handler());
    assert.equal(r.error?.code, 'FORBIDDEN');
    assert.equal(r.entry.clause, 'validity');
    assert.match(
      String(r.entry.reason),
      new RegExp(`^denied: agreement ${a.reference} v1 expired on `),
    );
    assert.equal(
      (await s.agreements.get(await school.actor('dpo'), a.id)).latest.status,
      'expired',
    );
    clock.set(new Date());
  });

  test('proposer trying to approve: refused by segregation of duties, and audited', async () => {
    const dpo = await council.actor('dpo');
    const draft = await s.agreements.draft(dpo, 'Proposed by the DPO');
    await s.agreements.saveDraft(dpo, draft.latest.versionId, personTerms(s, council, health));
    const a = await s.agreements.propose(dpo, draft.latest.versionId);
    await assert.rejects(
      s.agreements.decide(dpo, a.latest.versionId, 'approve', null),
      (e: AccordError) => e.code === 'SOD_CONFLICT',
    );
    const [entry] = await s.audit.list({ orgId: council.orgId, actor: dpo.ref, limit: 1 });
    assert.equal(entry?.outcome, 'refused');
    assert.equal(entry?.details.code, 'SOD_CONFLICT');
    assert.equal((await s.agreements.get(dpo, a.id)).latest.approvals.length, 0);
  });
});
