// The retention sweep on a real database: a dry run changes nothing; a run deletes (or
// pseudonymises) what is due, leaves a record under legal hold alone, forgets identifiers no
// record needs, and writes a destruction certificate to the audit log. Holds are audited.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { setupOrg } from '../../helpers/people.ts';
import type { OrgFixture } from '../../helpers/people.ts';
import { person } from '../../helpers/records.ts';
import { nodeActor } from '../../../src/domain/policy/actor.ts';
import type { AccordError } from '../../../src/errors.ts';
import type { Services } from '../../../src/services.ts';

forEachDialect('retention sweep', (dialect) => {
  let t: TestServices;
  let s: Services;
  let org: OrgFixture;
  before(async () => {
    t = await createTestServices(dialect);
    s = t.services;
    org = await setupOrg(s, 'Retention Council', { tokens: false });
  });
  after(async () => t.close());

  const asset = async (name: string, action: 'delete' | 'pseudonymise') =>
    s.assets.create(await org.actor('iao'), {
      name,
      ownerPersonId: org.people.iao.personId,
      typeKey: 'person',
      classification: 'OFFICIAL-SENSITIVE',
      lawfulBasis: 'art6-1-e',
      retentionPeriod: 'P1Y',
      retentionFrom: 'lastContact',
      retentionAction: action,
      application: null,
    });
  const count = async (assetId: string, status = 'active') =>
    Number(
      (
        await s.store.db
          .selectFrom('record')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('asset_id', '=', assetId)
          .where('status', '=', status)
          .executeTakeFirstOrThrow()
      ).n,
    );

  test('a record under legal hold survives a sweep that deletes the rest, with a certificate', async () => {
    const old = await asset('Old cases', 'delete');
    const handler = await org.actor('handler');
    const made: { recordId: string }[] = [];
    for (let i = 0; i < 5; i++)
      made.push(
        await s.records.create(
          handler,
          old.id,
          { ...person(100 + i), lastContact: '2020-01-15' },
          'case work',
        ),
      );
    const fresh = await s.records.create(
      handler,
      old.id,
      { ...person(110), lastContact: s.rights.requests.today() },
      'case work',
    );
    const dpo = await org.actor('dpo');
    await assert.rejects(
      s.rights.holds.set(dpo, { scope: 'record', targetId: made[0]!.recordId, reason: '' }),
      (e: AccordError) => e.code === 'VALIDATION_FAILED',
    );
    const hold = await s.rights.holds.set(dpo, {
      scope: 'record',
      targetId: made[0]!.recordId,
      reason: 'Inquiry 12',
    });

    const preview = await s.rights.retention.preview(dpo);
    assert.deepEqual([preview.due, preview.held, preview.processed], [5, 1, 0]);
    assert.equal(
      preview.sample.find((r) => r.recordId === made[0]!.recordId)?.heldBecause,
      'Inquiry 12',
    );
    assert.equal(await count(old.id), 6, 'a dry run changes nothing');

    const report = await s.rights.retention.run(dpo);
    assert.deepEqual([report.due, report.held, report.processed], [5, 1, 4]);
    assert.equal(await count(old.id), 2);
    const left = await s.store.db
      .selectFrom('record')
      .select('record_id')
      .where('asset_id', '=', old.id)
      .execute();
    assert.deepEqual(
      left.map((r) => r.record_id).sort(),
      [made[0]!.recordId, fresh.recordId].sort(),
    );
    // Deleted people can no longer be found.
    const gone = await s.records.lookup(
      handler,
      { nhsNumber: String(person(101).nhsNumber) },
      'check',
    );
    assert.equal(gone.subjectId, null);

    const [cert] = await s.rights.retention.certificates(dpo);
    assert.equal(cert?.target, `asset:${old.id}`);
    const d = cert.details as {
      count: number;
      keptUnderHold: number;
      rule: { period: string };
      recordIdsSha256: string;
    };
    assert.deepEqual([d.count, d.keptUnderHold, d.rule.period], [4, 1, 'P1Y']);
    assert.match(d.recordIdsSha256, /^[0-9a-f]{64}$/);

    await s.rights.holds.lift(dpo, hold.id, 'Inquiry closed');
    await assert.rejects(
      s.rights.holds.lift(dpo, hold.id, 'again'),
      (e: AccordError) => e.code === 'CONFLICT',
    );
    // A scheduler's sweep (Accord acting for each organisation) takes it now.
    const all = await s.rights.retention.runAll();
    assert.equal(all.get(org.orgId)?.processed, 1);
    assert.equal(await count(old.id), 1);
    const audit = await s.audit.list({ orgId: org.orgId, action: 'retention.hold.lifted' });
    assert.equal(audit.length, 1);
  });

  test('pseudonymising keeps the record without the person in it', async () => {
    const stats = await asset('Statistics', 'pseudonymise');
    const handler = await org.actor('handler');
    const p: Record<string, unknown> = { ...person(120), lastContact: '2019-03-01' };
    const w = await s.records.create(handler, stats.id, p, 'statistics');
    const report = await s.rights.retention.run(nodeActor(org.orgId));
    assert.equal(report.processed, 1);
    assert.equal(await count(stats.id, 'pseudonymised'), 1);
    const row = await s.store.db
      .selectFrom('record')
      .selectAll()
      .where('record_id', '=', w.recordId)
      .executeTakeFirstOrThrow();
    assert.notEqual(row.subject_id, w.subjectId);
    const payload = await s.records.decrypt(s.store, row);
    assert.match(String(payload.nhsNumber), /^pseudonym:[0-9a-f]{24}$/);
    assert.equal(payload.address, undefined, 'free text about the person is dropped');
    assert.equal(payload.lastContact, '2019-03-01');
    const found = await s.records.lookup(handler, { nhsNumber: String(p.nhsNumber) }, 'check');
    assert.equal(found.subjectId, null);
  });

  test('only the DPO and SIRO run sweeps and set holds', async () => {
    await assert.rejects(
      s.rights.retention.run(await org.actor('handler')),
      (e: AccordError) => e.code === 'FORBIDDEN',
    );
    await assert.rejects(
      s.rights.holds.set(await org.actor('iao'), { scope: 'asset', targetId: 'x', reason: 'y' }),
      (e: AccordError) => e.code === 'FORBIDDEN',
    );
  });
});
