// The agreements API end to end: a draft with every problem listed and nothing proposed, the
// terms fixed, proposal, approval by each party's DPO and SIRO (never the proposer), the decision
// point asked over HTTP, and "why?" for the refusal it logged. (Who may call what is in the
// authorisation matrix.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../helpers/db.ts';
import { createTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture, Who } from '../helpers/people.ts';
import { personTerms } from '../helpers/agreements.ts';

forEachDialect('agreements API', (dialect) => {
  let t: TestApp;
  let council: OrgFixture;
  let police: OrgFixture;
  before(async () => {
    t = await createTestApp(dialect);
    council = await setupOrg(t.services, 'Api Borough');
    police = await setupOrg(t.services, 'Api Police');
  });
  after(async () => t.close());

  const call = (
    org: OrgFixture,
    who: Who,
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    payload?: unknown,
  ) =>
    t.app.inject({
      method,
      url,
      payload: payload as never,
      headers: { authorization: `Bearer ${org.people[who].token}` },
    });

  test('draft, problems, propose, approve by every party, decide and explain', async () => {
    const created = await call(council, 'iao', 'POST', '/api/agreements', { title: 'Api DSA' });
    assert.equal(created.statusCode, 201);
    const a = created.json();
    const versionId: string = a.latest.versionId;
    assert.match(a.reference, /^DSA-\d+$/);

    // Bad terms: saved as a draft, but proposal is refused with every problem, nothing proposed.
    const bad = personTerms(t.services, council, police, {
      retentionAtRecipient: '',
      startDate: '2030-01-02',
      endDate: '2030-01-01',
      flows: [
        {
          from: council.orgId,
          to: police.orgId,
          recordType: 'person',
          fields: ['givenName', 'shoeSize'],
        },
      ],
    });
    const saved = await call(
      council,
      'iao',
      'PUT',
      `/api/agreement-versions/${versionId}/terms`,
      bad,
    );
    assert.equal(saved.statusCode, 200, saved.body);
    const problems = await call(
      council,
      'iao',
      'GET',
      `/api/agreement-versions/${versionId}/problems`,
    );
    const listed = problems
      .json()
      .map((p: { message: string }) => p.message)
      .join(' | ');
    assert.match(listed, /“shoeSize” is not a field of person/);
    assert.match(listed, /Say how long the recipient may keep/);
    assert.match(listed, /The end date must be after the start date/);
    const refused = await call(
      council,
      'iao',
      'POST',
      `/api/agreement-versions/${versionId}/propose`,
    );
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.json().error.code, 'VALIDATION_FAILED');
    assert.ok(refused.json().error.problems.length >= 3);
    const still = await call(council, 'iao', 'GET', `/api/agreements/${a.reference}`);
    assert.equal(still.json().latest.status, 'draft');

    // A wrong type is refused by the schema before the service sees it.
    const wrong = await call(council, 'iao', 'PUT', `/api/agreement-versions/${versionId}/terms`, {
      ...bad,
      operations: ['teleport'],
    });
    assert.equal(wrong.statusCode, 400);

    const good = personTerms(t.services, council, police, { title: 'Api DSA' });
    await call(council, 'iao', 'PUT', `/api/agreement-versions/${versionId}/terms`, good);
    const proposed = await call(
      council,
      'iao',
      'POST',
      `/api/agreement-versions/${versionId}/propose`,
    );
    assert.equal(proposed.statusCode, 200, proposed.body);
    assert.equal(proposed.json().latest.status, 'proposed');

    for (const [org, who] of [
      [council, 'dpo'],
      [council, 'siro'],
      [police, 'dpo'],
      [police, 'siro'],
    ] as const) {
      const r = await call(org, who, 'POST', `/api/agreement-versions/${versionId}/decision`, {
        decision: 'approve',
      });
      assert.equal(r.statusCode, 200, r.body);
    }
    const now = await call(police, 'dpo', 'GET', `/api/agreements/${a.id}`);
    assert.equal(now.json().inForce.status, 'active');

    // The decision point over HTTP: the agreed purpose is allowed with the agreed fields …
    const ask = (purpose: string) =>
      call(police, 'handler', 'POST', '/api/sharing/decide', {
        operation: 'lookup',
        providerOrgId: council.orgId,
        recordType: 'person',
        purpose,
      });
    const yes = (await ask('safeguarding')).json();
    assert.equal(yes.allow, true);
    assert.deepEqual([...yes.fields].sort(), [
      'dateOfBirth',
      'familyName',
      'givenName',
      'postcode',
    ]);
    // … and any other is refused with a reason a person can read, logged, and explained.
    const no = (await ask('fraud-prevention')).json();
    assert.equal(no.allow, false);
    assert.match(no.reason, /allows purpose/);
    const [entry] = await t.services.audit.list({ orgId: police.orgId, action: 'share.lookup' });
    assert.equal(entry!.outcome, 'deny');
    const why = await call(police, 'dpo', 'GET', `/api/decisions/${entry!.seq}/why`);
    assert.equal(why.statusCode, 200, why.body);
    assert.equal(why.json().allowed, false);
    assert.match(why.json().nextStep, /purposes/);
    assert.equal(why.json().agreement.reference, a.reference);
  });
});
