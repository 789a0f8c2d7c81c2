// Incidents and breaches: anyone reports, the DPO triages and decides, the clock runs from
// awareness, the reasoning is kept when not notifying, and closing needs every decision.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { setupOrg } from '../../helpers/people.ts';
import type { OrgFixture } from '../../helpers/people.ts';
import { testClock } from '../../helpers/clock.ts';
import { AccordError } from '../../../src/errors.ts';
import type { Services } from '../../../src/services.ts';

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

const triage = {
  personalData: true,
  breachTypes: ['confidentiality'],
  cyber: false,
  dataCategories: ['Basic personal identifiers (name, contact details)', 'Health data'],
  subjectCategories: ['Residents or service users'],
  subjectsAffected: 40,
  recordsAffected: 40,
  likelihood: 'likely',
  severity: 'significant',
  consequences: 'Distress; health details seen by a neighbour',
};

forEachDialect('incidents and breaches', (dialect) => {
  const clock = testClock(new Date('2025-06-06T15:00:00.000Z')); // a Friday
  let t: TestServices;
  let s: Services;
  let org: OrgFixture;
  before(async () => {
    t = await createTestServices(dialect, {}, clock);
    s = t.services;
    org = await setupOrg(s, 'Incident Fire', { tokens: false });
  });
  after(async () => t.close());

  test('anyone reports a suspected incident; they can see it and its clock, others cannot', async () => {
    const member = await org.actor('member');
    const i = await s.governance.incidents.report(member, {
      summary: 'Letter sent to the wrong address',
      awareAt: new Date(clock().getTime() - 2 * HOUR).toISOString(),
    });
    assert.match(i.ref, /^INC-2025-\d{3}$/);
    assert.equal(i.clock.status, 'running');
    assert.equal(i.clock.deadline, new Date(Date.parse(i.awareAt) + 72 * HOUR).toISOString());
    assert.match(i.clock.deadlineLondon, /^Monday 9 June 2025 at 2:00pm BST$/);
    assert.equal((await s.governance.incidents.get(member, i.id)).id, i.id);
    assert.equal((await s.governance.incidents.list(member, { mine: true })).length, 1);
    assert.equal((await refusal(s.governance.incidents.list(member))).code, 'FORBIDDEN');
    assert.equal(
      (await refusal(s.governance.incidents.get(await org.actor('handler'), i.id))).code,
      'FORBIDDEN',
    );
  });

  test('a report with bad times is refused with each problem', async () => {
    const e = await refusal(
      s.governance.incidents.report(await org.actor('handler'), {
        summary: '',
        awareAt: new Date(clock().getTime() + 2 * HOUR).toISOString(),
        occurredAt: 'yesterday',
      }),
    );
    assert.deepEqual(
      e.problems.map((p) => p.field),
      ['summary', 'awareAt', 'occurredAt'],
    );
  });

  test('a breach cannot be closed without a notification decision: every missing step is listed', async () => {
    const dpo = await org.actor('dpo');
    const i = await s.governance.incidents.report(await org.actor('handler'), {
      summary: 'Lost laptop',
    });
    const e0 = await refusal(
      s.governance.incidents.close(dpo, i.id, { lessons: 'Encrypt laptops' }),
    );
    assert.deepEqual(
      e0.problems.map((p) => p.field),
      ['triage', 'containment'],
    );
    await s.governance.incidents.triage(dpo, i.id, triage);
    const e1 = await refusal(s.governance.incidents.close(dpo, i.id, {}));
    assert.deepEqual(
      e1.problems.map((p) => p.field),
      ['notifyIco', 'tellSubjects', 'containment', 'lessons'],
    );
    assert.equal((await s.governance.incidents.get(dpo, i.id)).status, 'triaged');
  });

  test('not notifying the ICO needs reasoning; the decision and reasoning are kept and stop the clock', async () => {
    const dpo = await org.actor('dpo');
    const i = await s.governance.incidents.report(await org.actor('handler'), {
      summary: 'Email to wrong colleague',
    });
    await s.governance.incidents.triage(dpo, i.id, {
      ...triage,
      likelihood: 'remote',
      severity: 'minimal',
    });
    const e = await refusal(
      s.governance.incidents.decide(dpo, i.id, { notifyIco: false, tellSubjects: false }),
    );
    assert.deepEqual(
      e.problems.map((p) => p.field),
      ['reasoning'],
    );
    const decided = await s.governance.incidents.decide(dpo, i.id, {
      notifyIco: false,
      reasoning: 'Recalled unread within minutes; internal recipient with the same duties',
      tellSubjects: false,
    });
    assert.equal(decided.clock.status, 'not-notifiable');
    assert.equal(decided.riskToPeople, 'unlikely');
    const [entry] = await s.audit.list({ orgId: org.orgId, action: 'incident.decided', limit: 1 });
    assert.match((entry?.details as { reasoning: string }).reasoning, /Recalled unread/);
    await s.governance.incidents.updateResponse(dpo, i.id, { containment: 'Email recalled' });
    const closed = await s.governance.incidents.close(dpo, i.id, { lessons: 'Check addresses' });
    assert.equal(closed.status, 'closed');
  });

  test('a notifiable breach reported after 72 hours needs the reasons for delay; the clock shows late', async () => {
    const dpo = await org.actor('dpo');
    const aware = clock().toISOString();
    const i = await s.governance.incidents.report(await org.actor('handler'), {
      summary: 'Spreadsheet published',
      awareAt: aware,
    });
    await s.governance.incidents.triage(dpo, i.id, { ...triage, severity: 'severe' });
    const e = await refusal(
      s.governance.incidents.decide(dpo, i.id, { notifyIco: true, tellSubjects: false }),
    );
    assert.deepEqual(
      e.problems.map((p) => p.field),
      ['tellSubjectsReasoning'],
    );
    const d = await s.governance.incidents.decide(dpo, i.id, {
      notifyIco: true,
      tellSubjects: true,
    });
    assert.equal(d.riskToPeople, 'high');
    assert.equal(d.clock.status, 'running');
    clock.advance(80 * HOUR); // past the weekend and the deadline
    try {
      assert.equal((await s.governance.incidents.get(dpo, i.id)).clock.status, 'overdue');
      const late = await refusal(
        s.governance.incidents.recordNotification(dpo, i.id, {
          notifiedAt: clock().toISOString(),
          reference: 'ICO-77',
        }),
      );
      assert.deepEqual(
        late.problems.map((p) => p.field),
        ['lateReason'],
      );
      const notified = await s.governance.incidents.recordNotification(dpo, i.id, {
        notifiedAt: clock().toISOString(),
        reference: 'ICO-77',
        lateReason: 'The spreadsheet was found only on Monday',
      });
      assert.equal(notified.clock.status, 'notified-late');
      assert.match(notified.clock.label, /3 days 8 hours after awareness/);
      const report = await s.governance.icoReports.report(dpo, i.id);
      const fields = Object.fromEntries(
        report.sections.flatMap((x) => x.fields.map((f) => [f.question, f.answer])),
      );
      assert.equal(fields['Organisation name'], 'Incident Fire');
      assert.equal(fields['Data protection officer'], 'Dpo of Incident Fire');
      assert.equal(fields['How many data subjects could be affected?'], '40');
      assert.equal(fields['Does it include special category or criminal offence data?'], 'Yes');
      assert.match(
        fields['If you are reporting more than 72 hours after becoming aware, why?']!,
        /found only on Monday/,
      );
      assert.match(
        fields['Is this an initial or a follow-up report?']!,
        /Follow-up report \(ICO case ICO-77\)/,
      );
      assert.equal(
        (await refusal(s.governance.icoReports.report(await org.actor('handler'), i.id))).code,
        'FORBIDDEN',
      );
    } finally {
      clock.set(new Date('2025-06-06T15:00:00.000Z'));
    }
  });
});
