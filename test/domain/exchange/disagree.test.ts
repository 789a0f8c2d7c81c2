// Identifiers that point to different people at the provider match no one: a look-up finds
// nothing and a check answers no-match, both saying why, so nobody is taken for someone else. The
// query is still kept, counted as a miss for fishing and audited (the schemes that disagree in
// the provider's log only); a restricted person among those pointed to is refused as if asked
// about alone; a one-subject transfer is refused. An identifier held for nobody does not count.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { compactVerify } from 'jose';
import { AccordError } from '../../../src/errors.ts';
import { FISHING } from '../../../src/domain/exchange/queries.service.ts';
import type { Services } from '../../../src/services.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { testClock } from '../../helpers/clock.ts';
import { forEachDialect } from '../../helpers/db.ts';
import { CHECK_KEY, exchangeAgreement, peopleAsset, restrictAll } from '../../helpers/exchange.ts';
import { setupOrg } from '../../helpers/people.ts';
import type { OrgFixture } from '../../helpers/people.ts';
import { person } from '../../helpers/records.ts';

/** Person i's NHS number (mistyped, say) beside person j's name, date of birth and postcode. */
const mixed = (i: number, j: number): Record<string, string> => ({
  nhsNumber: String(person(i).nhsNumber),
  familyName: String(person(j).familyName),
  givenName: String(person(j).givenName),
  dateOfBirth: String(person(j).dateOfBirth),
  postcode: String(person(j).postcode),
});

forEachDialect('exchange: identifiers that disagree', (dialect) => {
  const clock = testClock();
  let t: TestServices;
  let s: Services;
  let council: OrgFixture;
  let police: OrgFixture;
  let agreementId = '';

  before(async () => {
    t = await createTestServices(dialect, {}, clock);
    s = t.services;
    council = await setupOrg(s, 'Disagree Council', { tokens: false });
    police = await setupOrg(s, 'Disagree Police', { tokens: false });
    agreementId = (await exchangeAgreement(s, council, police)).id;
    await peopleAsset(s, council, 12, 'Residents');
  });
  after(async () => t.close());

  const asked = (identifiers: Record<string, string>) => ({
    providerOrgId: council.orgId,
    purpose: 'safeguarding',
    identifiers,
  });

  test('nobody is matched, the answer says why, and the query is kept and audited', async () => {
    const handler = await police.actor('handler');
    const looked = await s.exchange.queries.lookup(handler, asked(mixed(5, 6)));
    assert.equal(looked.match, false);
    assert.deepEqual(looked.records, []);
    assert.match(looked.note ?? '', /different people/);
    const checked = await s.exchange.queries.check(handler, {
      ...asked(mixed(5, 6)),
      checkKey: CHECK_KEY,
    });
    assert.equal(checked.answer, 'no-match');
    assert.match(checked.note ?? '', /different people/);
    const signed = JSON.parse(
      new TextDecoder().decode((await compactVerify(checked.signature, s.keys.publicKey)).payload),
    ) as { answer: string };
    assert.equal(signed.answer, 'no-match');
    const kept = await s.store.db
      .selectFrom('exchange_query')
      .select('outcome')
      .where('query_id', 'in', [looked.queryId, checked.queryId])
      .execute();
    assert.deepEqual(
      kept.map((k) => k.outcome),
      ['disagree', 'disagree'],
    );
    // The provider's log says which schemes disagree; the asker's says only the outcome.
    const [answered] = await s.audit.list({
      orgId: council.orgId,
      action: 'exchange.check.answered',
    });
    assert.equal(answered?.details.queryId, checked.queryId);
    assert.deepEqual(answered?.details.disagree, ['nhs-number', 'name-dob-postcode']);
    const [own] = await s.audit.list({ orgId: police.orgId, action: 'exchange.check' });
    assert.equal(own?.details.queryId, checked.queryId);
    assert.equal(own?.details.outcome, 'disagree');
    assert.equal(own?.details.disagree, undefined);
  });

  test('an identifier held for nobody does not count against the one that matches', async () => {
    const moved = await s.exchange.queries.lookup(
      await police.actor('handler'),
      asked({ ...mixed(5, 6), nhsNumber: String(person(1000).nhsNumber) }),
    );
    assert.equal(moved.match, true);
    assert.equal(moved.note, undefined);
    assert.equal(moved.records[0]?.familyName, person(6).familyName);
  });

  test('repeated, they are misses like any other: fishing is suspected', async () => {
    const dpo = await police.actor('dpo');
    for (let i = 0; i <= FISHING.misses; i++)
      await s.exchange.queries.check(dpo, { ...asked(mixed(1, 2)), checkKey: CHECK_KEY });
    const alerts = await s.audit.list({
      orgId: police.orgId,
      action: 'exchange.fishing.suspected',
    });
    const missed = alerts.filter((a) => a.details.person === dpo.ref && a.details.misses);
    assert.deepEqual(
      missed.map((a) => a.details.misses),
      [FISHING.misses],
    );
  });

  test('a restricted person among those pointed to is refused under that clause', async () => {
    const lift = await restrictAll(s, council.orgId, clock().toISOString());
    try {
      await assert.rejects(
        s.exchange.queries.check(await police.actor('handler'), {
          ...asked(mixed(8, 9)),
          checkKey: CHECK_KEY,
        }),
        (e: unknown) => e instanceof AccordError && /restricted/.test(e.message),
      );
    } finally {
      await lift();
    }
  });

  test('a transfer of one subject whose identifiers disagree is refused, saying why', async () => {
    await assert.rejects(
      s.exchange.transfers.create(await council.actor('handler'), {
        recipientOrgId: police.orgId,
        agreementId,
        purpose: 'safeguarding',
        recordType: 'person',
        selection: { kind: 'subject', identifiers: mixed(5, 6) },
      }),
      (e: unknown) => e instanceof AccordError && e.code === 'IDENTIFIERS_DISAGREE',
    );
  });
});
