// DPIAs as named scenarios on a real database: screening decides whether a full DPIA is needed,
// the author cannot sign it, high residual risk flags prior consultation, and high-risk
// processing (a data-sharing agreement) cannot start without a signed DPIA.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { setupOrg } from '../../helpers/people.ts';
import type { OrgFixture } from '../../helpers/people.ts';
import { withAccess } from '../../../src/domain/policy/gate.ts';
import type { Actor } from '../../../src/domain/policy/actor.ts';
import { AccordError } from '../../../src/errors.ts';
import type { Services } from '../../../src/services.ts';
import { answers, day, dpiaAwaitingSignOff } from './fixtures.ts';

/** What the agreements module will do before an agreement becomes active. */
function activateAgreement(s: Services, actor: Actor, dpiaId: string | null, highRisk: boolean) {
  return withAccess(s, actor, async (gate) => {
    gate.require('governance.read', { orgId: actor.orgId, ref: 'agreement:test' });
    return s.governance.dpias.assertSignedIfHighRisk(gate, dpiaId, highRisk);
  });
}

async function refusal(p: Promise<unknown>): Promise<AccordError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AccordError) return e;
    throw e;
  }
  assert.fail('expected a refusal');
}

forEachDialect('DPIAs', (dialect) => {
  let t: TestServices;
  let s: Services;
  let org: OrgFixture;
  let other: OrgFixture;
  before(async () => {
    t = await createTestServices(dialect);
    s = t.services;
    org = await setupOrg(s, 'Dpia Council', { tokens: false });
    other = await setupOrg(s, 'Other Council', { tokens: false });
  });
  after(async () => t.close());

  test('screening with no high-risk indicator ends at "not required"; any "yes" needs a full DPIA', async () => {
    const iao = await org.actor('iao');
    const a = await s.governance.dpias.create(iao, {
      title: 'Staff newsletter',
      description: 'Emails to staff',
    });
    assert.equal(a.ref.startsWith('DPIA-'), true);
    const low = await s.governance.dpias.screen(iao, a.id, {
      answers: answers(),
      notes: 'Staff only',
    });
    assert.equal(low.status, 'not-required');
    assert.equal(low.highRisk, false);
    const b = await s.governance.dpias.create(iao, {
      title: 'CCTV in the square',
      description: 'Cameras',
    });
    const high = await s.governance.dpias.screen(iao, b.id, {
      answers: answers(['public-monitoring']),
    });
    assert.equal(high.status, 'assessment');
    assert.equal(high.highRisk, true);
    assert.equal(high.indicatorsMet.length, 1);
    const [e] = await s.audit.list({ orgId: org.orgId, action: 'dpia.screened', limit: 1 });
    assert.deepEqual((e?.details as { indicators: string[] }).indicators, ['public-monitoring']);
  });

  test('bad input is refused with every problem listed, nothing saved', async () => {
    const iao = await org.actor('iao');
    const before = (await s.governance.dpias.list(iao)).length;
    const e = await refusal(
      s.governance.dpias.create(iao, { title: ' ', description: '', reviewOn: day(s, -1) }),
    );
    assert.equal(e.code, 'VALIDATION_FAILED');
    assert.deepEqual(
      e.problems.map((p) => p.field),
      ['title', 'description', 'reviewOn'],
    );
    assert.match(e.problems[2]!.message, /cannot be in the past/);
    assert.equal((await s.governance.dpias.list(iao)).length, before);

    const d = await s.governance.dpias.create(iao, {
      title: 'Scores',
      description: 'Out of scale',
    });
    await s.governance.dpias.screen(iao, d.id, { answers: answers(['tracking']) });
    const e2 = await refusal(
      s.governance.dpias.saveAssessment(iao, d.id, {
        necessity: 'n',
        proportionality: 'p',
        risks: [{ description: 'r', likelihood: 4, severity: 0, measures: 'm', residual: 'low' }],
        submit: true,
      }),
    );
    assert.deepEqual(
      e2.problems.map((p) => p.field),
      ['risks[0].likelihood', 'risks[0].severity'],
    );
    const unchanged = await s.governance.dpias.get(iao, d.id);
    assert.equal(unchanged.status, 'assessment');
    assert.equal(unchanged.necessity, null);
  });

  test('the DPIA’s author cannot sign it off (segregation of duties), and the refusal is audited', async () => {
    const siro = await org.actor('siro');
    const dpo = await org.actor('dpo');
    const d = await dpiaAwaitingSignOff(s, siro, dpo);
    assert.equal(d.status, 'sign-off');
    const e = await refusal(
      s.governance.dpias.signOff(siro, d.id, { decision: 'approved', reviewOn: day(s, 365) }),
    );
    assert.equal(e.code, 'SOD_CONFLICT');
    assert.match(e.message, /Author is not signatory/);
    const [entry] = await s.audit.list({ orgId: org.orgId, action: 'duty.sign-off', limit: 1 });
    assert.equal(entry?.outcome, 'refused');
    assert.equal(entry?.target, `dpia:${d.id}`);
    assert.equal((await s.governance.dpias.get(siro, d.id)).status, 'sign-off');
  });

  test('a high-risk agreement cannot become active without a DPIA signed by the SIRO', async () => {
    const iao = await org.actor('iao');
    const dpo = await org.actor('dpo');
    const siro = await org.actor('siro');
    // No DPIA at all.
    const none = await refusal(activateAgreement(s, dpo, null, true));
    assert.equal(none.code, 'DPIA_NOT_SIGNED');
    // A DPIA awaiting sign-off: refused, naming it.
    const d = await dpiaAwaitingSignOff(s, iao, dpo);
    const unsigned = await refusal(activateAgreement(s, dpo, d.id, true));
    assert.equal(unsigned.code, 'DPIA_NOT_SIGNED');
    assert.match(
      unsigned.message,
      new RegExp(`${d.ref} “Matching council tax and benefits” is not signed off`),
    );
    const [entry] = await s.audit.list({ orgId: org.orgId, action: 'dpia.relied-on', limit: 1 });
    assert.equal(entry?.outcome, 'refused');
    // Another organisation's signed DPIA does not count.
    const theirs = await dpiaAwaitingSignOff(s, await other.actor('iao'), await other.actor('dpo'));
    await s.governance.dpias.signOff(await other.actor('siro'), theirs.id, {
      decision: 'approved',
      reviewOn: day(s, 365),
    });
    assert.equal(
      (await refusal(activateAgreement(s, dpo, theirs.id, true))).code,
      'DPIA_NOT_SIGNED',
    );
    // Signed by the SIRO (not the author): allowed, and the DPIA relied on is returned.
    const signed = await s.governance.dpias.signOff(siro, d.id, {
      decision: 'approved',
      reviewOn: day(s, 365),
      note: 'Approved with the review step',
    });
    assert.equal(signed.status, 'signed');
    assert.equal(signed.signOff?.byName, 'Siro of Dpia Council');
    assert.equal((await activateAgreement(s, dpo, d.id, true))?.ref, d.ref);
    // An agreement may hold the DPIA's reference instead of its id.
    assert.equal((await activateAgreement(s, dpo, d.ref, true))?.id, d.id);
    // Processing that did not screen as high risk needs no DPIA.
    assert.equal(await activateAgreement(s, dpo, null, false), null);
    // Reopening the DPIA for change withdraws the signature.
    await s.governance.dpias.reopen(iao, d.id, 'New data set added');
    assert.equal((await refusal(activateAgreement(s, dpo, d.id, true))).code, 'DPIA_NOT_SIGNED');
  });

  test('high residual risk flags prior consultation with the ICO before processing starts', async () => {
    const iao = await org.actor('iao');
    const dpo = await org.actor('dpo');
    const siro = await org.actor('siro');
    const d = await dpiaAwaitingSignOff(s, iao, dpo, 'high');
    assert.equal(d.residualRisk, 'high');
    assert.equal(d.priorConsultation, true);
    await s.governance.dpias.signOff(siro, d.id, { decision: 'approved', reviewOn: day(s, 180) });
    const e = await refusal(activateAgreement(s, dpo, d.id, true));
    assert.equal(e.code, 'PRIOR_CONSULTATION_REQUIRED');
    await s.governance.dpias.recordIcoConsultation(dpo, d.id, {
      consultedOn: day(s),
      reference: 'ICO/2025/123',
      outcome: 'No objection with the measures described',
    });
    assert.equal((await activateAgreement(s, dpo, d.id, true))?.id, d.id);
  });

  test('overruling the DPO’s advice needs a reason; the review date must be in the future', async () => {
    const iao = await org.actor('iao');
    const dpo = await org.actor('dpo');
    const siro = await org.actor('siro');
    const d = await dpiaAwaitingSignOff(s, iao, dpo);
    await s.governance.dpias.reopen(iao, d.id, 'DPO changes advice');
    await s.governance.dpias.saveAssessment(iao, d.id, {
      necessity: 'n',
      proportionality: 'p',
      risks: d.risks,
      submit: true,
    });
    await s.governance.dpias.advise(dpo, d.id, {
      advice: 'Too risky',
      recommendation: 'do-not-proceed',
    });
    const e = await refusal(
      s.governance.dpias.signOff(siro, d.id, { decision: 'approved', reviewOn: day(s, -2) }),
    );
    assert.deepEqual(
      e.problems.map((p) => p.field),
      ['reviewOn', 'overruleReason'],
    );
    const ok = await s.governance.dpias.signOff(siro, d.id, {
      decision: 'approved',
      reviewOn: day(s, 30),
      overruleReason: 'The board accepts the risk for one year',
    });
    assert.equal(ok.signOff?.adviceFollowed, false);
  });

  test('another organisation’s DPIA does not exist for you', async () => {
    const d = await s.governance.dpias.create(await other.actor('iao'), {
      title: 'Theirs',
      description: 'x',
    });
    assert.equal(
      (await refusal(s.governance.dpias.get(await org.actor('dpo'), d.id))).code,
      'NOT_FOUND',
    );
    assert.equal(
      (await refusal(s.governance.dpias.get(await org.actor('member'), d.id))).code,
      'NOT_FOUND',
    );
    assert.equal(
      (await refusal(s.governance.dpias.list(await org.actor('member')))).code,
      'FORBIDDEN',
    );
  });
});
