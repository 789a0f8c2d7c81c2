// Subject matching on import, the same on both dialects: the strongest identifier the index
// already knows decides the subject; unknown identifiers are added pointing at it; known ones
// stay where they point.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { setupOrg } from '../../helpers/people.ts';
import type { OrgFixture } from '../../helpers/people.ts';
import { nhsNumber, person, personAsset } from '../../helpers/records.ts';
import type { Asset } from '../../../src/domain/records/assets.service.ts';
import type { Services } from '../../../src/services.ts';

forEachDialect('subject matching', (dialect) => {
  let t: TestServices;
  let s: Services;
  let org: OrgFixture;
  let asset: Asset;
  before(async () => {
    t = await createTestServices(dialect);
    s = t.services;
    org = await setupOrg(s, 'Matching Council', { tokens: false });
    asset = await personAsset(s, org);
  });
  after(async () => t.close());

  const load = async (rows: Record<string, unknown>[]): Promise<void> => {
    const job = await s.imports.run(await org.actor('handler'), {
      assetId: asset.id,
      format: 'jsonl',
      fileName: 'people.jsonl',
      stream: Readable.from(rows.map((r) => `${JSON.stringify(r)}\n`)),
      purpose: 'matching test',
    });
    assert.equal(job.rowsImported, rows.length);
  };
  const byNhs = async (nhs: string) =>
    s.records.lookup(await org.actor('handler'), { nhsNumber: nhs }, 'matching test');
  const byName = async (p: Record<string, unknown>) =>
    s.records.lookup(
      await org.actor('handler'),
      {
        familyName: String(p.familyName),
        givenName: String(p.givenName),
        dateOfBirth: String(p.dateOfBirth),
        postcode: String(p.postcode),
      },
      'matching test',
    );

  test('a new NHS number with a known name, date of birth and postcode joins that subject', async () => {
    const a = person(101);
    const newNhs = nhsNumber(900_101);
    const laterNhs = nhsNumber(900_102);
    // In one file (the second row sees what the first added) and in a later import.
    await load([a, { ...a, nhsNumber: newNhs, address: '2 New Road' }]);
    await load([{ ...a, nhsNumber: laterNhs, address: '3 Other Road' }]);
    const first = await byNhs(String(a.nhsNumber));
    assert.ok(first.subjectId);
    for (const nhs of [newNhs, laterNhs]) {
      const r = await byNhs(nhs);
      assert.deepEqual([r.subjectId, r.basis], [first.subjectId, 'nhs-number']);
    }
    assert.equal(first.records.length, 3);
    assert.equal((await byName(a)).subjectId, first.subjectId);
  });

  test('identifiers pointing at two subjects: the strongest decides and neither entry moves', async () => {
    const p = person(201);
    const q = person(202);
    await load([p, q]);
    const subjectP = (await byNhs(String(p.nhsNumber))).subjectId;
    const subjectQ = (await byNhs(String(q.nhsNumber))).subjectId;
    assert.ok(subjectP && subjectQ && subjectP !== subjectQ);
    // P's NHS number with Q's name, date of birth and postcode, plus a National Insurance
    // number nobody has yet: P's subject (NHS number is stronger), the new NI number with it.
    await load([{ ...q, nhsNumber: p.nhsNumber, niNumber: 'AB123456C' }]);
    assert.equal((await byNhs(String(p.nhsNumber))).records.length, 2);
    const byNi = await s.records.lookup(
      await org.actor('handler'),
      { niNumber: 'AB123456C' },
      'matching test',
    );
    assert.deepEqual([byNi.subjectId, byNi.basis], [subjectP, 'ni-number']);
    const nameQ = await byName(q);
    assert.deepEqual([nameQ.subjectId, nameQ.records.length], [subjectQ, 1]);
  });

  test('in one file, a row that joins a known subject passes it on to a later row', async () => {
    const p = person(301);
    const q = person(302);
    const newNhs = nhsNumber(900_301);
    await load([p]);
    const subjectP = (await byNhs(String(p.nhsNumber))).subjectId;
    // Row 1: P's NHS number (known) with Q's name, date of birth and postcode (new): P's subject,
    // and Q's name now points at it. Row 2: Q's name with a new NHS number: P's subject too.
    await load([
      { ...q, nhsNumber: p.nhsNumber },
      { ...q, nhsNumber: newNhs },
    ]);
    for (const r of [await byNhs(String(p.nhsNumber)), await byNhs(newNhs), await byName(q)])
      assert.equal(r.subjectId, subjectP);
    assert.equal((await byNhs(newNhs)).records.length, 3);
  });

  test('a look-up whose identifiers point to different people shows nobody, says why, and is audited', async () => {
    const [x, y] = [person(7001), person(7002)];
    await load([x, y]);
    const mixed = {
      nhsNumber: String(x.nhsNumber),
      familyName: String(y.familyName),
      givenName: String(y.givenName),
      dateOfBirth: String(y.dateOfBirth),
      postcode: String(y.postcode),
    };
    const handler = await org.actor('handler');
    await assert.rejects(
      s.records.lookup(handler, mixed, 'matching test'),
      (e: { code?: string; message?: string }) =>
        e.code === 'IDENTIFIERS_DISAGREE' && /NHS number/.test(e.message ?? ''),
    );
    const [refused] = await s.audit.list({ orgId: org.orgId, action: 'records.lookup.disagree' });
    assert.deepEqual(refused?.details.schemes, ['nhs-number', 'name-dob-postcode']);
    // With an NHS number held for nobody, the name, date of birth and postcode decide.
    const moved = await s.records.lookup(
      handler,
      { ...mixed, nhsNumber: nhsNumber(999_001) },
      'matching test',
    );
    assert.equal(moved.basis, 'name-dob-postcode');
    assert.equal(moved.records[0]?.payload.familyName, y.familyName);
  });
});
