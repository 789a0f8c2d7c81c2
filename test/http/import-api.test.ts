// The import API with app.inject: a JSON Lines body is spooled to a private file before the
// import's transaction starts (a slow client must not hold the node's write lock), imported whole,
// and the spooled file is gone afterwards; a bad row imports nothing and reports the row.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { forEachDialect } from '../helpers/db.ts';
import { createTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { person, personAsset } from '../helpers/records.ts';

forEachDialect('records API: imports', (dialect) => {
  let t: TestApp;
  let council: OrgFixture;
  let assetId: string;
  const uploads = (): string[] => {
    const dir = path.join(t.services.config.dataDir, 'uploads');
    return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  };
  const records = async (): Promise<number> =>
    (await t.services.store.db.selectFrom('record').select('record_id').execute()).length;

  before(async () => {
    t = await createTestApp(dialect);
    council = await setupOrg(t.services, 'Spoolton Council');
    assetId = (await personAsset(t.services, council)).id;
  });
  after(async () => t.close());

  const post = (payload: string | PassThrough) =>
    t.app.inject({
      method: 'POST',
      url: `/api/assets/${assetId}/imports?purpose=${encodeURIComponent('Move from the old system')}`,
      payload,
      headers: {
        authorization: `Bearer ${council.people.iao.token}`,
        'content-type': 'application/x-ndjson',
      },
    });

  test('a slow body holds no write lock while it arrives, then imports whole', async () => {
    const body = new PassThrough();
    const reply = post(body);
    body.write(`${JSON.stringify(person(1))}\n`);
    // Wait for the spool file rather than a fixed time: on a loaded machine the request may take
    // a while to reach the route.
    for (let waited = 0; uploads().length === 0 && waited < 15_000; waited += 20)
      await new Promise((r) => setTimeout(r, 20));
    // Half the file has arrived: other work on the node still writes (no transaction is open).
    await t.services.audit.recordNow(t.services.store, {
      orgId: council.orgId,
      actor: 'node',
      action: 'test.write-while-uploading',
      target: null,
      outcome: 'ok',
    });
    assert.equal(uploads().length, 1, 'the body is being spooled');
    body.end(`${JSON.stringify(person(2))}\n`);
    const r = await reply;
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(r.json<{ rowsImported: number }>().rowsImported, 2);
    assert.equal(await records(), 2);
    assert.deepEqual(uploads(), [], 'the spooled file is removed');
  });

  test('a bad row imports nothing, names the line, and leaves no spooled file', async () => {
    const before = await records();
    const r = await post(`${JSON.stringify(person(3))}\n{"nhsNumber": "not a number"}\n`);
    assert.equal(r.statusCode, 400);
    const { error } = r.json<{ error: { code: string; problems: { line: number }[] } }>();
    assert.equal(error.code, 'VALIDATION_FAILED');
    assert.ok(error.problems.some((p) => p.line === 2));
    assert.equal(await records(), before);
    assert.deepEqual(uploads(), []);
  });
});
