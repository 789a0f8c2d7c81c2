// The applications register: fields checked, health-check addresses only on registered hosts,
// CSV import all-or-nothing with line-numbered problems, the live portfolio indicators, service
// levels and the roadmap.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { setupOrg } from '../../helpers/people.ts';
import type { OrgFixture } from '../../helpers/people.ts';
import { nodeActor } from '../../../src/domain/policy/actor.ts';
import type { Actor } from '../../../src/domain/policy/actor.ts';
import { AccordError } from '../../../src/errors.ts';
import { checkUrl, normaliseHost } from '../../../src/domain/portfolio/url-guard.ts';

const code = (c: string, field?: string) => (e: unknown) =>
  e instanceof AccordError && e.code === c && (!field || e.problems.some((p) => p.field === field));

forEachDialect('applications register', (dialect) => {
  let t: TestServices;
  let org: OrgFixture;
  let admin: Actor;
  before(async () => {
    t = await createTestServices(dialect);
    org = await setupOrg(t.services, 'Labour North', { tokens: false });
    admin = await org.actor('administrator');
  });
  after(async () => t.close());
  const apps = () => t.services.portfolio.applications;

  test('an application is added with its owner, lifecycle, budget and hosting; bad fields are all reported', async () => {
    const a = await apps().create(admin, {
      name: 'Membership system',
      businessOwnerId: org.people.siro.personId,
      productManagerId: org.people.iao.personId,
      critical: true,
      lifecycle: 'phase-out',
      activeOn: '2015-01-01',
      phaseOutOn: '2026-01-01',
      endOfLifeOn: '2026-03-31',
      onboarded: true,
      budgetLine: 'IT-OPS-04',
      annualCost: '120,000.50',
      hosting: 'saas',
      vendorName: 'Mail Manager Ltd',
      repositoryUrl: 'https://git.example/membership',
    });
    assert.deepEqual(
      [a.businessOwnerName, a.annualCost, a.pastEndOfLife, a.hosting],
      ['Siro of Labour North', 120000.5, true, 'saas'],
    );
    await assert.rejects(
      apps().create(admin, {
        name: 'Membership system',
        lifecycle: 'retired',
        annualCost: 'lots',
        activeOn: '2026-02-30',
        businessOwnerId: 'nobody',
        repositoryUrl: 'ftp://x',
      }),
      (e: unknown) => {
        const fields = (e as AccordError).problems.map((p) => p.field).sort();
        assert.deepEqual(fields, [
          'activeOn',
          'annualCost',
          'businessOwnerId',
          'lifecycle',
          'name',
          'repositoryUrl',
        ]);
        return true;
      },
    );
    await assert.rejects(
      apps().create(admin, { name: 'Dates', phaseInOn: '2027-01-01', activeOn: '2026-01-01' }),
      code('VALIDATION_FAILED', 'endOfLifeOn'),
    );
    await assert.rejects(
      apps().create(admin, { name: 'Vendor', vendorId: 'v-1' }),
      code('VALIDATION_FAILED', 'vendorId'),
    );
    await assert.rejects(
      apps().create(await org.actor('member'), { name: 'Nope' }),
      code('FORBIDDEN'),
    );
  });

  test('health-check addresses must be http(s) on a registered host; nothing is saved otherwise', async () => {
    await assert.rejects(
      apps().create(admin, { name: 'Doorstep', healthCheckUrl: 'https://doorstep.example/health' }),
      code('HEALTH_URL_REFUSED', 'healthCheckUrl'),
    );
    await t.services.portfolio.availability.addHost(admin, 'Doorstep.Example');
    await assert.rejects(
      t.services.portfolio.availability.addHost(admin, 'doorstep.example'),
      code('CONFLICT'),
    );
    await assert.rejects(
      t.services.portfolio.availability.addHost(admin, 'https://x/y'),
      code('VALIDATION_FAILED', 'host'),
    );
    for (const url of [
      'file:///etc/passwd',
      'gopher://doorstep.example/',
      'http://169.254.169.254/latest/meta-data',
      'https://user:pw@doorstep.example/',
      'not a url',
    ])
      await assert.rejects(
        apps().create(admin, { name: 'Doorstep', healthCheckUrl: url }),
        code('HEALTH_URL_REFUSED', 'healthCheckUrl'),
        url,
      );
    assert.equal(
      (await apps().list(admin)).some((a) => a.name === 'Doorstep'),
      false,
    );
    const a = await apps().create(admin, {
      name: 'Doorstep',
      healthCheckUrl: 'https://doorstep.example/health',
    });
    assert.equal(a.healthCheckUrl, 'https://doorstep.example/health');
    // A host registered with a port allows that port only.
    assert.equal(normaliseHost('10.0.0.5:8080'), '10.0.0.5:8080');
    assert.equal(checkUrl('http://10.0.0.5:8080/h', ['10.0.0.5:8080']).ok, true);
    assert.equal(checkUrl('http://10.0.0.5:9090/h', ['10.0.0.5:8080']).ok, false);
    assert.equal(checkUrl('https://doorstep.example:8443/', ['doorstep.example']).ok, true);
  });

  test('CSV import: unknown columns and bad rows refuse the whole file with their lines; good files add and update', async () => {
    const before = (await apps().list(admin)).length;
    await assert.rejects(
      t.services.portfolio.importApplications(admin, 'name,colour\nA,red\n'),
      (e: unknown) => {
        const err = e as AccordError;
        assert.equal(err.code, 'VALIDATION_FAILED');
        assert.deepEqual(err.problems[0], {
          line: 1,
          field: 'colour',
          message: err.problems[0]!.message,
        });
        assert.match(err.problems[0].message, /Unknown column “colour”/);
        return true;
      },
    );
    const bad = [
      'name,business_owner,critical,lifecycle,annual_cost,health_check_url',
      'Canvassing app,siro@labour-north.example,yes,active,5000,',
      'Contact creator,nobody@nowhere.example,maybe,active,5000,',
      'Phone bank,,no,sunset,lots,https://unregistered.example/health',
    ].join('\n');
    await assert.rejects(t.services.portfolio.importApplications(admin, bad), (e: unknown) => {
      const err = e as AccordError;
      assert.equal(err.code, 'HEALTH_URL_REFUSED');
      const lines = err.problems.map((p) => `${p.line}:${p.field}`).sort();
      assert.deepEqual(lines, [
        '3:business_owner',
        '3:critical',
        '4:annualCost',
        '4:healthCheckUrl',
        '4:lifecycle',
      ]);
      return true;
    });
    assert.equal((await apps().list(admin)).length, before, 'nothing was half-imported');
    const good = [
      'name,business_owner,critical,lifecycle,onboarded,budget_line,annual_cost,hosting,end_of_life_on',
      'Canvassing app,siro@labour-north.example,yes,active,yes,CAMP-1,5000,saas,',
      'Membership system,,yes,end-of-life,no,IT-OPS-04,120000.50,saas,2026-03-31',
    ].join('\n');
    assert.deepEqual(await t.services.portfolio.importApplications(admin, good), {
      created: 1,
      updated: 1,
    });
    const m = (await apps().list(admin)).find((a) => a.name === 'Membership system')!;
    assert.deepEqual([m.businessOwnerId, m.lifecycle, m.onboarded], [null, 'end-of-life', false]);
  });

  test('indicators are computed from the register as it is now', async () => {
    await t.services.portfolio.settings.update(admin, { itBudget: '500000' });
    const i = await apps().indicators(admin);
    // Membership (critical, no owner, end of life), Canvassing (critical, onboarded), Doorstep.
    assert.equal(i.applications, 3);
    assert.equal(i.critical, 2);
    assert.equal(i.onboardedShare, 1 / 3);
    assert.equal(i.attributedCost, 125000.5);
    assert.equal(i.budgetShare, 125000.5 / 500000);
    assert.deepEqual(
      i.criticalPastEndOfLife.map((a) => a.name),
      ['Membership system'],
    );
    assert.deepEqual(
      i.criticalWithoutOwner.map((a) => a.name),
      ['Membership system'],
    );
    // Disabling the owner leaves the application without one.
    const canvassing = (await apps().list(admin)).find((a) => a.name === 'Canvassing app')!;
    await t.services.people.setStatus(
      nodeActor(org.orgId),
      canvassing.businessOwnerId!,
      'disabled',
      'left',
    );
    assert.equal((await apps().indicators(admin)).criticalWithoutOwner.length, 2);
  });

  test('service levels are checked and changed by administrators only', async () => {
    await assert.rejects(
      t.services.portfolio.settings.update(admin, {
        vulnerabilityDays: { critical: 0 },
        ticketLevels: { P1: { respondHours: 10, fixHours: 4 } },
      }),
      (e: unknown) => {
        assert.deepEqual((e as AccordError).problems.map((p) => p.field).sort(), [
          'ticketLevels.P1.respondHours',
          'vulnerabilityDays.critical',
        ]);
        return true;
      },
    );
    const s = await t.services.portfolio.settings.update(admin, {
      vulnerabilityDays: { critical: 7 },
    });
    assert.equal(s.vulnerabilityDays.critical, 7);
    assert.equal(s.ticketLevels.P1.fixHours, 4);
    await assert.rejects(
      t.services.portfolio.settings.update(await org.actor('dpo'), { itBudget: 1 }),
      code('FORBIDDEN'),
    );
  });

  test('the roadmap places items now, next, later or in a quarter, linked to tickets', async () => {
    const app = (await apps().list(admin))[0]!;
    const ticket = await t.services.portfolio.tickets.raise(await org.actor('member'), {
      appId: app.id,
      kind: 'request',
      title: 'Export',
      description: 'Export members',
    });
    const r = t.services.portfolio.roadmap;
    const item = await r.create(admin, {
      appId: app.id,
      title: 'Member export',
      horizon: '2026-Q3',
      ticketIds: [ticket.reference],
    });
    assert.deepEqual(item.ticketIds, [ticket.reference]);
    await r.create(admin, { appId: app.id, title: 'Replace mail manager', horizon: 'now' });
    assert.deepEqual(
      (await r.list(admin, app.id)).map((x) => x.horizon),
      ['now', '2026-Q3'],
    );
    await assert.rejects(
      r.create(admin, { appId: app.id, title: 'X', horizon: 'soon', ticketIds: ['T-999'] }),
      (e: unknown) => {
        assert.deepEqual((e as AccordError).problems.map((p) => p.field).sort(), [
          'horizon',
          'ticketIds',
        ]);
        return true;
      },
    );
    await assert.rejects(
      r.create(admin, { appId: app.id, title: 'X', riskIds: ['r1'] }),
      code('VALIDATION_FAILED', 'riskIds'),
    );
    const changed = await r.update(admin, item.id, { status: 'in-progress', horizon: 'now' });
    assert.deepEqual([changed.status, changed.horizon], ['in-progress', 'now']);
  });
});
