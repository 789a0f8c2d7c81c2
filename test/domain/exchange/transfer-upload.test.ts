// Transfers from an uploaded file (records the sender holds outside Accord), on a real database:
// a good file makes a transfer whose opened records are exactly its rows projected onto the
// agreed fields, and no copy is kept on the sender's side; a bad, empty, oversized or uncovered
// file leaves nothing but a refusal in the audit log, with counts and no personal data.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { setupOrg } from '../../helpers/people.ts';
import type { OrgFixture } from '../../helpers/people.ts';
import { testClock } from '../../helpers/clock.ts';
import { exchangeAgreement, peopleAsset } from '../../helpers/exchange.ts';
import { person } from '../../helpers/records.ts';
import type { Agreement } from '../../../src/domain/agreements/agreements.view.ts';
import type { UploadInput } from '../../../src/domain/exchange/transfers.service.ts';
import type { Services } from '../../../src/services.ts';
import { AccordError } from '../../../src/errors.ts';

const FIELDS = ['givenName', 'familyName', 'dateOfBirth', 'postcode'];
const LIMIT = 512 * 1024;

async function failsWith(p: Promise<unknown>, code: string): Promise<AccordError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof AccordError, String(e));
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}`);
}

const jsonl = (rows: unknown[]): string => rows.map((r) => `${JSON.stringify(r)}\n`).join('');
const project = (r: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(FIELDS.filter((f) => r[f] !== undefined).map((f) => [f, r[f]]));
const sorted = (rows: Record<string, unknown>[]): string[] =>
  rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).sort()))).sort();

forEachDialect('exchange: transfers from an uploaded file', (dialect) => {
  const clock = testClock();
  let t: TestServices;
  let s: Services;
  let council: OrgFixture;
  let police: OrgFixture;
  let dsa: Agreement;
  let inbox: string;

  before(async () => {
    t = await createTestServices(
      dialect,
      { ACCORD_TRANSFER_UPLOAD_MAX_BYTES: String(LIMIT), ACCORD_TRANSFER_MAX_RECORDS: '3000' },
      clock,
    );
    s = t.services;
    council = await setupOrg(s, 'Upshire Council', { tokens: false });
    police = await setupOrg(s, 'Upshire Police', { tokens: false });
    dsa = await exchangeAgreement(s, council, police);
    inbox = await peopleAsset(s, police, 0, 'Received from partners');
  });
  after(async () => t.close());

  const upload = async (body: string, over: Partial<UploadInput> = {}) =>
    s.exchange.transfers.createFromFile(await council.actor('handler'), {
      recipientOrgId: police.orgId,
      agreementId: dsa.id,
      purpose: 'safeguarding',
      recordType: 'person',
      format: 'jsonl',
      stream: Readable.from([Buffer.from(body)]),
      ...over,
    });
  const count = async (table: 'transfer' | 'transfer_chunk' | 'record'): Promise<number> =>
    (await s.store.db.selectFrom(table).select('org_id').execute()).length;
  const lastRefusal = async () =>
    (await s.audit.list({ orgId: council.orgId, action: 'exchange.transfer.refused' }))[0];

  /** What the recipient holds from one transfer, decrypted. */
  const received = async (transferId: string): Promise<Record<string, unknown>[]> => {
    const rows = await s.store.db
      .selectFrom('record')
      .selectAll()
      .where('org_id', '=', police.orgId)
      .where('source', '=', `transfer:${transferId}`)
      .execute();
    return Promise.all(rows.map((r) => s.records.decrypt(s.store, r)));
  };

  test('a good JSON Lines file: projected, chunked, opened as exactly its rows, no copy kept by the sender', async () => {
    const rows = Array.from({ length: 1200 }, (_, i) => person(20_000 + i));
    const body = jsonl(rows);
    const recordsBefore = await count('record');
    const draft = await upload(body);
    assert.equal(draft.state, 'draft');
    assert.equal(draft.recordCount, 1200);
    assert.equal(draft.chunkCount, 2);
    assert.deepEqual(draft.fields, FIELDS);
    assert.equal(draft.selection, 'an uploaded JSON Lines file');
    assert.equal(await count('record'), recordsBefore, 'the sender keeps no copy of the rows');

    const [drafted] = await s.audit.list({
      orgId: council.orgId,
      action: 'exchange.transfer.drafted',
    });
    assert.equal(drafted?.target, `transfer:${draft.id}`);
    assert.equal(drafted?.details.source, 'upload');
    assert.equal(drafted?.details.records, 1200);
    assert.equal(drafted?.details.bytes, Buffer.byteLength(body));
    assert.equal(drafted?.details.sha256, createHash('sha256').update(body).digest('hex'));
    const logged = JSON.stringify(drafted);
    for (const r of rows.slice(0, 50))
      assert.ok(!logged.includes(String(r.familyName)), 'no personal data in the audit entry');

    await s.exchange.transfers.ready(await council.actor('handler'), draft.id);
    const opened = await s.exchange.transfers.open(await police.actor('handler'), draft.id, inbox);
    assert.equal(opened.state, 'opened');
    assert.deepEqual(sorted(await received(draft.id)), sorted(rows.map(project)));
  });

  test('a good CSV file, columns in any order, converted by field type', async () => {
    const rows = [person(30_001), person(30_002), person(30_003)];
    const cols = ['postcode', 'nhsNumber', 'familyName', 'givenName', 'dateOfBirth', 'address'];
    const body = [cols.join(','), ...rows.map((r) => cols.map((c) => `"${String(r[c])}"`))].join(
      '\r\n',
    );
    const draft = await upload(body, { format: 'csv' });
    assert.equal(draft.recordCount, 3);
    assert.equal(draft.selection, 'an uploaded CSV file');
    await s.exchange.transfers.ready(await council.actor('handler'), draft.id);
    await s.exchange.transfers.open(await police.actor('handler'), draft.id, inbox);
    assert.deepEqual(sorted(await received(draft.id)), sorted(rows.map(project)));
  });

  test('bad rows: nothing created, every bad row reported with its line, the refusal audited', async () => {
    const before = [await count('transfer'), await count('transfer_chunk')];
    const good = (i: number) => JSON.stringify(person(40_000 + i));
    const body = [
      good(0),
      JSON.stringify({ ...person(40_001), nhsNumber: '1234567890' }),
      good(2),
      '{"givenName": "Broken',
      JSON.stringify({ ...person(40_004), shoeSize: 9 }),
      good(5),
    ].join('\n');
    const e = await failsWith(upload(body), 'VALIDATION_FAILED');
    assert.equal(e.message, '3 rows of 6 have problems: nothing was sent.');
    assert.deepEqual(
      e.problems.map((p) => p.line),
      [2, 4, 5],
    );
    assert.equal(e.problems[2]?.field, 'shoeSize');
    assert.match(e.problems[2].message, /shoeSize is not a field of person/);
    assert.deepEqual([await count('transfer'), await count('transfer_chunk')], before);
    const entry = await lastRefusal();
    assert.equal(entry?.outcome, 'refused');
    assert.equal(entry?.details.code, 'VALIDATION_FAILED');
    assert.equal(entry?.details.rowsRead, 6);
    assert.equal(entry?.details.rowsFailed, 3);
    assert.equal(entry?.details.sha256, createHash('sha256').update(body).digest('hex'));
    const logged = JSON.stringify(entry);
    assert.ok(!logged.includes('Broken') && !logged.includes(String(person(40_001).familyName)));
    // Nothing of the allowed decision survives either: the work rolled back as one.
    const drafted = await s.audit.list({
      orgId: council.orgId,
      action: 'exchange.transfer.drafted',
    });
    assert.ok(drafted.every((d) => d.target !== entry?.target));
  });

  test('a CSV column the record type does not have is refused before any row', async () => {
    const e = await failsWith(
      upload(`nhsNumber,favouriteColour\n${String(person(1).nhsNumber)},blue\n`, {
        format: 'csv',
      }),
      'VALIDATION_FAILED',
    );
    assert.match(e.message, /header is not right: nothing was sent/);
    assert.equal(e.problems[0]?.field, 'favouriteColour');
    assert.equal((await lastRefusal())?.details.code, 'VALIDATION_FAILED');
  });

  test('an empty file, or a header with no rows: refused and audited', async () => {
    const before = await count('transfer');
    for (const [body, format] of [
      ['', 'jsonl'],
      ['\n\n', 'jsonl'],
      ['nhsNumber,givenName\n', 'csv'],
    ] as const) {
      const e = await failsWith(upload(body, { format }), 'VALIDATION_FAILED');
      assert.match(e.message, /no records in it/);
      assert.equal((await lastRefusal())?.details.rowsRead, 0);
    }
    assert.equal(await count('transfer'), before);
  });

  test('a record type the agreement does not cover is refused before the file is read', async () => {
    const before = await count('transfer');
    const stream = Readable.from([Buffer.from(jsonl([person(1)]))]);
    const e = await failsWith(upload('', { recordType: 'member', stream }), 'FORBIDDEN');
    assert.match(e.message, /does not share member records/);
    assert.equal(stream.readableDidRead, false, 'the file was never read');
    assert.equal(await count('transfer'), before);
    const [entry] = await s.audit.list({ orgId: council.orgId, action: 'share.transfer' });
    assert.equal(entry?.outcome, 'refused');
  });

  test('an oversized file is refused (known size: unread; streamed: at the limit)', async () => {
    const before = [await count('transfer'), await count('transfer_chunk')];
    const body = jsonl(Array.from({ length: 4000 }, (_, i) => person(50_000 + i)));
    assert.ok(body.length > LIMIT);
    const known = Readable.from([Buffer.from(body)]);
    const e = await failsWith(
      upload('', { stream: known, totalBytes: body.length }),
      'TRANSFER_TOO_LARGE',
    );
    assert.match(e.message, /larger than the 512 KB this node accepts/);
    assert.equal(known.readableDidRead, false);
    assert.equal((await lastRefusal())?.details.bytes, body.length);

    // Streamed in pieces with no size given: reading stops at the piece that passes the limit.
    const bytes = Buffer.from(body);
    const pieces = Array.from({ length: Math.ceil(bytes.length / 65_536) }, (_, i) =>
      bytes.subarray(i * 65_536, (i + 1) * 65_536),
    );
    await failsWith(upload('', { stream: Readable.from(pieces) }), 'TRANSFER_TOO_LARGE');
    const entry = await lastRefusal();
    assert.equal(entry?.details.code, 'TRANSFER_TOO_LARGE');
    assert.ok(Number(entry?.details.bytes) > LIMIT && Number(entry?.details.bytes) < body.length);
    assert.deepEqual([await count('transfer'), await count('transfer_chunk')], before);
  });

  test('more rows than a transfer may carry is refused like any other transfer', async () => {
    const rows = Array.from({ length: 3001 }, (_, i) => {
      const { nhsNumber, givenName, familyName, dateOfBirth } = person(60_000 + i);
      return { nhsNumber, givenName, familyName, dateOfBirth };
    });
    const e = await failsWith(upload(jsonl(rows)), 'TRANSFER_TOO_LARGE');
    assert.match(e.message, /at most 3,000 records/);
  });
});
