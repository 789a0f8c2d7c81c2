// Bulk imports on a worker thread (big files): the worker checks, seals and hashes the rows while
// the main thread stores them. Judged exactly as an import on one thread: all rows or none, every
// bad row reported with its line, subjects matched against what the organisation already holds.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { setupOrg } from '../../helpers/people.ts';
import type { OrgFixture } from '../../helpers/people.ts';
import { person, personAsset } from '../../helpers/records.ts';
import type { Asset } from '../../../src/domain/records/assets.service.ts';
import type { ImportRequest } from '../../../src/domain/records/import.service.ts';
import type { Services } from '../../../src/services.ts';

const jsonl = (rows: unknown[]): Readable =>
  Readable.from(rows.map((r) => `${JSON.stringify(r)}\n`));

forEachDialect('imports on a worker thread', (dialect) => {
  let t: TestServices;
  let s: Services;
  let org: OrgFixture;
  let first: Asset;
  let second: Asset;
  before(async () => {
    t = await createTestServices(dialect);
    s = t.services;
    org = await setupOrg(s, 'Worker Council', { tokens: false });
    first = await personAsset(s, org, 'Residents');
    second = await personAsset(s, org, 'Tenants');
  });
  after(async () => t.close());

  const run = async (
    req: Omit<ImportRequest, 'purpose' | 'fileName' | 'format'> & Partial<ImportRequest>,
  ) =>
    s.imports.run(await org.actor('handler'), {
      format: 'jsonl',
      fileName: 'people.jsonl',
      purpose: 'bulk load',
      ...req,
    });
  const count = async (assetId: string): Promise<number> =>
    Number(
      (
        await s.store.db
          .selectFrom('record')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('asset_id', '=', assetId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const byNhs = async (p: Record<string, unknown>) =>
    s.records.lookup(await org.actor('handler'), { nhsNumber: String(p.nhsNumber) }, 'check');

  test('every row is stored, readable and matched, with progress as batches land', async () => {
    // On one thread first: the worker's import must match people the organisation holds.
    const known = Array.from({ length: 100 }, (_, i) => person(i));
    assert.equal(
      (await run({ assetId: first.id, stream: jsonl(known), inWorker: false })).rowsImported,
      100,
    );
    const rows = Array.from({ length: 2_500 }, (_, i) => person(50 + i));
    const seen: number[] = [];
    const job = await run({
      assetId: second.id,
      stream: jsonl(rows),
      inWorker: true,
      onProgress: (p) => seen.push(p.rowsRead),
    });
    assert.deepEqual([job.status, job.rowsRead, job.rowsImported], ['committed', 2_500, 2_500]);
    assert.equal(await count(second.id), 2_500);
    assert.ok(seen.length >= 3, `progress was reported ${seen.length} times`);
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => a - b),
    );
    // Person 60 was held already: one subject, two records. Person 2,000 is new, and readable.
    const old = await byNhs(person(60));
    assert.deepEqual(old.records.map((r) => r.assetId).sort(), [first.id, second.id].sort());
    const fresh = await byNhs(person(2_000));
    assert.equal(fresh.records.length, 1);
    assert.deepEqual(fresh.records[0]?.payload, person(2_000));
    assert.equal(fresh.records[0]?.retainUntil, '2031-06-01');
  });

  test('one bad row among 3,000 stores nothing and the report names its line', async () => {
    const rows: unknown[] = Array.from({ length: 3_000 }, (_, i) => person(10_000 + i));
    rows[2_499] = { ...person(12_499), dateOfBirth: '31/02/1970' };
    const before = await count(first.id);
    const err = await run({ assetId: first.id, stream: jsonl(rows), inWorker: true }).catch(
      (e: unknown) => e,
    );
    assert.equal((err as { code: string }).code, 'VALIDATION_FAILED');
    assert.match((err as Error).message, /^1 row of 3000 has problems: nothing was imported\.$/);
    assert.deepEqual((err as { problems: unknown[] }).problems, [
      { field: 'dateOfBirth', message: 'dateOfBirth must match format "date"', line: 2_500 },
    ]);
    assert.equal(await count(first.id), before);
    assert.equal((await byNhs(person(10_001))).records.length, 0);
    const [job] = await s.imports.jobs(await org.actor('handler'), first.id);
    assert.deepEqual([job?.status, job?.rowsRead, job?.rowsFailed], ['failed', 3_000, 1]);
  });

  test('after a bad row the worker still reads the rest, and progress keeps moving', async () => {
    const rows: unknown[] = Array.from({ length: 12_000 }, (_, i) => person(30_000 + i));
    rows[9] = { ...person(30_009), nhsNumber: '1234567890' };
    rows[11_000] = { ...person(41_000), dateOfBirth: 'yesterday' };
    const seen: number[] = [];
    const err = await run({
      assetId: first.id,
      stream: jsonl(rows),
      inWorker: true,
      onProgress: (p) => seen.push(p.rowsRead),
    }).catch((e: unknown) => e);
    assert.match((err as Error).message, /^2 rows of 12000 have problems/);
    assert.deepEqual(
      (err as { problems: { line: number }[] }).problems.map((p) => p.line),
      [10, 11_001],
    );
    assert.ok(seen.includes(5_000) && seen.includes(10_000), `progress: ${seen.join(', ')}`);
  });

  test('a CSV header naming unknown columns is refused from the worker as on one thread', async () => {
    const err = await run({
      assetId: first.id,
      format: 'csv',
      fileName: 'people.csv',
      stream: Readable.from(['nhsNumber,shoeSize\n9434765919,9\n']),
      inWorker: true,
    }).catch((e: unknown) => e);
    assert.equal((err as { code: string }).code, 'VALIDATION_FAILED');
    assert.deepEqual(
      (err as { problems: { field: string }[] }).problems.map((p) => p.field),
      ['shoeSize'],
    );
  });

  test('a file that breaks off half-way stores nothing', async () => {
    const before = await count(first.id);
    async function* broken() {
      for (let i = 0; i < 1_500; i++) yield `${JSON.stringify(person(20_000 + i))}\n`;
      throw new Error('connection reset');
    }
    const err = await run({
      assetId: first.id,
      stream: Readable.from(broken()),
      inWorker: true,
    }).catch((e: unknown) => e);
    assert.match((err as Error).message, /connection reset/);
    assert.equal(await count(first.id), before);
    const [job] = await s.imports.jobs(await org.actor('handler'), first.id);
    assert.equal(job?.status, 'failed');
  });

  test('an upload cut off without an error stores nothing, on either thread', async () => {
    for (const inWorker of [true, false]) {
      const before = await count(first.id);
      const cut = new PassThrough();
      for (let i = 0; i < 1_200; i++) cut.write(`${JSON.stringify(person(50_000 + i))}\n`);
      setTimeout(() => cut.destroy(), 50);
      const err = await run({ assetId: first.id, stream: cut, inWorker }).catch((e: unknown) => e);
      assert.ok(err instanceof Error, `inWorker ${inWorker}: the import did not fail`);
      assert.equal(await count(first.id), before);
    }
  });

  test('an upload already cut off or failed when the import starts stores nothing', async () => {
    // The look-ups before reading can outlast an upload: its end must not be missed.
    for (const inWorker of [true, false])
      for (const reason of [undefined, new Error('connection reset')]) {
        const before = await count(first.id);
        const cut = new PassThrough();
        cut.on('error', () => undefined);
        cut.write(`${JSON.stringify(person(60_000))}\n`);
        cut.destroy(reason);
        await new Promise((r) => setImmediate(r));
        const err = await run({ assetId: first.id, stream: cut, inWorker }).catch(
          (e: unknown) => e,
        );
        assert.ok(err instanceof Error, `inWorker ${inWorker}: the import did not fail`);
        assert.equal(await count(first.id), before);
      }
  });
});
