// Cedar is the oracle: for thousands of generated requests, Accord's decision (allow or deny, and
// the fields it lets flow) equals cedar-wasm's on the exported policy. First on agreements built
// on a real database (conditions, checks, special-category fields, a suspended one, a
// terminated one, a superseded version, an unapproved one), then on randomly generated terms.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { setupOrg } from '../../helpers/people.ts';
import type { OrgFixture } from '../../helpers/people.ts';
import { testClock } from '../../helpers/clock.ts';
import { approved, personTerms, proposed } from '../../helpers/agreements.ts';
import { cedarOracle, requestArb, worldOf } from '../../helpers/cedar.ts';
import { dpiaAwaitingSignOff } from '../governance/fixtures.ts';
import { withAccess } from '../../../src/domain/policy/gate.ts';
import { nodeActor } from '../../../src/domain/policy/actor.ts';
import { agreementCedar } from '../../../src/domain/agreements/cedar-export.ts';
import { exportCedar } from '../../../src/domain/agreements/cedar.ts';
import type { ExportedVersion } from '../../../src/domain/agreements/cedar.ts';
import { cedarRequest } from '../../../src/domain/agreements/cedar-request.ts';
import { PolicyIndex, compileVersion } from '../../../src/domain/agreements/compile.ts';
import type { CompiledVersion } from '../../../src/domain/agreements/compile.ts';
import { decideShare } from '../../../src/domain/agreements/decide-share.ts';
import type { ShareRequest } from '../../../src/domain/agreements/decide-share.ts';
import type { AgreementTerms } from '../../../src/domain/agreements/model.ts';
import { OPERATIONS } from '../../../src/domain/agreements/model.ts';
import type { Services } from '../../../src/services.ts';

const DAY = 86_400_000;
const RUNS = Number(process.env.CEDAR_RUNS ?? 2000);

/** Asserts Accord and Cedar agree on every generated request under these versions. */
function assertAgree(versions: ExportedVersion[], runs = RUNS): number {
  // Accord decides from an index of just this agreement's versions, as Cedar sees just its export.
  const index = new PolicyIndex(versions.map((v) => v.compiled));
  const x = exportCedar(versions);
  const oracle = cedarOracle(x);
  const agreementId = versions[0]!.compiled.agreementId;
  let allowed = 0;
  fc.assert(
    fc.property(requestArb(worldOf(index.versions)), (r: ShareRequest) => {
      const accord = decideShare(index, r);
      const cedar = oracle(cedarRequest(r, agreementId, x.subjectDateFields));
      assert.equal(cedar === 'allow', accord.allow, `Accord: ${accord.reason}; Cedar: ${cedar}`);
      if (!accord.allow) return;
      allowed++;
      const v = index.versions.find((c) => c.versionId === accord.agreement?.versionId)!;
      // The projection is exactly what Cedar authorised: the fields asked for, or all shared.
      const expected =
        r.operation === 'check'
          ? [v.checks.get(r.checkKey!)!.field]
          : (r.fields ?? [...v.flows.get(`${r.providerOrgId}|${r.actor.orgId}|${r.recordType}`)!]);
      assert.deepEqual([...new Set(accord.fields)].sort(), [...new Set(expected)].sort());
    }),
    { numRuns: runs },
  );
  return allowed;
}

/** As assertAgree, and not vacuously: some of the generated requests were allowed. */
function assertAgreeSometimesAllowed(versions: ExportedVersion[]): void {
  assert.ok(assertAgree(versions) > 0, 'some generated requests are allowed');
}

forEachDialect('Cedar export agrees with the decision point', (dialect) => {
  const clock = testClock();
  let t: TestServices;
  let s: Services;
  let council: OrgFixture;
  let police: OrgFixture;
  let health: OrgFixture;
  let fire: OrgFixture;
  const day = (n: number): string =>
    new Date(clock().getTime() + n * DAY).toISOString().slice(0, 10);

  const exported = async (ref: string, by = council): Promise<ExportedVersion[]> =>
    withAccess(
      s,
      nodeActor(by.orgId),
      async (gate) => (await agreementCedar(gate, s.sharing, ref, clock())).versions,
    );

  before(async () => {
    t = await createTestServices(dialect, {}, clock);
    s = t.services;
    council = await setupOrg(s, 'Northshire Council', { tokens: false });
    police = await setupOrg(s, 'Northshire Police', { tokens: false });
    health = await setupOrg(s, 'Northshire Health', { tokens: false });
    fire = await setupOrg(s, 'Northshire Fire', { tokens: false });
  });
  after(async () => t.close());

  const dpia = async (): Promise<string> => {
    const d = await dpiaAwaitingSignOff(s, await council.actor('iao'), await council.actor('dpo'));
    await s.governance.dpias.signOff(await council.actor('siro'), d.id, {
      decision: 'approved',
      reviewOn: day(300),
    });
    return d.ref;
  };

  test('a plain agreement, then a second version replacing it next week', async () => {
    const a = await approved(s, council, police, personTerms(s, council, police));
    assertAgreeSometimesAllowed(await exported(a.reference));
    const iao = await council.actor('iao');
    const v2 = (await s.agreements.newVersion(iao, a.id)).latest;
    await s.agreements.saveDraft(iao, v2.versionId, {
      ...v2.terms,
      purposes: [...v2.terms.purposes, { key: 'fraud-prevention', label: 'Fraud prevention' }],
      flows: [{ ...v2.terms.flows[0]!, fields: ['givenName', 'familyName'] }],
      operations: ['lookup'],
      startDate: day(7),
    });
    await s.agreements.propose(iao, v2.versionId);
    for (const org of [council, police])
      for (const who of ['dpo', 'siro'] as const)
        await s.agreements.decide(await org.actor(who), v2.versionId, 'approve', null);
    const versions = await exported(a.reference);
    assert.deepEqual(
      versions.map((v) => [v.compiled.version, v.compiled.supersededAt !== null]),
      [
        [1, true],
        [2, false],
      ],
    );
    assertAgreeSometimesAllowed(versions);
  });

  test('special-category fields both ways, a yes/no check, children only, Caldicott approval, terminated later', async () => {
    const referral = ['caseReference', 'familyName', 'dateOfBirth', 'concern', 'riskLevel'];
    const terms: AgreementTerms = {
      ...personTerms(s, council, health, { dpiaRef: await dpia() }),
      title: 'Children at risk',
      parties: [council, health].map((o) => ({
        orgId: o.orgId,
        orgName: o.name,
        lawfulBasis: 'art6-1-e',
        specialCondition: 'art9-2-g, sch1-18',
      })),
      purposes: [
        { key: 'safeguarding', label: 'Safeguarding' },
        { key: 'fraud-prevention', label: 'Fraud prevention' },
      ],
      flows: [
        { from: council.orgId, to: health.orgId, recordType: 'referral', fields: referral },
        { from: health.orgId, to: council.orgId, recordType: 'person', fields: ['givenName'] },
      ],
      operations: ['lookup', 'transfer', 'check'],
      checks: [
        {
          key: 'known-to-cs',
          question: "Is the child known to children's services?",
          from: council.orgId,
          recordType: 'referral',
          field: 'knownToChildrensServices',
          yesWhen: [true],
        },
      ],
      budgets: { lookupsPerDay: 50, checksPerDay: 20 },
      conditions: [
        { kind: 'subject-under-age', age: 18, dateOfBirthField: 'dateOfBirth' },
        { kind: 'caldicott-approval', personIds: [health.people.caldicott.personId] },
      ],
    };
    const a = await approved(s, council, health, terms);
    await s.agreements.control(
      await council.actor('siro'),
      a.latest.versionId,
      'terminate',
      'Service ends',
      new Date(clock().getTime() + 100 * DAY).toISOString(),
    );
    const versions = await exported(a.reference);
    assert.ok(versions[0]!.compiled.terminatedAt);
    assert.deepEqual(
      [...versions[0]!.compiled.special.values()].map((x) => [...x]),
      [['concern', 'riskLevel'], []],
    );
    assertAgreeSometimesAllowed(versions);
  });

  test('a suspended agreement, and one still waiting for signatures', async () => {
    const a = await approved(s, police, fire, personTerms(s, police, fire));
    await s.agreements.control(await fire.actor('dpo'), a.latest.versionId, 'suspend', 'Breach');
    const suspended = await exported(a.reference, police);
    assert.ok(suspended[0]!.compiled.suspendedAt);
    assertAgreeSometimesAllowed(suspended);
    const p = await proposed(s, health, personTerms(s, health, fire));
    const waiting = await exported(p.reference, health);
    assert.equal(waiting[0]!.compiled.approved, false);
    assert.equal(assertAgree(waiting, 300), 0);
  });
});

// Terms drawn at random (within what proposal accepts): many more shapes than the fixtures.
const ORGS = ['org-a', 'org-b', 'org-c'];
const termsArb = fc
  .record({
    parties: fc.subarray(ORGS, { minLength: 2 }),
    purposes: fc.subarray(['safeguarding', 'fraud-prevention', 'benefit-eligibility'], {
      minLength: 1,
    }),
    flows: fc.array(
      fc.record({
        // Mostly from one party to another; now and then between any two organisations.
        from: fc.nat(5),
        to: fc.nat(5),
        anywhere: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
        recordType: fc.constantFrom('person', 'referral'),
        fields: fc.subarray(['givenName', 'dateOfBirth', 'concern', 'postcode'], { minLength: 1 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    operations: fc.subarray([...OPERATIONS], { minLength: 1 }),
    checkField: fc.option(fc.constantFrom('concern', 'postcode'), { nil: null }),
    start: fc.integer({ min: -400, max: 30 }),
    length: fc.integer({ min: 1, max: 700 }),
    lookups: fc.option(fc.integer({ min: 1, max: 120 }), { nil: null }),
    checksPerDay: fc.option(fc.integer({ min: 1, max: 120 }), { nil: null }),
    underAge: fc.option(fc.integer({ min: 1, max: 21 }), { nil: null }),
    caldicott: fc.option(fc.subarray(['p-1', 'p-2']), { nil: null }),
    status: fc.constantFrom('approved', 'approved', 'approved', 'proposed'),
    suspended: fc.oneof(
      { arbitrary: fc.constant(null), weight: 3 },
      fc.integer({ min: -30, max: 300 }),
    ),
    terminated: fc.oneof(
      { arbitrary: fc.constant(null), weight: 3 },
      fc.integer({ min: -30, max: 300 }),
    ),
  })
  .map((g) => {
    const base = Date.UTC(2026, 10, 23);
    const d = (n: number): string => new Date(base + n * DAY).toISOString().slice(0, 10);
    const at = (n: number | null): string | null =>
      n === null ? null : new Date(base + n * DAY + 37_000).toISOString();
    const terms: AgreementTerms = {
      title: 'Generated',
      parties: g.parties.map((o) => ({
        orgId: o,
        orgName: o.toUpperCase(),
        lawfulBasis: 'art6-1-e',
        specialCondition: null,
      })),
      purposes: g.purposes.map((key) => ({ key, label: key })),
      flows: g.flows.map(({ from, to, anywhere, ...f }) => {
        const among = anywhere ? ORGS : g.parties;
        const i = from % among.length;
        return {
          ...f,
          from: among[i]!,
          to: among[
            anywhere ? to % among.length : (i + 1 + (to % (among.length - 1))) % among.length
          ]!,
          special: f.fields.filter((x) => x === 'concern'),
        };
      }),
      // As proposal requires: checks defined means checks allowed.
      operations:
        g.checkField && !g.operations.includes('check') ? [...g.operations, 'check'] : g.operations,
      checks: g.checkField
        ? [
            {
              key: 'q1',
              question: 'Known?',
              from: g.parties[0]!,
              recordType: 'referral',
              field: g.checkField,
              yesWhen: ['yes'],
              special: g.checkField === 'concern',
            },
          ]
        : [],
      retentionAtRecipient: 'P1Y',
      onwardSharing: false,
      startDate: d(g.start),
      endDate: d(g.start + g.length),
      reviewDate: d(g.start),
      dpiaRef: null,
      budgets: { lookupsPerDay: g.lookups, checksPerDay: g.checksPerDay },
      conditions: [
        ...(g.underAge
          ? [{ kind: 'subject-under-age' as const, age: g.underAge, dateOfBirthField: 'dob' }]
          : []),
        ...(g.caldicott ? [{ kind: 'caldicott-approval' as const, personIds: g.caldicott }] : []),
      ],
    };
    const compiled: CompiledVersion = compileVersion({
      agreementId: 'agr-1',
      versionId: 'ver-1',
      reference: 'DSA-99',
      version: 1,
      status: g.status,
      terms,
      approvedAt: g.status === 'approved' ? at(-500) : null,
      suspendedAt: at(g.suspended),
      terminatedAt: at(g.terminated),
      waitingFor: g.status === 'approved' ? [] : ['ORG-A DPO'],
    });
    return { compiled, terms };
  });

test('pure evaluation: Accord and Cedar agree under randomly generated terms', () => {
  let allowed = 0;
  fc.assert(
    fc.property(termsArb, (v) => {
      allowed += assertAgree([v], 60);
    }),
    { numRuns: Number(process.env.CEDAR_TERMS ?? 150) },
  );
  // Some terms allow nothing (unapproved, no flow the operations reach); most allow something.
  assert.ok(allowed > 50, `only ${allowed} generated requests were allowed`);
});
