// Records: validated, sealed, matched to subjects by keyed identifiers, read with a purpose.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { setupOrg } from '../../helpers/people.ts';
import type { OrgFixture } from '../../helpers/people.ts';
import { person, personAsset } from '../../helpers/records.ts';
import type { Services } from '../../../src/services.ts';
import type { Asset } from '../../../src/domain/records/assets.service.ts';

forEachDialect('records', (dialect) => {
  let t: TestServices;
  let s: Services;
  let org: OrgFixture;
  let asset: Asset;
  before(async () => {
    t = await createTestServices(dialect);
    s = t.services;
    org = await setupOrg(s, 'Records Council', { tokens: false });
    asset = await personAsset(s, org);
  });
  after(async () => t.close());

  test('a record is validated, sealed and matched; a look-up finds it by any identifier, with the basis', async () => {
    const handler = await org.actor('handler');
    const p = person(1);
    const w = await s.records.create(handler, asset.id, p, 'adult social care assessment');
    assert.equal(w.matched, false);
    const again = await s.records.create(
      handler,
      asset.id,
      { ...person(1), address: '2 New Road', nhsNumber: undefined },
      'change of address',
    );
    assert.deepEqual(
      [again.matched, again.subjectId],
      [true, w.subjectId],
      'the same person by name, date of birth and postcode',
    );
    const byNhs = await s.records.lookup(
      handler,
      { nhsNumber: String(p.nhsNumber).replace(/(\d{3})(\d{3})(\d{4})/, '$1 $2 $3') },
      'safeguarding enquiry',
    );
    assert.deepEqual(
      [byNhs.subjectId, byNhs.basis, byNhs.records.length],
      [w.subjectId, 'nhs-number', 2],
    );
    assert.equal(byNhs.records[0]?.payload.address, '1 High Street, Northtown');
    const byName = await s.records.lookup(
      handler,
      {
        familyName: ` ${String(p.familyName).toUpperCase()} `,
        givenName: String(p.givenName),
        dateOfBirth: String(p.dateOfBirth),
        postcode: String(p.postcode).toLowerCase().replace(' ', ''),
      },
      'safeguarding enquiry',
    );
    assert.equal(byName.basis, 'name-dob-postcode');
    const none = await s.records.lookup(
      handler,
      { nhsNumber: '9434765919' },
      'safeguarding enquiry',
    );
    assert.deepEqual([none.subjectId, none.records.length], [null, 0]);
    // One audit entry per record read, with the purpose.
    const reads = await s.audit.list({ orgId: org.orgId, action: 'records.read', limit: 20 });
    assert.ok(
      reads.filter(
        (e) => e.target === `record:${w.recordId}` && e.purpose === 'safeguarding enquiry',
      ).length >= 2,
    );
  });

  test('a read without a purpose is refused; so is a record that breaks its type', async () => {
    const handler = await org.actor('handler');
    await assert.rejects(
      s.records.lookup(handler, { nhsNumber: String(person(1).nhsNumber) }, ''),
      (e: { code: string; problems: { field: string }[] }) =>
        e.code === 'VALIDATION_FAILED' && e.problems.some((p) => p.field === 'purpose'),
    );
    await assert.rejects(
      s.records.create(
        handler,
        asset.id,
        { ...person(2), nhsNumber: '1234567890', dateOfBirth: 'yesterday', shoeSize: 9 },
        'x',
      ),
      (e: { problems: { field: string }[] }) => {
        assert.deepEqual(e.problems.map((p) => p.field).sort(), ['dateOfBirth', 'shoeSize']);
        return true;
      },
    );
    await assert.rejects(
      s.records.create(handler, asset.id, { ...person(2), nhsNumber: '1234567890' }, 'x'),
      (e: { problems: { message: string }[] }) =>
        e.problems.some((p) => /not a valid NHS number/.test(p.message)),
    );
  });

  test('records need a role that reaches personal data, current training, and their own organisation', async () => {
    await assert.rejects(
      s.records.lookup(
        await org.actor('administrator'),
        { nhsNumber: String(person(1).nhsNumber) },
        'curiosity',
      ),
      { code: 'FORBIDDEN' },
    );
    const other = await setupOrg(s, 'Other Borough', { tokens: false });
    const theirs = await personAsset(s, other, 'Their residents');
    await assert.rejects(s.records.create(await org.actor('handler'), theirs.id, person(3), 'x'), {
      code: 'NOT_FOUND',
    });
    const mine = await s.records.lookup(
      await org.actor('handler'),
      { nhsNumber: String(person(1).nhsNumber) },
      'check',
    );
    await assert.rejects(s.records.get(await other.actor('handler'), mine.records[0]!.id, 'x'), {
      code: 'NOT_FOUND',
    });
  });

  test('the database holds no identifier or payload in clear', async () => {
    if (dialect !== 'sqlite') return;
    const p = person(4);
    await s.records.create(await org.actor('handler'), asset.id, p, 'registration');
    const file = path.join(t.config.dataDir, 'accord.sqlite');
    await s.store.close(); // flush the WAL into the file
    const bytes = Buffer.concat(
      [file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)),
    );
    for (const needle of [
      String(p.nhsNumber),
      String(p.familyName),
      String(p.address),
      String(p.postcode),
      'Northtown',
    ]) {
      assert.equal(bytes.includes(Buffer.from(needle)), false, `${needle} is in the database file`);
    }
    t = await createTestServices(dialect);
    s = t.services;
    org = await setupOrg(s, 'Records Council', { tokens: false });
    asset = await personAsset(s, org);
  });
});

forEachDialect('record types', (dialect) => {
  let t: TestServices;
  let org: OrgFixture;
  before(async () => {
    t = await createTestServices(dialect);
    org = await setupOrg(t.services, 'Types Council', { tokens: false });
  });
  after(async () => t.close());

  test('every organisation starts with the library, each field annotated', async () => {
    const types = await t.services.recordTypes.list(await org.actor('member'));
    assert.deepEqual(types.map((x) => x.key).sort(), [
      'benefit',
      'member',
      'person',
      'pole-event',
      'pole-person',
      'referral',
    ]);
    for (const type of types)
      for (const f of type.fields) assert.ok(f.category && f.marking, `${type.key}.${f.name}`);
    assert.equal(
      types.find((x) => x.key === 'member')!.fields.find((f) => f.name === 'membershipStatus')!
        .category,
      'special-category',
    );
  });

  test('a field without a data category is rejected, naming the field; a good new version is added', async () => {
    const dpo = await org.actor('dpo');
    const schema = {
      type: 'object',
      properties: {
        tenancyRef: { type: 'string', 'x-accord': { category: 'none', marking: 'OFFICIAL' } },
        tenant: { type: 'string', 'x-accord': { marking: 'OFFICIAL' } },
        rent: { type: 'number' },
      },
    };
    await assert.rejects(
      t.services.recordTypes.define(dpo, { key: 'tenancy', title: 'Tenancy', schema }),
      (e: { code: string; problems: { field: string; message: string }[] }) => {
        assert.equal(e.code, 'VALIDATION_FAILED');
        assert.deepEqual(
          e.problems.map((p) => p.field),
          ['schema.properties.tenant', 'schema.properties.rent'],
        );
        assert.match(e.problems[0]!.message, /no data category/);
        return true;
      },
    );
    const good = {
      ...schema,
      properties: {
        ...schema.properties,
        tenant: {
          type: 'string',
          'x-accord': { category: 'personal', marking: 'OFFICIAL', identifies: 'family-name' },
        },
        rent: { type: 'number', 'x-accord': { category: 'none', marking: 'OFFICIAL' } },
      },
    };
    const v1 = await t.services.recordTypes.define(dpo, {
      key: 'tenancy',
      title: 'Tenancy',
      schema: good,
    });
    const v2 = await t.services.recordTypes.define(dpo, {
      key: 'tenancy',
      title: 'Tenancy',
      schema: { ...good, required: ['tenancyRef'] },
    });
    assert.deepEqual([v1.version, v2.version], [1, 2]);
    await assert.rejects(
      t.services.recordTypes.define(await org.actor('handler'), {
        key: 'x-y',
        title: 'X',
        schema: good,
      }),
      { code: 'FORBIDDEN' },
    );
  });
});
