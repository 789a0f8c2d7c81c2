// The sharing decision point: a realistic decision (an actor with three roles, 20 agreements in
// force, a field projection) through Accord's compiled evaluator, against the same decision
// through cedar-wasm's statefulIsAuthorized on the exported policy, parsed ahead; and how often
// the two agree over generated requests (Cedar is the oracle).
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import fc from 'fast-check';
import { exportCedar } from '../src/domain/agreements/cedar.ts';
import type { ExportedVersion } from '../src/domain/agreements/cedar.ts';
import { cedarRequest } from '../src/domain/agreements/cedar-request.ts';
import type { CedarRequest } from '../src/domain/agreements/cedar-request.ts';
import { PolicyIndex, compileVersion } from '../src/domain/agreements/compile.ts';
import { decideShare } from '../src/domain/agreements/decide-share.ts';
import type { ShareRequest } from '../src/domain/agreements/decide-share.ts';
import type { AgreementTerms } from '../src/domain/agreements/model.ts';
import type { Actor } from '../src/domain/policy/actor.ts';
import { requestArb, worldOf } from '../test/helpers/cedar.ts';
import type { Benchmark } from './lib.ts';
import { percentile, report } from './lib.ts';

const AGREEMENTS = 20;
const ORGS = 8;
const DECISIONS = 200_000;
const CEDAR_DECISIONS = 5_000;
const CASES = 5_000;
const DAY = 86_400_000;
const FIELDS = ['nhsNumber', 'givenName', 'familyName', 'dateOfBirth', 'postcode', 'address'];
const PURPOSES = ['safeguarding', 'fraud-prevention', 'benefit-eligibility', 'crime-prevention'];

const org = (i: number): string => `00000000-0000-4000-8000-${String(i % ORGS).padStart(12, '0')}`;
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** 20 agreements in force between 8 organisations; each pair of them shares one way or both. */
function agreements(now: number): ExportedVersion[] {
  return Array.from({ length: AGREEMENTS }, (_, i) => {
    const [from, to] = [org(i), org(i + 1 + (i % 3))];
    const terms: AgreementTerms = {
      title: `Agreement ${i + 1}`,
      parties: [from, to].map((o, k) => ({
        orgId: o,
        orgName: `Organisation ${(i + k) % ORGS}`,
        lawfulBasis: 'art6-1-e',
        specialCondition: null,
      })),
      purposes: [PURPOSES[i % 4]!, PURPOSES[(i + 1) % 4]!].map((key) => ({ key, label: key })),
      flows: [
        { from, to, recordType: 'person', fields: FIELDS.slice(i % 2), special: [] },
        { from: to, to: from, recordType: 'person', fields: FIELDS.slice(0, 3), special: [] },
      ],
      operations: ['lookup', 'transfer', 'check'],
      checks: [
        {
          key: `known-${i}`,
          question: 'Known to the service?',
          from,
          recordType: 'person',
          field: 'postcode',
          yesWhen: ['yes'],
        },
      ],
      retentionAtRecipient: 'P2Y',
      onwardSharing: false,
      startDate: day(now - 30 * DAY),
      endDate: day(now + 335 * DAY),
      reviewDate: day(now + 150 * DAY),
      dpiaRef: 'DPIA-1',
      budgets: { lookupsPerDay: null, checksPerDay: null },
      conditions:
        i % 5 === 0
          ? [{ kind: 'subject-under-age', age: 18, dateOfBirthField: 'dateOfBirth' }]
          : [],
    };
    const compiled = compileVersion({
      agreementId: `agreement-${i}`,
      versionId: `version-${i}`,
      reference: `DSA-${i + 1}`,
      version: 1,
      status: 'approved',
      terms,
      approvedAt: day(now - 40 * DAY),
      suspendedAt: null,
      terminatedAt: null,
      waitingFor: [],
    });
    return { compiled, terms };
  });
}

/** The realistic requests: a handler who is also IAO and DPO asks for three fields. */
function realistic(index: PolicyIndex, now: number): ShareRequest[] {
  const out: ShareRequest[] = [];
  for (const v of index.versions)
    for (const key of v.flows.keys()) {
      const [provider = '', recipient = ''] = key.split('|');
      const actor: Actor = {
        kind: 'person',
        orgId: recipient,
        personId: `person-${recipient.slice(-2)}`,
        tokenId: null,
        sessionId: 'session',
        name: 'Hana Handler',
        roles: new Set(['handler', 'iao', 'dpo']),
        scopes: null,
        mfa: true,
        training: { current: true, lapsed: [], missing: [] },
        ref: `person:${recipient.slice(-2)}`,
      };
      for (const purpose of PURPOSES)
        out.push({
          actor,
          operation: 'lookup',
          providerOrgId: provider,
          recordType: 'person',
          purpose,
          now,
          fields: ['givenName', 'familyName', 'postcode'],
          subject: { dateOfBirth: '2012-04-01' },
        });
    }
  return out;
}

const micros = (ns: bigint): number => Number(ns) / 1000;

export const policyBenchmark: Benchmark = {
  name: 'policy',
  description: `sharing decisions: ${AGREEMENTS} agreements in force, an actor with 3 roles, a field projection; Accord's compiled evaluator vs cedar-wasm statefulIsAuthorized (pre-parsed) on the exported policy`,
  async run() {
    const now = Date.now();
    const versions = agreements(now);
    const index = new PolicyIndex(versions.map((v) => v.compiled));
    const x = exportCedar(versions);
    const schema = x.schema as unknown as cedar.Schema;
    if (cedar.preparsePolicySet('bench', { staticPolicies: x.policy }).type !== 'success')
      throw new Error('the exported policy does not parse');
    if (cedar.preparseSchema('bench', schema).type !== 'success')
      throw new Error('the exported schema does not parse');
    const ask = (q: CedarRequest): 'allow' | 'deny' => {
      const a = cedar.statefulIsAuthorized({
        principal: q.principal,
        action: q.action,
        resource: q.resource,
        context: q.context,
        entities: q.entities,
        preparsedPolicySetId: 'bench',
      });
      if (a.type !== 'success') throw new Error(JSON.stringify(a.errors));
      return a.response.decision;
    };

    const requests = realistic(index, now);
    const allowed = requests.filter((r) => decideShare(index, r).allow).length;
    // Accord: each decision timed on its own, after warming up.
    for (let i = 0; i < 50_000; i++) decideShare(index, requests[i % requests.length]!);
    const accord: number[] = new Array<number>(DECISIONS);
    for (let i = 0; i < DECISIONS; i++) {
      const r = requests[i % requests.length]!;
      const t0 = process.hrtime.bigint();
      decideShare(index, r);
      accord[i] = micros(process.hrtime.bigint() - t0);
    }
    accord.sort((a, b) => a - b);

    // Cedar: the same requests, translated ahead so only the decision is timed.
    const asked = requests.map((r) => cedarRequest(r, r.actor.orgId, x.subjectDateFields));
    for (let i = 0; i < 500; i++) ask(asked[i % asked.length]!);
    const viaCedar: number[] = new Array<number>(CEDAR_DECISIONS);
    for (let i = 0; i < CEDAR_DECISIONS; i++) {
      const q = asked[i % asked.length]!;
      const t0 = process.hrtime.bigint();
      ask(q);
      viaCedar[i] = micros(process.hrtime.bigint() - t0);
    }
    viaCedar.sort((a, b) => a - b);

    // Agreement over generated requests against the same 20 agreements.
    const cases = fc.sample(requestArb(worldOf(index.versions)), { numRuns: CASES, seed: 42 });
    let agree = 0;
    for (const r of cases) {
      const mine = decideShare(index, r).allow;
      const theirs = ask(cedarRequest(r, 'any', x.subjectDateFields)) === 'allow';
      if (mine === theirs) agree++;
    }

    const p50 = percentile(accord, 50);
    const p99 = percentile(accord, 99);
    const cedarP50 = percentile(viaCedar, 50);
    console.log(
      `  (${requests.length} realistic requests, ${allowed} of them allowed; ${CASES} generated cases)`,
    );
    report('policy_decision_us_p50', p50, 'µs', {
      label: 'policy_cedar_us_p50',
      value: cedarP50,
      target: '≤ 5 µs and ≤ 0.1 × cedar',
    });
    report('policy_decision_us_p99', p99, 'µs', {
      label: 'policy_cedar_us_p99',
      value: percentile(viaCedar, 99),
      target: '≤ 50 µs',
    });
    report('policy_cedar_us_p50', cedarP50, 'µs');
    report('policy_agree_rate', agree / cases.length, '', { label: 'target', value: 1 });
    return {
      policy_decision_us_p50: p50,
      policy_decision_us_p99: p99,
      policy_cedar_us_p50: cedarP50,
      policy_cedar_us_p99: percentile(viaCedar, 99),
      policy_agree_rate: agree / cases.length,
    };
  },
};
