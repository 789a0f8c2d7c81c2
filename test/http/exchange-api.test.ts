// The exchange API with app.inject: a transfer sent, opened and acknowledged through the API,
// an illegal step as a coded 409, a bad request as a coded 400, and a signed check answer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../helpers/db.ts';
import { createTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { CHECK_KEY, exchangeAgreement, peopleAsset } from '../helpers/exchange.ts';
import { person } from '../helpers/records.ts';

forEachDialect('exchange API', (dialect) => {
  let t: TestApp;
  let council: OrgFixture;
  let police: OrgFixture;
  let agreementId: string;
  let source: string;
  let inbox: string;

  const call = async (
    org: OrgFixture,
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    payload?: unknown,
  ) => {
    const r = await t.app.inject({
      method,
      url,
      payload: payload as never,
      headers: { authorization: `Bearer ${org.people.handler.token}` },
    });
    return { status: r.statusCode, body: r.json<Record<string, unknown>>() };
  };

  before(async () => {
    t = await createTestApp(dialect);
    council = await setupOrg(t.services, 'Northshire Council');
    police = await setupOrg(t.services, 'Northshire Police');
    agreementId = (await exchangeAgreement(t.services, council, police)).id;
    source = await peopleAsset(t.services, council, 5, 'Residents');
    inbox = await peopleAsset(t.services, police, 0, 'From partners');
  });
  after(async () => t.close());

  test('send, open and acknowledge through the API; inbox and outbox show the next step', async () => {
    const created = await call(council, 'POST', '/api/exchange/transfers', {
      recipientOrgId: police.orgId,
      agreementId,
      purpose: 'safeguarding',
      recordType: 'person',
      selection: { kind: 'asset', assetId: source },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.state, 'draft');
    const id = String(created.body.id);
    const sent = await call(council, 'POST', `/api/exchange/transfers/${id}/ready`);
    assert.equal(sent.body.state, 'delivered');
    const box = await call(police, 'GET', '/api/exchange/inbox');
    const listed = (box.body.transfers as Record<string, unknown>[])[0]!;
    assert.equal(listed.id, id);
    assert.match(String(listed.nextStep), /Open it/);
    assert.equal((box.body.counts as Record<string, number>).delivered, 1);
    const opened = await call(police, 'POST', `/api/exchange/transfers/${id}/open`, {
      assetId: inbox,
    });
    assert.equal(opened.status, 200, JSON.stringify(opened.body));
    assert.equal(opened.body.state, 'opened');
    const recall = await call(council, 'POST', `/api/exchange/transfers/${id}/recall`);
    assert.equal(recall.status, 409);
    assert.equal((recall.body.error as { code: string }).code, 'TRANSFER_STATE');
    const ack = await call(police, 'POST', `/api/exchange/transfers/${id}/acknowledge`);
    assert.equal(ack.body.state, 'acknowledged');
    const out = await call(council, 'GET', '/api/exchange/outbox');
    assert.equal((out.body.transfers as Record<string, unknown>[])[0]?.state, 'acknowledged');
  });

  test('a transfer with no purpose: a coded 400 listing the problem', async () => {
    const r = await call(council, 'POST', '/api/exchange/transfers', {
      recipientOrgId: police.orgId,
      agreementId,
      purpose: '',
      recordType: 'person',
      selection: { kind: 'asset', assetId: source },
    });
    assert.equal(r.status, 400);
    assert.equal((r.body.error as { code: string }).code, 'VALIDATION_FAILED');
  });

  test('look-up and check over the API', async () => {
    const look = await call(police, 'POST', '/api/exchange/lookups', {
      providerOrgId: council.orgId,
      purpose: 'safeguarding',
      identifiers: { nhsNumber: String(person(2).nhsNumber) },
    });
    assert.equal(look.status, 200, JSON.stringify(look.body));
    assert.equal(look.body.match, true);
    const check = await call(police, 'POST', '/api/exchange/checks', {
      providerOrgId: council.orgId,
      purpose: 'safeguarding',
      checkKey: CHECK_KEY,
      identifiers: { nhsNumber: String(person(0).nhsNumber) },
    });
    assert.equal(check.body.answer, 'yes');
    assert.equal(String(check.body.signature).split('.').length, 3);
    assert.equal(check.body.note, undefined);
    // Identifiers of two different people: no match, and the answer says why.
    const mixed = await call(police, 'POST', '/api/exchange/checks', {
      providerOrgId: council.orgId,
      purpose: 'safeguarding',
      checkKey: CHECK_KEY,
      identifiers: {
        nhsNumber: String(person(0).nhsNumber),
        familyName: String(person(2).familyName),
        givenName: String(person(2).givenName),
        dateOfBirth: String(person(2).dateOfBirth),
        postcode: String(person(2).postcode),
      },
    });
    assert.equal(mixed.status, 200, JSON.stringify(mixed.body));
    assert.equal(mixed.body.answer, 'no-match');
    assert.match(String(mixed.body.note), /different people/);
  });
});
