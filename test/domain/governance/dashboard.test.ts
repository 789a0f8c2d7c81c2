// The compliance dashboard, the records of processing and the charter, computed from live data:
// indicators change when the facts do (training lapsing, a role revoked), every computation is a
// day's snapshot for the trend, and other modules plug in sources and indicators with one call.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { setupOrg } from '../../helpers/people.ts';
import type { OrgFixture } from '../../helpers/people.ts';
import { testClock } from '../../helpers/clock.ts';
import { AccordError } from '../../../src/errors.ts';
import { ICO_ITEMS, LGA_ITEMS } from '../../../src/domain/governance/dashboard.service.ts';
import type { Dashboard } from '../../../src/domain/governance/dashboard.service.ts';
import type { Services } from '../../../src/services.ts';
import { day, dpiaAwaitingSignOff, processor } from './fixtures.ts';
import { approved, personTerms } from '../../helpers/agreements.ts';
import { personAsset } from '../../helpers/records.ts';

const DAY = 86_400_000;
const value = (d: Dashboard, id: string) => d.indicators.find((i) => i.id === id)!;

forEachDialect('compliance dashboard, ROPA and charter', (dialect) => {
  const clock = testClock();
  let t: TestServices;
  let s: Services;
  let org: OrgFixture;
  before(async () => {
    t = await createTestServices(dialect, {}, clock);
    s = t.services;
    org = await setupOrg(s, 'Dashboard Council', { tokens: false });
  });
  after(async () => t.close());

  test('the training figure falls when training lapses, and each day keeps a snapshot for the trend', async () => {
    const auditor = await org.actor('auditor');
    const first = await s.governance.dashboard.compute(auditor);
    const training = value(first, 'training-current');
    assert.equal(training.value, 1);
    assert.equal(training.status, 'good');
    assert.equal(training.display, '100%');
    assert.deepEqual(training.checklist, [LGA_ITEMS.training, ICO_ITEMS.training]);
    assert.equal(value(first, 'siro-dpo-appointed').status, 'good');
    clock.advance(366 * DAY); // a year and a day: every 365-day course has lapsed
    const later = await s.governance.dashboard.compute(auditor);
    const lapsed = value(later, 'training-current');
    assert.equal(lapsed.value, 0);
    assert.equal(lapsed.status, 'bad');
    assert.match(lapsed.summary, /^0 of 8 people/);
    assert.deepEqual(lapsed.records, [{ text: '8 people not current', href: '/training' }]);
    const { trends } = await s.governance.dashboard.trends(auditor, 400);
    const points = trends.find((x) => x.id === 'training-current')!.points;
    assert.deepEqual(
      points.map((p) => p.value),
      [1, 0],
    );
    assert.equal(points[1]!.day, day(s));
  });

  test('revoking the DPO shows at once: the SIRO and DPO indicator names the gap', async () => {
    const admin = await org.actor('administrator');
    const [grant] = await s.roles.register(admin, { role: 'dpo', status: 'current' });
    await s.roles.revoke(admin, grant!.id, 'Left the council');
    const d = await s.governance.dashboard.compute(await org.actor('siro'));
    const i = value(d, 'siro-dpo-appointed');
    assert.equal(i.value, 0.5);
    assert.equal(i.status, 'bad');
    assert.match(i.summary, /No one holds the DPO role now/);
    assert.deepEqual(i.records, [
      { text: 'SIRO: Siro of Dashboard Council', href: '/roles?role=siro' },
    ]);
    await s.roles.grant(admin, { personId: org.people.dpo.personId, role: 'dpo', reason: 'Back' });
  });

  test('registers feed their indicators: DPIAs past review, untreated high risks, lapsed vendors', async () => {
    const siro = await org.actor('siro');
    const iao = await org.actor('iao');
    const dpo = await org.actor('dpo');
    const d = await dpiaAwaitingSignOff(s, iao, dpo);
    await s.governance.dpias.signOff(siro, d.id, { decision: 'approved', reviewOn: day(s, 10) });
    await s.governance.vendors.create(dpo, processor(s, { nextReviewOn: day(s, 5) }));
    await s.governance.risks.create(siro, {
      title: 'No recovery plan',
      description: 'x',
      category: 'continuity',
      ownerId: org.people.siro.personId,
      inherentLikelihood: 3,
      inherentImpact: 4,
      reviewOn: day(s, 30),
    });
    const now = await s.governance.dashboard.compute(siro);
    assert.equal(value(now, 'dpias-past-review').value, 0);
    assert.equal(value(now, 'vendors-lapsed').value, 0);
    assert.equal(value(now, 'high-risks-untreated').value, 1);
    assert.equal(
      value(now, 'high-risks-untreated').records[0]!.href.startsWith('/governance/risks/'),
      true,
    );
    clock.advance(11 * DAY);
    const later = await s.governance.dashboard.compute(siro);
    assert.equal(value(later, 'dpias-past-review').value, 1);
    assert.deepEqual(
      value(later, 'dpias-past-review').records[0]!.href,
      `/governance/dpias/${d.id}`,
    );
    assert.equal(value(later, 'vendors-lapsed').value, 1);
    assert.match(value(later, 'vendors-lapsed').records[0]!.text, /Review was due/);
  });

  test('breaches reported within 72 hours counts those that needed it; a clock still running is not scored', async () => {
    const dpo = await org.actor('dpo');
    const i = await s.governance.incidents.report(await org.actor('member'), {
      summary: 'Wrong recipient',
    });
    await s.governance.incidents.triage(dpo, i.id, {
      personalData: true,
      breachTypes: ['confidentiality'],
      dataCategories: ['Health data'],
      likelihood: 'possible',
      severity: 'significant',
    });
    await s.governance.incidents.decide(dpo, i.id, { notifyIco: true, tellSubjects: false });
    const running = value(await s.governance.dashboard.compute(dpo), 'breaches-in-72h');
    assert.equal(running.value, null);
    assert.equal(running.status, 'attention');
    await s.governance.incidents.recordNotification(dpo, i.id, {
      notifiedAt: clock().toISOString(),
      reference: 'ICO-1',
    });
    const done = value(await s.governance.dashboard.compute(dpo), 'breaches-in-72h');
    assert.equal(done.value, 1);
    assert.equal(done.status, 'good');
  });

  test('another module registers an indicator in one call; the daily sweep snapshots every organisation once', async () => {
    s.governance.dashboard.register({
      id: 'assets-owned',
      title: 'Information assets with an owner and a classification',
      unit: 'share',
      better: 'higher',
      checklist: [LGA_ITEMS.assets, ICO_ITEMS.security],
      href: '/assets',
      compute: async () => ({
        value: 0.5,
        status: 'attention',
        summary: '1 of 2 assets',
        records: [],
      }),
    });
    const d = await s.governance.dashboard.compute(await org.actor('auditor'));
    assert.equal(value(d, 'assets-owned').display, '50%');
    assert.throws(() =>
      s.governance.dashboard.register({ ...s.governance.dashboard.indicators()[0]! }),
    );
    clock.advance(DAY);
    assert.equal(await s.governance.dashboard.snapshotDue(), 1);
    assert.equal(await s.governance.dashboard.snapshotDue(), 0);
  });

  test('the ROPA holds an agreement created in the test, and the processors, as CSV too; an agreement past review shows on the dashboard', async () => {
    const partner = await setupOrg(s, 'Dashboard Police', { tokens: false });
    const dsa = await approved(
      s,
      org,
      partner,
      personTerms(s, org, partner, {
        title: 'Safeguarding referrals to Dashboard Police',
        reviewDate: day(s, -1),
        startDate: day(s, -2),
      }),
    );
    const doc = await s.governance.ropa.document(await org.actor('auditor'));
    assert.equal(doc.controller.name, 'Dashboard Council');
    const agreements = doc.sections.find((x) => x.source === 'agreements')!;
    assert.equal(
      agreements.entries[0]!.name,
      `${dsa.reference}: Safeguarding referrals to Dashboard Police`,
    );
    assert.deepEqual(agreements.entries[0]!.recipients, ['Dashboard Police']);
    assert.deepEqual(agreements.entries[0]!.purposes, ['Safeguarding']);
    assert.deepEqual(agreements.entries[0]!.lawfulBasis, ['Public task — Art. 6(1)(e)']);
    const asset = await personAsset(s, org, 'Residents index');
    const assets = (await s.governance.ropa.document(await org.actor('auditor'))).sections.find(
      (x) => x.source === 'assets',
    )!;
    assert.equal(assets.entries[0]!.name, 'Residents index');
    assert.equal(assets.entries[0]!.href, `/assets/${asset.id}`);
    assert.equal(assets.entries[0]!.retention, '6 years from lastContact, then delete');
    const board = await s.governance.dashboard.compute(await org.actor('auditor'));
    assert.equal(value(board, 'assets-owned-classified').value, 1);
    assert.equal(value(board, 'retention-sweeps-run').status, 'attention');
    const past = value(
      await s.governance.dashboard.compute(await org.actor('auditor')),
      'agreements-past-review',
    );
    assert.equal(past.value, 1);
    assert.equal(past.records[0]!.href, `/agreements/${dsa.id}`);
    const processors = doc.sections.find((x) => x.source === 'processors')!;
    assert.equal(processors.entries[0]!.name, 'Hosts the membership database (Hosting Ltd)');
    assert.deepEqual(processors.entries[0]!.recipients, [
      'Hosting Ltd (processor)',
      'Backup Co (sub-processor: Off-site backups)',
    ]);
    const csv = await s.governance.ropa.csv(await org.actor('auditor'));
    const lines = csv.trimEnd().split('\r\n');
    assert.match(lines[0]!, /^Source,Processing activity,Our role,Purposes/);
    assert.ok(
      lines.some((l) =>
        l.startsWith(`Data-sharing agreements,${dsa.reference}: Safeguarding referrals`),
      ),
    );
  });

  test('the charter is generated from the registers, holds no personal data, and refuses a person’s email', async () => {
    const dpo = await org.actor('dpo');
    const e = await s.governance.charter
      .updateSettings(dpo, {
        icoRegistration: 'Z1234567',
        publicEmail: org.people.dpo.email,
        publicPhone: '',
        publicAddress: '',
        charterIntro: '',
        requestInstructions: '',
      })
      .catch((x: unknown) => x as AccordError);
    assert.ok(e instanceof AccordError);
    assert.match(e.problems[0]!.message, /a person’s own address/);
    await s.governance.charter.updateSettings(dpo, {
      icoRegistration: 'Z1234567',
      publicEmail: 'information.rights@dashboard.example',
      publicPhone: '01234 567890',
      publicAddress: 'County Hall, Northshire',
      charterIntro: 'We hold information to run council services.',
      requestInstructions: 'Write to us or use the form on our website.',
    });
    await s.governance.vendors.create(
      dpo,
      processor(s, {
        name: 'Quiet Shredding Co',
        services: 'Confidential waste',
        onCharter: false,
      }),
    );
    const c = await s.governance.charter.publicCharter(org.orgId);
    assert.ok(c);
    // A vendor kept off the charter is described, not named.
    assert.ok(!JSON.stringify(c).includes('Quiet Shredding'));
    assert.ok(c.keeps.some((k) => k.what === 'Confidential waste'));
    assert.ok(c.sharesWith.some((x) => x.name === 'A processor working for us under contract'));
    // The agreement made in the ROPA test, as the public reads it.
    assert.ok(c.holds.includes('date of birth'));
    assert.ok(c.sharesWith.some((x) => x.name === 'Dashboard Police'));
    assert.ok(c.keeps.some((k) => k.howLong === '2 years at the recipient'));
    const text = JSON.stringify(c);
    for (const who of Object.values(org.people)) {
      assert.ok(!text.includes(who.email), `charter mentions ${who.email}`);
    }
    for (const p of await s.people.list(await org.actor('administrator')))
      assert.ok(!text.includes(p.name), `charter names ${p.name}`);
    assert.equal(await s.governance.charter.publicCharter('no-such-org'), undefined);
  });
});
