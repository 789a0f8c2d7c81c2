// Look-ups and yes/no checks between organisations, on a real database: the agreed fields only,
// signed answers that disclose no record, questions outside the agreement, budgets, fishing
// alerts, and the webhook that tells an organisation (a local HTTP server stands in for it).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { compactVerify } from 'jose';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { setupOrg } from '../../helpers/people.ts';
import type { OrgFixture } from '../../helpers/people.ts';
import { testClock } from '../../helpers/clock.ts';
import { CHECK_KEY, exchangeAgreement, peopleAsset, restrictAll } from '../../helpers/exchange.ts';
import { person } from '../../helpers/records.ts';
import type { Services } from '../../../src/services.ts';
import { AccordError } from '../../../src/errors.ts';
import { FISHING } from '../../../src/domain/exchange/queries.service.ts';

const ids = (i: number): Record<string, string> => ({ nhsNumber: String(person(i).nhsNumber) });

forEachDialect('exchange: look-ups and checks', (dialect) => {
  const clock = testClock();
  let t: TestServices;
  let s: Services;
  let council: OrgFixture;
  let police: OrgFixture;
  let fire: OrgFixture;
  let youth: OrgFixture;

  before(async () => {
    t = await createTestServices(dialect, {}, clock);
    s = t.services;
    council = await setupOrg(s, 'Northshire Council', { tokens: false });
    police = await setupOrg(s, 'Northshire Police', { tokens: false });
    fire = await setupOrg(s, 'Northshire Fire', { tokens: false });
    await exchangeAgreement(s, council, police);
    await exchangeAgreement(s, council, fire, { budgets: { lookupsPerDay: 2, checksPerDay: 2 } });
    youth = await setupOrg(s, 'Northshire Youth Service', { tokens: false });
    await exchangeAgreement(s, council, youth, {
      conditions: [{ kind: 'subject-under-age', age: 60, dateOfBirthField: 'dateOfBirth' }],
    });
    await peopleAsset(s, council, 45, 'Residents');
  });
  after(async () => t.close());

  test('look-up: the agreed fields of the matching person, audited on both sides', async () => {
    const a = await s.exchange.queries.lookup(await police.actor('handler'), {
      providerOrgId: council.orgId,
      purpose: 'safeguarding',
      identifiers: ids(3),
    });
    assert.equal(a.match, true);
    assert.equal(a.basis, 'nhs-number');
    assert.deepEqual(a.records, [
      {
        givenName: person(3).givenName,
        familyName: person(3).familyName,
        dateOfBirth: person(3).dateOfBirth,
        postcode: person(3).postcode,
      },
    ]);
    const [asked] = await s.audit.list({ orgId: police.orgId, action: 'exchange.lookup' });
    assert.equal(asked?.details.queryId, a.queryId);
    const [answered] = await s.audit.list({
      orgId: council.orgId,
      action: 'exchange.lookup.answered',
    });
    assert.equal(answered?.details.queryId, a.queryId);
    assert.equal(answered?.details.asker, police.orgId);
  });

  test('check: yes, no and no-match, signed by the node, disclosing no record', async () => {
    const ask = async (i: number) =>
      s.exchange.queries.check(await police.actor('handler'), {
        providerOrgId: council.orgId,
        purpose: 'safeguarding',
        checkKey: CHECK_KEY,
        identifiers: ids(i),
      });
    const yes = await ask(0);
    assert.equal(yes.answer, 'yes');
    assert.equal((await ask(1)).answer, 'no');
    assert.equal((await ask(99_999)).answer, 'no-match');
    assert.equal(Object.hasOwn(yes, 'records'), false);
    const { payload, protectedHeader } = await compactVerify(yes.signature, s.keys.publicKey);
    assert.equal(protectedHeader.alg, 'EdDSA');
    const signed = JSON.parse(Buffer.from(payload).toString()) as Record<string, unknown>;
    assert.equal(signed.answer, 'yes');
    assert.equal(signed.queryId, yes.queryId);
    assert.equal(signed.question, 'Does the person live in AB1 0CD?');
    const [answered] = await s.audit.list({
      orgId: council.orgId,
      action: 'exchange.check.answered',
    });
    assert.equal(answered?.details.outcome, 'no-match');
  });

  test('a check question not in the agreement: refused, naming the clause, audited', async () => {
    try {
      await s.exchange.queries.check(await police.actor('handler'), {
        providerOrgId: council.orgId,
        purpose: 'safeguarding',
        checkKey: 'is-known-to-childrens-services',
        identifiers: ids(0),
      });
      assert.fail('expected a refusal');
    } catch (e) {
      assert.ok(e instanceof AccordError);
      assert.equal(e.code, 'FORBIDDEN');
      assert.match(e.message, /has no check 'is-known-to-childrens-services'/);
    }
    const [entry] = await s.audit.list({ orgId: police.orgId, action: 'share.check' });
    assert.equal(entry?.outcome, 'refused');
    assert.equal(entry?.details.clause, 'check');
    // Audited on both sides: the provider sees who asked what it was not agreed to answer.
    const [theirs] = await s.audit.list({ orgId: council.orgId, action: 'share.check' });
    assert.equal(theirs?.outcome, 'refused');
    assert.equal(theirs?.actor, `person:${police.people.handler.personId}`);
    assert.equal(theirs?.details.side, 'provider');
    assert.equal(theirs?.details.check, 'is-known-to-childrens-services');
  });

  test('an age condition is decided on the matched person: under 60 answered, over 60 refused', async () => {
    const look = async (i: number) =>
      s.exchange.queries.lookup(await youth.actor('handler'), {
        providerOrgId: council.orgId,
        purpose: 'safeguarding',
        identifiers: ids(i),
      });
    // person(40) was born in 1990; person(3) in 1953.
    assert.equal((await look(40)).match, true);
    await assert.rejects(
      look(3),
      (e: AccordError) => e.code === 'FORBIDDEN' && /under 60/.test(e.message),
    );
  });

  test('the budget: the third look-up of the day under a two-a-day agreement is refused', async () => {
    const look = async () =>
      s.exchange.queries.lookup(await fire.actor('handler'), {
        providerOrgId: council.orgId,
        purpose: 'safeguarding',
        identifiers: ids(5),
      });
    await look();
    await look();
    await assert.rejects(look(), (e: AccordError) => e.code === 'RATE_LIMITED');
    const [entry] = await s.audit.list({ orgId: fire.orgId, action: 'share.lookup' });
    assert.equal(entry?.details.clause, 'budget');
    const [theirs] = await s.audit.list({ orgId: council.orgId, action: 'share.lookup' });
    assert.equal(theirs?.details.clause, 'budget');
    assert.equal(theirs?.details.side, 'provider');
    // A refused look-up is not counted; the budget is per UTC day: the next day allows two more.
    const count = await s.store.db
      .selectFrom('exchange_query_count')
      .select('n')
      .where('org_id', '=', fire.orgId)
      .where('kind', '=', 'lookup')
      .executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 2);
    clock.advance(86_400_000);
    await look();
    await look();
    await assert.rejects(look(), (e: AccordError) => e.code === 'RATE_LIMITED');
  });

  test('fishing: repeated misses raise one alert in both organisations, and the webhook is called', async () => {
    const calls: Record<string, unknown>[] = [];
    const signed: { body: string; headers: http.IncomingHttpHeaders }[] = [];
    let failFirst = true;
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        // The first call fails: delivery is retried.
        if (failFirst) {
          failFirst = false;
          res.writeHead(503).end();
          return;
        }
        calls.push(JSON.parse(body) as Record<string, unknown>);
        signed.push({ body, headers: req.headers });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      await s.exchange.notifications.setWebhook(
        await council.actor('administrator'),
        `http://127.0.0.1:${port}/accord`,
      );
      const nosy = await police.actor('iao');
      for (let i = 0; i < FISHING.misses + 2; i++)
        await s.exchange.queries.check(nosy, {
          providerOrgId: council.orgId,
          purpose: 'safeguarding',
          checkKey: CHECK_KEY,
          identifiers: ids(50_000 + i),
        });
      for (const org of [police, council]) {
        const alerts = await s.audit.list({
          orgId: org.orgId,
          action: 'exchange.fishing.suspected',
        });
        assert.equal(alerts.length, 1, 'one alert as the threshold is crossed');
        assert.equal(alerts[0]?.details.person, nosy.ref);
        const notes = await s.exchange.notifications.list(await org.actor('dpo'));
        assert.equal(notes.filter((n) => n.kind === 'fishing').length, 1);
      }
      // The first attempt failed; a retry once it is due delivers it.
      for (let i = 0; i < 50 && calls.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
        clock.advance(60_000);
        await s.exchange.notifications.deliverDue();
      }
      assert.equal(calls.length, 1);
      assert.equal(calls[0]?.kind, 'fishing');
      assert.equal(calls[0]?.orgId, council.orgId);
      // Signed by the node over "<timestamp>.<body>": checkable with its published key, and
      // no good for any other body.
      const { body, headers } = signed[0]!;
      assert.equal(headers['accord-key-id'], s.keys.keyId);
      const stamp = String(headers['accord-timestamp']);
      const signature = Buffer.from(String(headers['accord-signature']), 'base64url');
      assert.equal(s.keys.verify(`${stamp}.${body}`, signature), true);
      assert.equal(s.keys.verify(`${stamp}.${body} `, signature), false);
    } finally {
      server.close();
    }
  });
  test('fishing: asking about many different people raises one alert; asking again about one does not count', async () => {
    const curious = await police.actor('dpo');
    const ask = (i: number) =>
      s.exchange.queries.check(curious, {
        providerOrgId: council.orgId,
        purpose: 'safeguarding',
        checkKey: CHECK_KEY,
        identifiers: ids(i),
      });
    const alertsFor = async () =>
      (await s.audit.list({ orgId: council.orgId, action: 'exchange.fishing.suspected' })).filter(
        (e) => e.details.person === curious.ref,
      );
    for (let i = 0; i < FISHING.subjects - 1; i++) {
      await ask(i);
      await ask(0); // the same person again: not a new one
    }
    assert.equal((await alertsFor()).length, 0, `${FISHING.subjects - 1} people: no alert yet`);
    await ask(FISHING.subjects - 1);
    for (let i = FISHING.subjects; i < FISHING.subjects + 3; i++) await ask(i);
    const alerts = await alertsFor();
    assert.equal(alerts.length, 1, 'one alert as the threshold is crossed');
    assert.equal(alerts[0]?.details.subjects, FISHING.subjects);
  });

  test('restricted records (Art. 18) are kept but refused to look-ups and checks, saying why', async () => {
    const lift = await restrictAll(s, council.orgId, clock().toISOString());
    try {
      for (const ask of [
        async () =>
          s.exchange.queries.lookup(await police.actor('handler'), {
            providerOrgId: council.orgId,
            purpose: 'safeguarding',
            identifiers: ids(7),
          }),
        async () =>
          s.exchange.queries.check(await police.actor('handler'), {
            providerOrgId: council.orgId,
            purpose: 'safeguarding',
            checkKey: CHECK_KEY,
            identifiers: ids(7),
          }),
      ]) {
        await assert.rejects(ask(), (e: unknown) => {
          assert.ok(e instanceof AccordError);
          assert.match(e.message, /restricted/);
          return true;
        });
      }
      const [entry] = await s.audit.list({ orgId: police.orgId, action: 'share.check' });
      assert.equal(entry?.details.clause, 'restriction');
    } finally {
      await lift();
    }
  });
});
