// An agreement's life on a real database: drafted, refused at proposal with every problem listed,
// approved by every party's DPO and SIRO, immutable once proposed, replaced by a new version only
// when that version comes into force, terminated at its instant.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { setupOrg } from '../../helpers/people.ts';
import type { OrgFixture } from '../../helpers/people.ts';
import { testClock } from '../../helpers/clock.ts';
import { approved, personTerms, proposed } from '../../helpers/agreements.ts';
import { withAccess } from '../../../src/domain/policy/gate.ts';
import type { Actor } from '../../../src/domain/policy/actor.ts';
import { AccordError } from '../../../src/errors.ts';
import type { Services } from '../../../src/services.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;

async function refusal(p: Promise<unknown>): Promise<AccordError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AccordError) return e;
    throw e;
  }
  assert.fail('expected a refusal');
}

forEachDialect('agreement lifecycle', (dialect) => {
  const clock = testClock();
  let t: TestServices;
  let s: Services;
  let council: OrgFixture;
  let police: OrgFixture;
  const day = (plus: number): string =>
    new Date(clock().getTime() + plus * DAY).toISOString().slice(0, 10);
  const allowed = async (actor: Actor, purpose = 'safeguarding') =>
    withAccess(s, actor, (gate) =>
      s.sharing.decide(gate, {
        operation: 'lookup',
        providerOrgId: council.orgId,
        recordType: 'person',
        purpose,
      }),
    );

  before(async () => {
    t = await createTestServices(dialect, {}, clock);
    s = t.services;
    council = await setupOrg(s, 'Lifecycle Council', { tokens: false });
    police = await setupOrg(s, 'Lifecycle Police', { tokens: false });
  });
  after(async () => t.close());

  test('bad terms are refused at proposal with every problem listed, and nothing changes', async () => {
    const bare = await s.orgs.create({ name: 'Unstaffed Trust', kind: 'health' }, 'node');
    const iao = await council.actor('iao');
    const a = await s.agreements.draft(iao, 'Referrals to the police');
    const terms = personTerms(s, council, police, {
      parties: [
        ...personTerms(s, council, police).parties,
        { orgId: bare.id, orgName: bare.name, lawfulBasis: 'art6-1-e', specialCondition: null },
      ],
      flows: [
        {
          from: council.orgId,
          to: police.orgId,
          recordType: 'referral',
          fields: ['caseReference', 'concern', 'shoeSize'],
        },
      ],
      retentionAtRecipient: '',
      startDate: day(30),
      endDate: day(10),
      reviewDate: day(20),
    });
    await s.agreements.saveDraft(iao, a.latest.versionId, terms);
    const before = await s.audit.size();
    const e = await refusal(s.agreements.propose(iao, a.latest.versionId));
    assert.equal(e.code, 'VALIDATION_FAILED');
    const messages = (e.problems ?? []).map((p) => p.message);
    for (const expected of [
      'Unstaffed Trust has no Data Protection Officer to approve it',
      'Unstaffed Trust has no Senior Information Risk Owner to approve it',
      '“shoeSize” is not a field of referral',
      'Special-category data flows to or from Lifecycle Council: give its Art. 9(2) condition',
      'Special-category data flows to or from Lifecycle Police: give its Art. 9(2) condition',
      'Say how long the recipient may keep what it receives',
      'The end date must be after the start date',
    ])
      assert.ok(messages.includes(expected), `${expected} in ${JSON.stringify(messages)}`);
    assert.equal(await s.audit.size(), before, 'a refused proposal writes nothing');
    const after = await s.agreements.get(iao, a.id);
    assert.equal(after.latest.status, 'draft');
    assert.equal(after.latest.digest, null);
    await refusal(s.agreements.get(await police.actor('dpo'), a.id)).then((r) =>
      assert.equal(r.code, 'NOT_FOUND', 'a draft is not shown to the other parties'),
    );
  });

  test('a condition naming approved handlers reads with their names', async () => {
    const handler = police.people.handler.personId;
    const a = await proposed(
      s,
      council,
      personTerms(s, council, police, {
        title: 'Named handlers only',
        conditions: [{ kind: 'caldicott-approval', personIds: [handler] }],
      }),
    );
    const names = await s.agreements.handlerNames(await police.actor('dpo'), a.id);
    assert.equal(names[handler], 'Handler of Lifecycle Police');
    assert.equal(names[council.people.handler.personId], 'Handler of Lifecycle Council');
  });

  test('every party’s DPO and SIRO approve; terms are fixed from the proposal on', async () => {
    let a = await proposed(s, council, personTerms(s, council, police));
    assert.equal(a.latest.status, 'proposed');
    assert.match(a.latest.digest ?? '', /^[0-9a-f]{64}$/);
    assert.equal((await s.agreements.get(await police.actor('dpo'), a.id)).reference, a.reference);
    const e = await refusal(
      s.agreements.saveDraft(await council.actor('iao'), a.latest.versionId, a.latest.terms),
    );
    assert.equal(e.code, 'CONFLICT');
    a = await s.agreements.decide(await council.actor('dpo'), a.latest.versionId, 'approve', null);
    a = await s.agreements.decide(await council.actor('siro'), a.latest.versionId, 'approve', 'ok');
    a = await s.agreements.decide(await police.actor('siro'), a.latest.versionId, 'approve', null);
    assert.deepEqual(a.latest.waitingFor, ['Lifecycle Police DPO']);
    assert.equal((await allowed(await police.actor('handler'))).clause, 'approval');
    a = await s.agreements.decide(await police.actor('dpo'), a.latest.versionId, 'approve', null);
    assert.equal(a.latest.status, 'active');
    assert.equal(a.inForce?.version, 1);
    assert.equal((await allowed(await police.actor('handler'))).allow, true);
    const twice = await refusal(
      s.agreements.decide(await police.actor('dpo'), a.latest.versionId, 'approve', null),
    );
    assert.equal(twice.code, 'CONFLICT');
    const outsider = await setupOrg(s, 'Outsider Council', { tokens: false });
    assert.equal(
      (await refusal(s.agreements.get(await outsider.actor('dpo'), a.id))).code,
      'NOT_FOUND',
    );
    assert.equal(
      (
        await refusal(
          s.agreements.decide(await outsider.actor('dpo'), a.latest.versionId, 'approve', null),
        )
      ).code,
      'NOT_FOUND',
    );
    await s.agreements.control(await council.actor('dpo'), a.latest.versionId, 'terminate', 'tidy');
  });

  test('a change is a new version; the old stays in force until the new one starts', async () => {
    const a = await approved(s, council, police, personTerms(s, council, police));
    const iao = await council.actor('iao');
    const draft = await s.agreements.newVersion(iao, a.id);
    const v2 = draft.latest;
    assert.equal(v2.version, 2);
    await s.agreements.saveDraft(iao, v2.versionId, {
      ...v2.terms,
      purposes: [{ key: 'crime-prevention', label: 'Preventing or detecting crime' }],
      startDate: day(1),
    });
    await s.agreements.propose(iao, v2.versionId);
    for (const org of [council, police])
      for (const who of ['dpo', 'siro'] as const)
        await s.agreements.decide(await org.actor(who), v2.versionId, 'approve', null);
    const now = await s.agreements.get(iao, a.id);
    assert.deepEqual(
      now.versions.map((v) => v.status),
      ['active', 'approved'],
    );
    const handler = async () => police.actor('handler');
    const d1 = await allowed(await handler());
    assert.deepEqual([d1.allow, d1.agreement?.version], [true, 1]);
    clock.set(new Date(`${day(1)}T00:00:00Z`));
    const later = await s.agreements.get(iao, a.id);
    assert.deepEqual(
      later.versions.map((v) => v.status),
      ['superseded', 'active'],
    );
    const d2 = await allowed(await handler());
    assert.equal(d2.allow, false);
    assert.equal(
      d2.reason,
      `denied: agreement ${a.reference} v2 allows purpose 'crime-prevention' only`,
    );
    assert.equal((await allowed(await handler(), 'crime-prevention')).agreement?.version, 2);
    clock.set(new Date());
    await s.agreements.control(await council.actor('dpo'), v2.versionId, 'terminate', 'tidy');
    await s.agreements.control(await council.actor('dpo'), a.latest.versionId, 'terminate', 'tidy');
  });

  test('termination takes effect by itself at its instant', async () => {
    const fire = await setupOrg(s, 'Lifecycle Fire', { tokens: false });
    const a = await approved(s, council, fire, personTerms(s, council, fire));
    const at = new Date(clock().getTime() + HOUR).toISOString();
    await s.agreements.control(
      await fire.actor('siro'),
      a.latest.versionId,
      'terminate',
      'Contract ended',
      at,
    );
    assert.equal((await allowed(await fire.actor('handler'))).allow, true);
    clock.advance(2 * HOUR);
    const d = await allowed(await fire.actor('handler'));
    assert.equal(d.allow, false);
    assert.match(d.reason, new RegExp(`agreement ${a.reference} v1 was terminated on`));
    const after = await s.agreements.get(await council.actor('dpo'), a.id);
    assert.equal(after.latest.status, 'terminated');
    assert.equal(after.latest.terminateReason, 'Contract ended');
    const e = await refusal(
      s.agreements.control(await council.actor('dpo'), a.latest.versionId, 'resume', 'undo'),
    );
    assert.equal(e.code, 'CONFLICT');
    clock.set(new Date());
  });

  test('a rejection needs a reason and ends the proposal', async () => {
    const a = await proposed(s, council, personTerms(s, council, police));
    const e = await refusal(
      s.agreements.decide(await police.actor('dpo'), a.latest.versionId, 'reject', ' '),
    );
    assert.equal(e.code, 'VALIDATION_FAILED');
    const r = await s.agreements.decide(
      await police.actor('dpo'),
      a.latest.versionId,
      'reject',
      'We need the address too',
    );
    assert.equal(r.latest.status, 'rejected');
    assert.equal(r.latest.approvals[0]?.comment, 'We need the address too');
    const [entry] = await s.audit.list({ orgId: police.orgId, action: 'agreements.rejected' });
    assert.equal(entry?.details.comment, 'We need the address too');
  });

  test('high-risk sharing cannot be proposed without a DPIA signed off by the SIRO', async () => {
    const iao = await council.actor('iao');
    const a = await s.agreements.draft(iao, 'Referrals');
    await s.agreements.saveDraft(
      iao,
      a.latest.versionId,
      personTerms(s, council, police, {
        parties: personTerms(s, council, police).parties.map((p) => ({
          ...p,
          specialCondition: 'art9-2-g, sch1-18',
        })),
        flows: [
          {
            from: council.orgId,
            to: police.orgId,
            recordType: 'referral',
            fields: ['caseReference', 'concern'],
          },
        ],
      }),
    );
    const e = await refusal(s.agreements.propose(iao, a.latest.versionId));
    assert.equal(e.code, 'DPIA_NOT_SIGNED');
    assert.equal((await s.agreements.get(iao, a.id)).latest.status, 'draft');
    const [entry] = await s.audit.list({ orgId: council.orgId, action: 'dpia.relied-on' });
    assert.equal(entry?.outcome, 'refused');
  });
});
