// The risk register and the vendor register as named scenarios: scores on their scales, review
// dates, links checked by kind (and kinds registered later), treatment and appetite, the heat
// map, and vendor due diligence with lapses flagged.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { setupOrg } from '../../helpers/people.ts';
import type { OrgFixture } from '../../helpers/people.ts';
import { testClock } from '../../helpers/clock.ts';
import { AccordError } from '../../../src/errors.ts';
import { heatMap } from '../../../src/domain/governance/risk.view.ts';
import type { Services } from '../../../src/services.ts';
import { day, processor, risk } from './fixtures.ts';

async function refusal(p: Promise<unknown>): Promise<AccordError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AccordError) return e;
    throw e;
  }
  assert.fail('expected a refusal');
}

forEachDialect('risk and vendor registers', (dialect) => {
  const clock = testClock();
  let t: TestServices;
  let s: Services;
  let org: OrgFixture;
  before(async () => {
    t = await createTestServices(dialect, {}, clock);
    s = t.services;
    org = await setupOrg(s, 'Register Party', { tokens: false });
    // An information-asset register arriving later registers its link kind in one call.
    s.governance.links.register({
      kind: 'asset',
      label: 'information asset',
      title: async (_ex, _org, id) => (id === 'asset-1' ? 'Membership register' : undefined),
      href: (id) => `/assets/${id}`,
    });
  });
  after(async () => t.close());

  test('scores outside the scales and a review date in the past are refused, all listed, nothing saved', async () => {
    const siro = await org.actor('siro');
    const e = await refusal(
      s.governance.risks.create(
        siro,
        risk(s, org.people.iao.personId, {
          inherentLikelihood: 6,
          inherentImpact: 0,
          residualLikelihood: 2.5,
          residualImpact: 3,
          category: 'weather',
          reviewOn: day(s, -1),
          treatment: 'tolerate',
        }),
      ),
    );
    assert.equal(e.code, 'VALIDATION_FAILED');
    assert.deepEqual(
      e.problems.map((p) => p.field),
      [
        'category',
        'inherentLikelihood',
        'inherentImpact',
        'residualLikelihood',
        'treatmentNotes',
        'reviewOn',
      ],
    );
    assert.match(e.problems[1]!.message, /from 1 to 5/);
    assert.equal((await s.governance.risks.list(siro)).length, 0);
  });

  test('links are checked by kind: vendors and DPIAs now, assets once their register is installed', async () => {
    const siro = await org.actor('siro');
    const v = await s.governance.vendors.create(siro, processor(s));
    const d = await s.governance.dpias.create(siro, { title: 'Member app', description: 'App' });
    const bad = await refusal(
      s.governance.risks.create(
        siro,
        risk(s, org.people.iao.personId, {
          links: [
            { kind: 'vendor', id: 'no-such-vendor' },
            { kind: 'application', id: 'app-1' },
            { kind: 'asset', id: 'asset-2' },
          ],
        }),
      ),
    );
    assert.deepEqual(
      bad.problems.map((p) => p.message),
      [
        'There is no vendor “no-such-vendor” in your organisation',
        'Accord cannot link to application records yet: that register is not installed',
        'There is no information asset “asset-2” in your organisation',
      ],
    );
    const r = await s.governance.risks.create(
      siro,
      risk(s, org.people.iao.personId, {
        links: [
          { kind: 'vendor', id: v.id },
          { kind: 'dpia', id: d.id },
          { kind: 'asset', id: 'asset-1' },
        ],
      }),
    );
    assert.deepEqual(
      r.links.map((l) => [l.kind, l.title, l.href]),
      [
        ['vendor', 'Hosting Ltd', `/governance/vendors/${v.id}`],
        ['dpia', `${d.ref} Member app`, `/governance/dpias/${d.id}`],
        ['asset', 'Membership register', '/assets/asset-1'],
      ],
    );
    // The vendor's and the DPIA's pages list the risks that link to them.
    assert.deepEqual(
      (await s.governance.risks.linkingTo(siro, 'vendor', v.id)).map((x) => x.ref),
      [r.ref],
    );
    assert.deepEqual(
      (await s.governance.risks.linkingTo(siro, 'dpia', d.id)).map((x) => x.title),
      [r.title],
    );
  });

  test('a high risk without treatment is flagged until treated with actions; appetite is per category', async () => {
    const siro = await org.actor('siro');
    const r = await s.governance.risks.create(
      siro,
      risk(s, org.people.dpo.personId, { title: 'Untreated' }),
    );
    assert.equal(r.current.score, 20);
    assert.equal(r.current.rating, 'very high');
    assert.equal(r.untreated, true);
    const treat = await s.governance.risks.update(siro, r.id, {
      ...risk(s, org.people.dpo.personId, { title: 'Untreated' }),
      treatment: 'treat',
    });
    assert.equal(treat.untreated, true, 'treat with no actions is not yet a treatment');
    const withAction = await s.governance.risks.addAction(siro, r.id, {
      description: 'Test the recovery plan',
      ownerId: org.people.administrator.personId,
      dueOn: day(s, 30),
    });
    assert.equal(withAction.untreated, false);
    const reviewed = await s.governance.risks.review(siro, r.id, {
      nextReviewOn: day(s, 90),
      residualLikelihood: 2,
      residualImpact: 4,
    });
    assert.equal(reviewed.current.score, 8);
    assert.equal(reviewed.lastReviewedOn, day(s));
    await s.governance.risks.setAppetite(siro, [{ category: 'cyber', maxScore: 6 }]);
    assert.equal((await s.governance.risks.get(siro, r.id)).aboveAppetite, true);
    const e = await refusal(
      s.governance.risks.setAppetite(siro, [{ category: 'cyber', maxScore: 26 }]),
    );
    assert.match(e.problems[0]!.message, /from 1 to 25/);
    assert.equal(
      (await refusal(s.governance.risks.setAppetite(await org.actor('dpo'), []))).code,
      'FORBIDDEN',
    );
    const closed = await s.governance.risks.close(siro, r.id, 'Host replaced');
    assert.equal(closed.status, 'closed');
  });

  test('the heat map counts open risks by current likelihood and impact', async () => {
    const risks = await s.governance.risks.list(await org.actor('auditor'));
    const grid = heatMap(risks);
    assert.equal(grid.length, 5);
    assert.equal(grid[0]![0]!.likelihood, 5);
    const total = grid.flat().reduce((n, c) => n + c.refs.length, 0);
    assert.equal(total, risks.filter((r) => r.status === 'open').length);
    const cell = grid[5 - 4]![5 - 1]!; // likelihood 4, impact 5
    assert.ok(cell.refs.length >= 1);
    assert.equal(cell.rating, 'very high');
  });

  test('a vendor marked as processor without a contract is refused with every problem listed', async () => {
    const dpo = await org.actor('dpo');
    const before = (await s.governance.vendors.list(dpo)).length;
    const e = await refusal(
      s.governance.vendors.create(
        dpo,
        processor(s, {
          contractRef: '',
          art28Terms: false,
          internationalTransfers: true,
          transferMechanism: null,
          certifications: [{ scheme: 'ISO 27001', reference: '', expiresOn: '2025-02-30' }],
          nextReviewOn: day(s, -10),
        }),
      ),
    );
    assert.deepEqual(
      e.problems.map((p) => p.field),
      [
        'contractRef',
        'art28Terms',
        'certifications[0].expiresOn',
        'transferMechanism',
        'nextReviewOn',
      ],
    );
    assert.equal((await s.governance.vendors.list(dpo)).length, before);
  });

  test('lapsed certificates, overdue reviews and untested recovery plans are flagged as time passes', async () => {
    const dpo = await org.actor('dpo');
    const v = await s.governance.vendors.create(
      dpo,
      processor(s, {
        name: 'Mail House',
        certifications: [
          { scheme: 'Cyber Essentials Plus', reference: 'CE+', expiresOn: day(s, 20) },
        ],
      }),
    );
    assert.equal(v.lapsed, false);
    assert.deepEqual(
      v.flags.map((f) => f.kind),
      ['certificate-expiring'],
    );
    clock.advance(200 * 86_400_000);
    try {
      const later = await s.governance.vendors.get(dpo, v.id);
      assert.equal(later.lapsed, true);
      assert.deepEqual(
        later.flags.map((f) => f.kind),
        ['certificate-expired', 'review-overdue'],
      );
      clock.advance(400 * 86_400_000);
      const much = await s.governance.vendors.get(dpo, v.id);
      assert.ok(much.flags.some((f) => f.kind === 'recovery-untested'));
      const reviewed = await s.governance.vendors.review(dpo, v.id, { nextReviewOn: day(s, 365) });
      assert.ok(!reviewed.flags.some((f) => f.kind === 'review-overdue'));
    } finally {
      clock.set(new Date());
    }
  });
});
