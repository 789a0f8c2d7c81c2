// The reconciliation API end to end: start a run with an uploaded payments CSV, filter and export
// the variance list, override (refused without a justification), second approval, accuracy flags.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../helpers/db.ts';
import { createTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture, Who } from '../helpers/people.ts';
import { generate } from '../helpers/reconcile-data.ts';
import { importMembers, memberAsset } from '../helpers/reconcile.ts';

forEachDialect('reconciliation API', (dialect) => {
  let t: TestApp;
  let org: OrgFixture;
  let assetId: string;
  const data = generate(200, 25);
  const as = (who: Who) => ({ authorization: `Bearer ${org.people[who].token}` });

  before(async () => {
    t = await createTestApp(dialect);
    org = await setupOrg(t.services, 'Forward Party');
    assetId = (await memberAsset(t.services, org)).id;
    await importMembers(t.services, org, assetId, data.members);
  });
  after(async () => t.close());

  test('a run, its variances by kind, the CSV export, and overrides', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/reconciliations',
      headers: as('handler'),
      payload: { listAssetId: assetId, csv: 'colour,size\nred,9' },
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'VALIDATION_FAILED');
    assert.equal(bad.json().error.problems[0].field, 'csv');

    const started = await t.app.inject({
      method: 'POST',
      url: '/api/reconciliations',
      headers: as('handler'),
      payload: { listAssetId: assetId, csv: data.paymentsCsv(), fileName: 'payments.csv' },
    });
    assert.equal(started.statusCode, 201, started.body);
    const run = started.json();
    assert.equal(run.counts.variances, data.planted.size);
    assert.equal(run.feed.fileName, 'payments.csv');

    const list = await t.app.inject({ url: '/api/reconciliations', headers: as('siro') });
    assert.equal(list.json()[0].id, run.id);

    const missing = await t.app.inject({
      url: `/api/reconciliations/${run.id}/variances?kind=only-in-b`,
      headers: as('handler'),
    });
    assert.equal(missing.statusCode, 200);
    const body = missing.json();
    assert.equal(body.total, run.counts.byKind['only-in-b']);
    assert.ok(body.variances.every((v: { kind: string }) => v.kind === 'only-in-b'));

    const csv = await t.app.inject({
      url: `/api/reconciliations/${run.id}/variances.csv?kind=status-mismatch`,
      headers: as('handler'),
    });
    assert.equal(csv.statusCode, 200);
    assert.match(csv.headers['content-type'] as string, /^text\/csv/);
    assert.match(csv.headers['content-disposition'] as string, /attachment/);
    assert.equal(csv.body.trim().split('\r\n').length - 1, run.counts.byKind['status-mismatch']);

    const v = body.variances[0];
    const noReason = await t.app.inject({
      method: 'POST',
      url: `/api/variances/${v.id}/overrides`,
      headers: as('iao'),
      payload: { decision: 'explained', evidence: 'bank statement' },
    });
    assert.equal(noReason.statusCode, 400);
    assert.equal(noReason.json().error.problems[0].field, 'justification');

    const all = await t.app.inject({
      url: `/api/reconciliations/${run.id}/variances?kind=status-mismatch&pageSize=500`,
      headers: as('iao'),
    });
    const lapsed = all
      .json()
      .variances.find((x: { reason: string }) => x.reason === 'inactive-but-active-in-feed');
    const requested = await t.app.inject({
      method: 'POST',
      url: `/api/variances/${lapsed.id}/overrides`,
      headers: as('iao'),
      payload: {
        decision: 'set-status',
        newStatus: 'current',
        justification: 'Renewed by standing order',
        evidence: 'SO-1',
      },
    });
    assert.equal(requested.statusCode, 201, requested.body);
    assert.equal(requested.json().state, 'awaiting-approval');
    const own = await t.app.inject({
      method: 'POST',
      url: `/api/overrides/${requested.json().id}/decision`,
      headers: as('iao'),
      payload: { approve: true },
    });
    assert.equal(own.statusCode, 409);
    assert.equal(own.json().error.code, 'SOD_CONFLICT');
    const waiting = await t.app.inject({ url: '/api/overrides', headers: as('dpo') });
    assert.equal(waiting.json().length, 1);
    const reject = await t.app.inject({
      method: 'POST',
      url: `/api/overrides/${requested.json().id}/decision`,
      headers: as('dpo'),
      payload: { approve: false },
    });
    assert.equal(reject.statusCode, 400);
    const approved = await t.app.inject({
      method: 'POST',
      url: `/api/overrides/${requested.json().id}/decision`,
      headers: as('dpo'),
      payload: { approve: true, note: 'Bank reference checked' },
    });
    assert.equal(approved.statusCode, 200);
    assert.equal(approved.json().state, 'in-force');
    const after = await t.app.inject({ url: `/api/variances/${lapsed.id}`, headers: as('iao') });
    assert.equal(after.json().variance.state, 'overridden');
    assert.equal(after.json().overrides.length, 1);
  });

  test('accuracy flags on a record', async () => {
    const runs = await t.app.inject({ url: '/api/reconciliations', headers: as('handler') });
    const runId = runs.json()[0].id;
    const moved = await t.app.inject({
      url: `/api/reconciliations/${runId}/variances?kind=address-mismatch`,
      headers: as('handler'),
    });
    const recordId = moved.json().variances[0].aRef.slice('record:'.length);
    const noNote = await t.app.inject({
      method: 'PUT',
      url: `/api/records/${recordId}/accuracy`,
      headers: as('handler'),
      payload: { flag: 'disputed', note: ' ' },
    });
    assert.equal(noNote.statusCode, 400);
    const set = await t.app.inject({
      method: 'PUT',
      url: `/api/records/${recordId}/accuracy`,
      headers: as('handler'),
      payload: { flag: 'disputed', note: 'The member says they moved' },
    });
    assert.equal(set.statusCode, 200);
    const history = await t.app.inject({
      url: `/api/records/${recordId}/accuracy`,
      headers: as('dpo'),
    });
    assert.deepEqual(
      history.json().map((f: { flag: string }) => f.flag),
      ['disputed'],
    );
  });
});
