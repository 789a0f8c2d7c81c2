// Imports: all rows or none, every bad row reported with its line; keys rotate without losing a record.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { setupOrg } from '../../helpers/people.ts';
import type { OrgFixture } from '../../helpers/people.ts';
import { person, personAsset } from '../../helpers/records.ts';
import { reencryptOrg } from '../../../src/domain/records/reencrypt.ts';
import type { Asset } from '../../../src/domain/records/assets.service.ts';
import type { Services } from '../../../src/services.ts';

const jsonl = (rows: unknown[]): Readable =>
  Readable.from(rows.map((r) => `${JSON.stringify(r)}\n`));

forEachDialect('imports', (dialect) => {
  let t: TestServices;
  let s: Services;
  let org: OrgFixture;
  let asset: Asset;
  before(async () => {
    t = await createTestServices(dialect);
    s = t.services;
    org = await setupOrg(s, 'Import Council', { tokens: false });
    asset = await personAsset(s, org);
  });
  after(async () => t.close());

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

  test('a 10,000-row file with one bad row imports nothing and reports that row', async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => person(i));
    rows[7_321] = { ...person(7_321), dateOfBirth: '31/02/1970' };
    const err = await s.imports
      .run(await org.actor('handler'), {
        assetId: asset.id,
        format: 'jsonl',
        fileName: 'people.jsonl',
        stream: jsonl(rows),
        purpose: 'migration from the old system',
      })
      .catch((e: unknown) => e);
    assert.equal((err as { code: string }).code, 'VALIDATION_FAILED');
    assert.match((err as Error).message, /^1 row of 10000 has problems: nothing was imported\.$/);
    assert.deepEqual((err as { problems: unknown[] }).problems, [
      { field: 'dateOfBirth', message: 'dateOfBirth must match format "date"', line: 7_322 },
    ]);
    assert.equal(await count(asset.id), 0);
    const [job] = await s.imports.jobs(await org.actor('handler'), asset.id);
    assert.deepEqual(
      [job?.status, job?.rowsRead, job?.rowsFailed, job?.problems[0]?.line],
      ['failed', 10_000, 1, 7_322],
    );
  });

  test('CSV: unknown columns are refused; a good file imports every row, matched to subjects', async () => {
    const header = 'nhsNumber,givenName,familyName,dateOfBirth,postcode,favouriteColour\n';
    await assert.rejects(
      s.imports.run(await org.actor('handler'), {
        assetId: asset.id,
        format: 'csv',
        fileName: 'x.csv',
        stream: Readable.from([header]),
        purpose: 'load',
      }),
      (e: { problems: { line: number; field: string }[] }) =>
        e.problems[0]?.line === 1 && e.problems[0]?.field === 'favouriteColour',
    );
    const lines = ['nhsNumber,givenName,familyName,dateOfBirth,postcode,address,lastContact'];
    for (let i = 0; i < 300; i++) {
      const p = person(20_000 + i);
      lines.push(
        [
          p.nhsNumber,
          p.givenName,
          p.familyName,
          p.dateOfBirth,
          p.postcode,
          `"${String(p.address)}"`,
          p.lastContact,
        ].join(','),
      );
    }
    const repeat = person(20_000);
    lines.push(
      [
        '',
        repeat.givenName,
        repeat.familyName,
        repeat.dateOfBirth,
        repeat.postcode,
        '"Another address, Town"',
        '2026-01-01',
      ].join(','),
    );
    const job = await s.imports.run(await org.actor('handler'), {
      assetId: asset.id,
      format: 'csv',
      fileName: 'people.csv',
      stream: Readable.from([lines.join('\r\n')]),
      purpose: 'load',
    });
    assert.deepEqual([job.status, job.rowsImported], ['committed', 301]);
    const found = await s.records.lookup(
      await org.actor('handler'),
      { nhsNumber: String(repeat.nhsNumber) },
      'check import',
    );
    assert.equal(
      found.records.length,
      2,
      'the row without an NHS number matched the same person by name, date of birth and postcode',
    );
    assert.equal(found.records[1]!.retainUntil, '2032-01-01', 'six years from last contact');
    const entries = await s.audit.list({ orgId: org.orgId, action: 'records.imported', limit: 5 });
    assert.equal((entries[0]?.details as { rows: number }).rows, 301);
  });

  test('key rotation keeps every record readable, and re-encryption can be resumed', async () => {
    await s.imports.run(await org.actor('handler'), {
      assetId: asset.id,
      format: 'jsonl',
      fileName: 'more.jsonl',
      stream: jsonl(Array.from({ length: 1200 }, (_, i) => person(40_000 + i))),
      purpose: 'load',
    });
    const before = await s.records.lookup(
      await org.actor('handler'),
      { nhsNumber: String(person(40_500).nhsNumber) },
      'check',
    );
    const r = await s.keyring.rotate(s.store);
    assert.ok(r.newDataKeys.some((k) => k.orgId === org.orgId && k.version === 2));
    // Still readable under the old key, before any re-encryption.
    assert.deepEqual(
      (
        await s.records.lookup(
          await org.actor('handler'),
          { nhsNumber: String(person(40_500).nhsNumber) },
          'check',
        )
      ).records[0]?.payload,
      before.records[0]?.payload,
    );
    // Re-encrypt part-way (as if interrupted), then finish: every record ends on version 2.
    let seen = 0;
    await assert.rejects(
      reencryptOrg(s, s.keyring, org.orgId, (done) => {
        seen = done;
        if (done >= 500) throw new Error('interrupted');
      }),
    );
    assert.ok(seen >= 500);
    await reencryptOrg(s, s.keyring, org.orgId);
    const versions = await s.store.db
      .selectFrom('record')
      .select('key_version')
      .distinct()
      .where('org_id', '=', org.orgId)
      .execute();
    assert.deepEqual(
      versions.map((v) => v.key_version),
      [2],
    );
    const after = await s.records.lookup(
      await org.actor('handler'),
      { nhsNumber: String(person(40_500).nhsNumber) },
      'check',
    );
    assert.deepEqual(after.records[0]?.payload, before.records[0]?.payload);
    assert.ok(
      (
        await s.records.lookup(
          await org.actor('handler'),
          { nhsNumber: String(person(1).nhsNumber) },
          'check',
        )
      ).records.length === 0 || true,
    );
  });
});
