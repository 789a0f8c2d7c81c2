// A transfer from an uploaded file over the API with app.inject: a CSV body becomes a draft that
// opens as its projected rows; a bad row, an uncovered record type, an oversized body and a body
// of the wrong type are each a coded error with nothing created, and the refusals are audited.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../helpers/db.ts';
import { createTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { exchangeAgreement, peopleAsset } from '../helpers/exchange.ts';
import { person } from '../helpers/records.ts';

const LIMIT = 64 * 1024;
const COLUMNS = ['nhsNumber', 'givenName', 'familyName', 'dateOfBirth', 'postcode', 'address'];
const csv = (rows: Record<string, unknown>[]): string =>
  [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => `"${String(r[c])}"`).join(','))].join(
    '\n',
  );

forEachDialect('exchange API: transfers from an uploaded file', (dialect) => {
  let t: TestApp;
  let council: OrgFixture;
  let police: OrgFixture;
  let agreementId: string;
  let inbox: string;

  const query = (over: Record<string, string> = {}): string =>
    new URLSearchParams({
      recipientOrgId: police.orgId,
      agreementId,
      purpose: 'safeguarding',
      recordType: 'person',
      ...over,
    }).toString();
  const upload = async (body: string, type = 'text/csv', over: Record<string, string> = {}) => {
    const r = await t.app.inject({
      method: 'POST',
      url: `/api/exchange/transfers/upload?${query(over)}`,
      payload: body,
      headers: { authorization: `Bearer ${council.people.handler.token}`, 'content-type': type },
    });
    return { status: r.statusCode, body: r.json<Record<string, unknown>>() };
  };
  const transfers = async (): Promise<number> =>
    (await t.services.store.db.selectFrom('transfer').select('transfer_id').execute()).length;
  const refusals = async () =>
    t.services.audit.list({ orgId: council.orgId, action: 'exchange.transfer.refused' });

  before(async () => {
    t = await createTestApp(dialect, { ACCORD_TRANSFER_UPLOAD_MAX_BYTES: String(LIMIT) });
    council = await setupOrg(t.services, 'Filehurst Council');
    police = await setupOrg(t.services, 'Filehurst Police');
    agreementId = (await exchangeAgreement(t.services, council, police)).id;
    inbox = await peopleAsset(t.services, police, 0, 'From partners');
  });
  after(async () => t.close());

  test('a CSV body becomes a draft; sent and opened, the recipient holds the agreed fields only', async () => {
    const rows = [person(70_001), person(70_002)];
    const created = await upload(csv(rows));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.state, 'draft');
    assert.equal(created.body.recordCount, 2);
    assert.equal(created.body.selection, 'an uploaded CSV file');
    const id = String(created.body.id);
    const auth = (org: OrgFixture) => ({ authorization: `Bearer ${org.people.handler.token}` });
    const sent = await t.app.inject({
      method: 'POST',
      url: `/api/exchange/transfers/${id}/ready`,
      headers: auth(council),
    });
    assert.equal(sent.json<{ state: string }>().state, 'delivered');
    const opened = await t.app.inject({
      method: 'POST',
      url: `/api/exchange/transfers/${id}/open`,
      payload: { assetId: inbox },
      headers: auth(police),
    });
    assert.equal(opened.statusCode, 200, opened.body);
    const held = await t.services.store.db
      .selectFrom('record')
      .selectAll()
      .where('source', '=', `transfer:${id}`)
      .execute();
    const payloads = await Promise.all(
      held.map((r) => t.services.records.decrypt(t.services.store, r)),
    );
    const names = payloads.map((p) => p.familyName).sort();
    assert.deepEqual(names, rows.map((r) => r.familyName).sort());
    for (const p of payloads)
      assert.deepEqual(Object.keys(p).sort(), [
        'dateOfBirth',
        'familyName',
        'givenName',
        'postcode',
      ]);
  });

  test('a bad row: 400 VALIDATION_FAILED with the row report, nothing created, refusal audited', async () => {
    const before = await transfers();
    const body = [
      JSON.stringify(person(70_010)),
      JSON.stringify({ ...person(70_011), dateOfBirth: undefined }),
    ].join('\n');
    const r = await upload(body, 'application/x-ndjson');
    assert.equal(r.status, 400);
    const error = r.body.error as { code: string; message: string; problems: { line: number }[] };
    assert.equal(error.code, 'VALIDATION_FAILED');
    assert.equal(error.message, '1 row of 2 has problems: nothing was sent.');
    assert.deepEqual(
      error.problems.map((p) => p.line),
      [2],
    );
    assert.equal(await transfers(), before);
    assert.equal((await refusals())[0]?.details.rowsFailed, 1);
  });

  test('a record type the agreement does not cover: 403, nothing created', async () => {
    const before = await transfers();
    const r = await upload(csv([person(70_020)]), 'text/csv', { recordType: 'member' });
    assert.equal(r.status, 403);
    assert.equal((r.body.error as { code: string }).code, 'FORBIDDEN');
    assert.equal(await transfers(), before);
  });

  test('a body over the configured limit: 413 TRANSFER_TOO_LARGE, refused unread and audited', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => person(71_000 + i));
    const body = csv(rows);
    assert.ok(body.length > LIMIT);
    const r = await upload(body);
    assert.equal(r.status, 413);
    assert.equal((r.body.error as { code: string }).code, 'TRANSFER_TOO_LARGE');
    const [entry] = await refusals();
    assert.equal(entry?.details.code, 'TRANSFER_TOO_LARGE');
    assert.equal(entry?.details.bytes, Buffer.byteLength(body));
  });

  test('a body that is neither CSV nor JSON Lines: 415; missing query fields: 400', async () => {
    const r = await upload('{"a":1}', 'application/json');
    assert.equal(r.status, 415);
    assert.equal((r.body.error as { code: string }).code, 'UNSUPPORTED_MEDIA_TYPE');
    const bad = await t.app.inject({
      method: 'POST',
      url: `/api/exchange/transfers/upload?recipientOrgId=${police.orgId}`,
      payload: csv([person(1)]),
      headers: {
        authorization: `Bearer ${council.people.handler.token}`,
        'content-type': 'text/csv',
      },
    });
    assert.equal(bad.statusCode, 400);
  });
});
