// The rights API: bad input is refused with its code and every problem, saving nothing; a request
// logged, moved and bundled over HTTP lists an access made here; erasure under a hold says why;
// the dashboard counts overdue requests.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../helpers/db.ts';
import { createTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { person, personAsset } from '../helpers/records.ts';

forEachDialect('rights API', (dialect) => {
  let t: TestApp;
  let org: OrgFixture;
  const call = (
    method: 'GET' | 'POST',
    url: string,
    payload?: unknown,
    token = org.people.dpo.token,
  ) =>
    t.app.inject({
      method,
      url,
      payload: payload as never,
      headers: { authorization: `Bearer ${token}` },
    });

  before(async () => {
    t = await createTestApp(dialect);
    org = await setupOrg(t.services, 'Api Rights Council');
  });
  after(async () => t.close());

  test('a bad request is refused with every problem and nothing is logged', async () => {
    const r = await call('POST', '/api/rights/requests', {
      kind: 'access',
      channel: 'carrier pigeon',
      receivedOn: '31/02/2025',
      identifiers: { familyName: 'Jones' },
    });
    assert.equal(r.statusCode, 400);
    const body = r.json<{ error: { code: string; problems: { field: string }[] } }>();
    assert.equal(body.error.code, 'VALIDATION_FAILED');
    assert.deepEqual(body.error.problems.map((p) => p.field).sort(), [
      'channel',
      'identifiers',
      'receivedOn',
    ]);
    assert.deepEqual((await call('GET', '/api/rights/requests?state=all')).json(), []);
    const extra = await call('POST', '/api/rights/requests', {
      kind: 'access',
      channel: 'email',
      identifiers: {},
      colour: 'blue',
    });
    assert.equal(extra.statusCode, 400);
  });

  test('log, verify, bundle over HTTP: the bundle lists the access made here; overdue shows on the dashboard', async () => {
    const s = t.services;
    const asset = await personAsset(s, org);
    const p = person(77);
    const handler = await org.actor('handler');
    const w = await s.records.create(handler, asset.id, p, 'housing');
    await s.records.get(handler, w.recordId, 'rent arrears check');
    const logged = await call('POST', '/api/rights/requests', {
      kind: 'access',
      channel: 'letter',
      receivedOn: '2024-01-31',
      identifiers: { nhsNumber: String(p.nhsNumber) },
    });
    assert.equal(logged.statusCode, 201, logged.body);
    const req = logged.json<{
      id: string;
      clock: { dueOn: string; overdue: boolean };
      subjectsMatched: number;
    }>();
    assert.deepEqual(
      [req.clock.dueOn, req.clock.overdue, req.subjectsMatched],
      ['2024-02-29', true, 1],
    );
    const early = await call('GET', `/api/rights/requests/${req.id}/bundle`);
    assert.equal(early.statusCode, 409, 'identity not yet confirmed');
    await call('POST', `/api/rights/requests/${req.id}/moves`, { move: 'await-identity' });
    const moved = await call('POST', `/api/rights/requests/${req.id}/moves`, {
      move: 'resume',
      identityVerified: true,
    });
    assert.equal(moved.json().status, 'in-progress');
    const bundle = await call('GET', `/api/rights/requests/${req.id}/bundle`);
    assert.equal(bundle.statusCode, 200, bundle.body);
    const b = bundle.json<{
      records: {
        accesses: { purpose: string; byName: string }[];
        payload: Record<string, unknown>;
      }[];
    }>();
    assert.equal(b.records[0]?.payload.nhsNumber, p.nhsNumber);
    assert.ok(
      b.records[0]?.accesses.some(
        (a) => a.purpose === 'rent arrears check' && a.byName === 'Handler of Api Rights Council',
      ),
    );
    const bad = await call('POST', `/api/rights/requests/${req.id}/moves`, { move: 'teleport' });
    assert.equal(bad.json().error.code, 'VALIDATION_FAILED');
    const dash = await call('GET', '/api/dashboard');
    const ind = dash
      .json<{ indicators: { id: string; value: number; summary: string }[] }>()
      .indicators.find((i) => i.id === 'subject-requests-overdue');
    assert.equal(ind?.value, 1);
    assert.match(ind.summary, /1 open request, 1 overdue/);
  });

  test('erasure under a hold answers with the reason for each record kept', async () => {
    const s = t.services;
    const asset = await s.assets.create(await org.actor('iao'), {
      name: 'Consent list',
      ownerPersonId: org.people.iao.personId,
      typeKey: 'person',
      classification: 'OFFICIAL-SENSITIVE',
      lawfulBasis: 'art6-1-a',
    });
    const p = person(78);
    const w = await s.records.create(await org.actor('handler'), asset.id, p, 'mailing');
    const hold = await call('POST', '/api/retention/holds', {
      scope: 'asset',
      targetId: asset.id,
      reason: 'Litigation',
    });
    assert.equal(hold.statusCode, 201, hold.body);
    const r = (
      await call('POST', '/api/rights/requests', {
        kind: 'erasure',
        channel: 'web',
        identifiers: { nhsNumber: String(p.nhsNumber) },
        identityVerified: true,
      })
    ).json<{ id: string }>();
    const out = await call('POST', `/api/rights/requests/${r.id}/erasure`, {});
    assert.equal(out.statusCode, 200, out.body);
    assert.deepEqual(out.json(), [
      {
        recordId: w.recordId,
        assetName: 'Consent list',
        outcome: 'kept',
        reason: 'it is under a legal hold: Litigation',
      },
    ]);
    const due = await call('GET', '/api/retention/due');
    assert.equal(due.statusCode, 200);
  });
});
