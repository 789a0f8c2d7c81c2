// The governance API end to end: bad input refused with every problem listed and nothing saved,
// the ROPA as CSV, the ICO report export, the public charter without a token, and the OpenAPI
// description. (Who may call what is in the authorisation matrix.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../helpers/db.ts';
import { createTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture, Who } from '../helpers/people.ts';

const inDays = (d: number): string =>
  new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);

forEachDialect('governance API', (dialect) => {
  let t: TestApp;
  let org: OrgFixture;
  before(async () => {
    t = await createTestApp(dialect);
    org = await setupOrg(t.services, 'Api Council');
  });
  after(async () => t.close());

  const call = (who: Who | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    t.app.inject({
      method,
      url,
      payload: payload as never,
      headers: who ? { authorization: `Bearer ${org.people[who].token}` } : {},
    });

  test('scores outside the scales and a past review date: 400 with every problem, nothing saved', async () => {
    const r = await call('siro', 'POST', '/api/risks', {
      title: 'Out of scale',
      description: 'x',
      category: 'cyber',
      ownerId: org.people.siro.personId,
      inherentLikelihood: 7,
      inherentImpact: 0,
      reviewOn: inDays(-3),
    });
    assert.equal(r.statusCode, 400);
    const body = r.json();
    assert.equal(body.error.code, 'VALIDATION_FAILED');
    assert.deepEqual(
      body.error.problems.map((p: { field: string }) => p.field),
      ['inherentLikelihood', 'inherentImpact', 'reviewOn'],
    );
    assert.deepEqual((await call('siro', 'GET', '/api/risks')).json(), []);
    // A wrong type is refused by the schema before the service sees it.
    const typed = await call('siro', 'POST', '/api/risks', { title: 5 });
    assert.equal(typed.statusCode, 400);
    assert.ok(typed.json().error.problems.length >= 1);
  });

  test('a vendor marked as processor without a contract: 400 listing the problems', async () => {
    const r = await call('dpo', 'POST', '/api/vendors', {
      name: 'No Contract Ltd',
      services: 'Payroll',
      isProcessor: true,
      nextReviewOn: inDays(30),
    });
    assert.equal(r.statusCode, 400);
    assert.deepEqual(
      r.json().error.problems.map((p: { field: string }) => p.field),
      ['contractRef', 'art28Terms', 'dataLocations', 'purposes', 'dataCategories'],
    );
    assert.deepEqual((await call('dpo', 'GET', '/api/vendors')).json(), []);
  });

  test('a breach cannot be closed without a notification decision; the ICO report holds the form’s fields', async () => {
    const reported = await call('member', 'POST', '/api/incidents', {
      summary: 'Case file left on a train',
      howDiscovered: 'A passenger handed it in',
    });
    assert.equal(reported.statusCode, 201);
    const id = reported.json().id as string;
    assert.equal(reported.json().clock.status, 'running');
    // The reporter can see it; the DPO triages it.
    assert.equal((await call('member', 'GET', `/api/incidents/${id}`)).statusCode, 200);
    const triaged = await call('dpo', 'POST', `/api/incidents/${id}/triage`, {
      personalData: true,
      breachTypes: ['confidentiality'],
      dataCategories: ['Health data'],
      subjectCategories: ['Vulnerable adults'],
      subjectsAffected: 3,
      likelihood: 'possible',
      severity: 'significant',
    });
    assert.equal(triaged.statusCode, 200);
    const close = await call('dpo', 'POST', `/api/incidents/${id}/close`, {
      lessons: 'Lockable bags',
    });
    assert.equal(close.statusCode, 400);
    assert.deepEqual(
      close.json().error.problems.map((p: { field: string }) => p.field),
      ['notifyIco', 'tellSubjects', 'containment'],
    );
    assert.equal((await call('dpo', 'GET', `/api/incidents/${id}`)).json().status, 'triaged');
    const report = await call('dpo', 'GET', `/api/incidents/${id}/ico-report`);
    assert.equal(report.statusCode, 200);
    const questions = report
      .json()
      .sections.flatMap((s: { fields: { question: string }[] }) => s.fields.map((f) => f.question));
    for (const q of [
      'What has happened?',
      'How did you find out about the breach?',
      'When did you discover the breach?',
      'Categories of personal data included',
      'How many data subjects could be affected?',
      'Have you told the data subjects about the breach?',
    ])
      assert.ok(questions.includes(q), `the ICO report lacks “${q}”`);
  });

  test('the ROPA exports as CSV; the charter is public; the OpenAPI document lists the routes', async () => {
    const v = await call('dpo', 'POST', '/api/vendors', {
      name: 'Payroll Bureau',
      services: '=Payroll',
      isProcessor: true,
      contractRef: 'PB-1',
      art28Terms: true,
      dataLocations: ['United Kingdom'],
      purposes: 'Paying staff',
      dataCategories: ['Bank details'],
      subjectCategories: ['Employees'],
      nextReviewOn: inDays(200),
    });
    assert.equal(v.statusCode, 201);
    const csv = await call('auditor', 'GET', '/api/ropa.csv');
    assert.equal(csv.statusCode, 200);
    assert.match(csv.headers['content-type'] as string, /^text\/csv/);
    assert.match(csv.body, /^Source,Processing activity,/);
    // A cell starting with = is never read as a formula.
    assert.match(csv.body, /,'=Payroll \(Payroll Bureau\),/);
    const pub = await t.app.inject({ method: 'GET', url: `/api/public/charter/${org.orgId}` });
    assert.equal(pub.statusCode, 200);
    assert.deepEqual(pub.json().sharesWith, [
      { name: 'Payroll Bureau (processor)', why: 'Paying staff' },
    ]);
    const none = await t.app.inject({ method: 'GET', url: '/api/public/charter/nope' });
    assert.equal(none.statusCode, 404);
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const p of [
      '/api/dpias',
      '/api/risks/heat-map',
      '/api/incidents/{incidentId}/ico-report',
      '/api/ropa.csv',
    ])
      assert.ok(spec.paths[p], `OpenAPI lacks ${p}`);
  });
});
