// Subject requests on a real database: the clock through pauses and extensions, a SAR bundle
// that lists an access made here, redaction, erasure refused under a legal hold, restriction
// honoured by look-ups and the sharing decision, and rectification that keeps the old version.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { setupOrg } from '../../helpers/people.ts';
import type { OrgFixture } from '../../helpers/people.ts';
import { person, personAsset } from '../../helpers/records.ts';
import { approved, personTerms } from '../../helpers/agreements.ts';
import { withAccess } from '../../../src/domain/policy/gate.ts';
import { AccordError } from '../../../src/errors.ts';
import type { Services } from '../../../src/services.ts';
import type { Asset } from '../../../src/domain/records/assets.service.ts';

const ids = (p: Record<string, unknown>) => ({ nhsNumber: String(p.nhsNumber) });

forEachDialect('subject rights requests', (dialect) => {
  let t: TestServices;
  let s: Services;
  let org: OrgFixture;
  let police: OrgFixture;
  let residents: Asset;
  let members: Asset;
  before(async () => {
    t = await createTestServices(dialect);
    s = t.services;
    org = await setupOrg(s, 'Rights Council', { tokens: false });
    police = await setupOrg(s, 'Rights Police', { tokens: false });
    residents = await personAsset(s, org);
    members = await s.assets.create(await org.actor('iao'), {
      name: 'Newsletter list',
      ownerPersonId: org.people.iao.personId,
      typeKey: 'person',
      classification: 'OFFICIAL-SENSITIVE',
      lawfulBasis: 'art6-1-a',
      retentionPeriod: 'P2Y',
      retentionFrom: 'lastContact',
      retentionAction: 'delete',
      application: 'Mailing tool',
    });
  });
  after(async () => t.close());

  const log = async (kind: string, p: Record<string, unknown>, verified = true) =>
    s.rights.requests.log(await org.actor('dpo'), {
      kind,
      channel: 'email',
      receivedOn: s.rights.requests.today(),
      identifiers: ids(p),
      description: 'Please send me everything you hold about me.',
      identityVerified: verified,
    });

  test('logging checks every field and saves nothing when one is wrong', async () => {
    const dpo = await org.actor('dpo');
    await assert.rejects(
      s.rights.requests.log(dpo, {
        kind: 'gossip',
        channel: 'pigeon',
        receivedOn: '2999-01-01',
        identifiers: { nhsNumber: '123' },
      }),
      (e: AccordError) =>
        e.code === 'VALIDATION_FAILED' &&
        ['kind', 'channel', 'receivedOn', 'nhsNumber'].every((f) =>
          e.problems.some((p) => p.field === f),
        ),
    );
    assert.equal((await s.rights.requests.list(dpo, 'all')).length, 0);
    await assert.rejects(
      s.rights.requests.list(await org.actor('handler')),
      (e: AccordError) => e.code === 'FORBIDDEN',
    );
  });

  test('pausing for identity adds the days paused; an extension needs a reason', async () => {
    const dpo = await org.actor('dpo');
    const r = await log('access', person(40), false);
    assert.equal(r.status, 'received');
    assert.match(r.reference, /^SR-\d{4}-\d{4}$/);
    const paused = await s.rights.requests.move(dpo, r.id, { move: 'await-identity' });
    assert.equal(paused.clock.paused, true);
    const resumed = await s.rights.requests.move(dpo, r.id, {
      move: 'resume',
      identityVerified: true,
    });
    assert.deepEqual([resumed.status, resumed.identityVerified], ['in-progress', true]);
    await assert.rejects(
      s.rights.requests.extend(dpo, r.id, 1, ''),
      (e: AccordError) => e.code === 'VALIDATION_FAILED',
    );
    await assert.rejects(
      s.rights.requests.extend(dpo, r.id, 3, 'numerous'),
      (e: AccordError) => e.code === 'VALIDATION_FAILED',
    );
    const ext = await s.rights.requests.extend(dpo, r.id, 2, 'Records in eleven systems');
    assert.equal(ext.extensionMonths, 2);
    assert.ok(ext.clock.dueOn > r.clock.dueOn);
    await assert.rejects(
      s.rights.requests.move(dpo, r.id, { move: 'refuse' }),
      (e: AccordError) => e.code === 'VALIDATION_FAILED',
    );
    const done = await s.rights.requests.move(dpo, r.id, { move: 'complete', reason: 'Sent' });
    assert.equal(done.open, false);
    assert.deepEqual(
      done.timeline.map((e) => e.kind),
      ['received', 'await-identity', 'resume', 'extended', 'complete'],
    );
    await assert.rejects(
      s.rights.requests.move(dpo, r.id, { move: 'start' }),
      (e: AccordError) => e.code === 'CONFLICT',
    );
  });

  test('a bundle lists an access made in the test, with its purpose, and is itself audited', async () => {
    const p = person(41);
    const handler = await org.actor('handler');
    const w = await s.records.create(handler, residents.id, p, 'housing assessment');
    await s.records.get(handler, w.recordId, 'safeguarding review 41');
    const dpo = await org.actor('dpo');
    const r = await log('access', p);
    await s.rights.bundles.redact(dpo, r.id, {
      recordId: w.recordId,
      field: 'address',
      text: 'Northtown',
      reason: 'names a neighbour’s town',
    });
    const b = await s.rights.bundles.produce(dpo, r.id);
    assert.equal(b.records.length, 1);
    const rec = b.records[0]!;
    assert.equal(rec.assetName, 'Residents');
    assert.equal(rec.payload.familyName, p.familyName);
    assert.match(String(rec.payload.address), /withheld/);
    assert.deepEqual(rec.redactedFields, ['address']);
    assert.equal(rec.lawfulBasis.code, 'art6-1-e');
    assert.ok(rec.retainUntil);
    const seen = rec.accesses.find((a) => a.purpose === 'safeguarding review 41');
    assert.ok(seen, 'the read made above is listed');
    assert.equal(seen.by, `person:${org.people.handler.personId}`);
    assert.equal(seen.byName, 'Handler of Rights Council');
    assert.ok(rec.purposes.includes('housing assessment'));
    const logged = await s.audit.list({ orgId: org.orgId, action: 'rights.bundle.produced' });
    assert.equal(logged[0]?.target, `request:${r.id}`);
    // The bundle's own reads are recorded for the next one.
    const again = await s.rights.bundles.produce(dpo, r.id);
    assert.ok(again.records[0]!.accesses.some((a) => a.purpose === 'subject access'));
    const unverified = await log('access', p, false);
    await assert.rejects(
      s.rights.bundles.produce(dpo, unverified.id),
      (e: AccordError) => e.code === 'CONFLICT',
    );
  });

  test('erasure is refused for a record under legal hold or a retention rule, and done elsewhere', async () => {
    const p = person(42);
    const handler = await org.actor('handler');
    const kept = await s.records.create(handler, residents.id, p, 'council tax');
    const held = await s.records.create(handler, members.id, p, 'newsletter');
    const other = await s.records.create(
      handler,
      members.id,
      { ...p, address: '9 Mill Lane' },
      'newsletter',
    );
    const dpo = await org.actor('dpo');
    await s.rights.holds.set(dpo, {
      scope: 'record',
      targetId: held.recordId,
      reason: 'Tribunal claim 2025/77',
    });
    const r = await log('erasure', p);
    const out = await s.rights.rightsActions.erase(dpo, r.id);
    const by = new Map(out.map((o) => [o.recordId, o]));
    assert.equal(by.get(held.recordId)?.outcome, 'kept');
    assert.match(by.get(held.recordId)!.reason!, /legal hold: Tribunal claim/);
    assert.equal(by.get(kept.recordId)?.outcome, 'kept');
    assert.match(by.get(kept.recordId)!.reason!, /retention rule of Residents/);
    assert.equal(by.get(other.recordId)?.outcome, 'erased');
    await assert.rejects(s.records.get(handler, other.recordId, 'check'), AccordError);
    assert.equal((await s.records.get(handler, held.recordId, 'check')).id, held.recordId);
    const refusals = await s.audit.list({ orgId: org.orgId, action: 'rights.erasure.refused' });
    assert.ok(refusals.some((e) => e.target === `record:${held.recordId}`));
  });

  test('a restricted record is kept, left out of look-ups and refused by the sharing decision', async () => {
    const p = person(43);
    const handler = await org.actor('handler');
    const w = await s.records.create(handler, residents.id, p, 'benefits');
    await approved(s, org, police, personTerms(s, org, police));
    const share = async (restricted: boolean) =>
      withAccess(s, await police.actor('handler'), (gate) =>
        s.sharing.decide(gate, {
          operation: 'transfer',
          providerOrgId: org.orgId,
          recordType: 'person',
          purpose: 'safeguarding',
          restricted,
        }),
      );
    assert.equal((await share(false)).allow, true);
    const dpo = await org.actor('dpo');
    const r = await log('restriction', p);
    await s.rights.rightsActions.restrict(dpo, r.id, 'Accuracy contested');
    const row = await s.store.db
      .selectFrom('record')
      .select(['restricted_at', 'restriction_reason'])
      .where('record_id', '=', w.recordId)
      .executeTakeFirstOrThrow();
    assert.ok(row.restricted_at);
    assert.equal(row.restriction_reason, 'Accuracy contested');
    const refused = await share(true);
    assert.deepEqual([refused.allow, refused.clause], [false, 'restriction']);
    assert.equal((await s.records.lookup(handler, ids(p), 'check')).records.length, 0);
    await s.rights.rightsActions.restrict(dpo, r.id, '', true);
    assert.equal((await s.records.lookup(handler, ids(p), 'check')).records.length, 1);
  });

  test('rectification writes a new version and keeps the old one, not served', async () => {
    const p = person(44);
    const handler = await org.actor('handler');
    const w = await s.records.create(handler, residents.id, p, 'housing');
    const dpo = await org.actor('dpo');
    const r = await log('rectification', p);
    await assert.rejects(
      s.rights.rightsActions.rectify(dpo, r.id, w.recordId, { dateOfBirth: 'soon' }, 'typo'),
      (e: AccordError) => e.code === 'VALIDATION_FAILED',
    );
    await s.rights.rightsActions.rectify(
      dpo,
      r.id,
      w.recordId,
      { address: '2 New Road' },
      'Moved in May; council tax bill shown',
    );
    const now = await s.records.get(handler, w.recordId, 'check');
    assert.deepEqual([now.version, now.payload.address], [2, '2 New Road']);
    const old = await s.store.db
      .selectFrom('record_version')
      .selectAll()
      .where('record_id', '=', w.recordId)
      .execute();
    assert.deepEqual(
      old.map((o) => o.version),
      [1],
    );
    assert.match(old[0]!.reason, /council tax bill/);
  });
});
