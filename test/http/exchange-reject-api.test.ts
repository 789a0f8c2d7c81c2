// Rejecting a transfer through the API with app.inject: a reason is required (a coded 400 naming
// the field, and nothing changes), a reason given rejects it, rejecting it again is a coded 409,
// anything opened from it is removed, and the sender's outbox, counts and notifications say so.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../helpers/db.ts';
import { createTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { exchangeAgreement, peopleAsset } from '../helpers/exchange.ts';

type Json = Record<string, unknown>;
interface Problem {
  field: string;
  message: string;
}
interface Listed {
  id: string;
  state: string;
  reason: string | null;
  nextStep: string;
  actions: string[];
}

forEachDialect('exchange API: rejecting a transfer', (dialect) => {
  let t: TestApp;
  let council: OrgFixture;
  let police: OrgFixture;
  let agreementId: string;
  let source: string;
  let inbox: string;

  const call = async (org: OrgFixture, method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const r = await t.app.inject({
      method,
      url,
      payload: payload as never,
      headers: { authorization: `Bearer ${org.people.handler.token}` },
    });
    return { status: r.statusCode, body: r.json<Json>() };
  };
  const errorOf = (body: Json) =>
    body.error as { code: string; message: string; problems?: Problem[] };
  const box = async (org: OrgFixture, which: 'inbox' | 'outbox') => {
    const r = await call(org, 'GET', `/api/exchange/${which}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body as unknown as { transfers: Listed[]; counts: Record<string, number> };
  };
  const reject = (id: string, payload: unknown, org = police) =>
    call(org, 'POST', `/api/exchange/transfers/${id}/reject`, payload);

  /** A transfer from the council, sent through the API and delivered to the police. */
  const delivered = async (): Promise<string> => {
    const created = await call(council, 'POST', '/api/exchange/transfers', {
      recipientOrgId: police.orgId,
      agreementId,
      purpose: 'safeguarding',
      recordType: 'person',
      selection: { kind: 'asset', assetId: source },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = String(created.body.id);
    const sent = await call(council, 'POST', `/api/exchange/transfers/${id}/ready`);
    assert.equal(sent.body.state, 'delivered');
    return id;
  };

  before(async () => {
    t = await createTestApp(dialect);
    council = await setupOrg(t.services, 'Rejectshire Council');
    police = await setupOrg(t.services, 'Rejectshire Police');
    agreementId = (await exchangeAgreement(t.services, council, police)).id;
    source = await peopleAsset(t.services, council, 4, 'Residents');
    inbox = await peopleAsset(t.services, police, 0, 'From partners');
  });
  after(async () => t.close());

  test('no reason, a blank one or one too long: a coded 400 naming the field, and nothing changes', async () => {
    const id = await delivered();
    const missing = await reject(id, {});
    assert.equal(missing.status, 400, JSON.stringify(missing.body));
    assert.equal(errorOf(missing.body).code, 'VALIDATION_FAILED');
    assert.deepEqual(
      errorOf(missing.body).problems?.map((p) => p.field),
      ['body.reason'],
    );
    const blank = await reject(id, { reason: '   ' });
    assert.equal(blank.status, 400, JSON.stringify(blank.body));
    assert.equal(errorOf(blank.body).code, 'VALIDATION_FAILED');
    assert.deepEqual(errorOf(blank.body).problems, [
      { field: 'reason', message: 'Say why you are rejecting the transfer' },
    ]);
    const long = await reject(id, { reason: 'x'.repeat(1001) });
    assert.equal(long.status, 400);
    assert.equal(errorOf(long.body).problems?.[0]?.field, 'body.reason');
    const extra = await reject(id, { reason: 'Not ours', because: 'no' });
    assert.equal(extra.status, 400);
    assert.equal(errorOf(extra.body).problems?.[0]?.field, 'body.because');
    const still = await call(police, 'GET', `/api/exchange/transfers/${id}`);
    assert.equal(still.body.state, 'delivered');
    assert.deepEqual(still.body.actions, ['open', 'reject']);
    // The sender cannot reject what it sent: to it, there is no such transfer to reject.
    const own = await reject(id, { reason: 'Changed our mind' }, council);
    assert.equal(own.status, 404, JSON.stringify(own.body));
    assert.equal(errorOf(own.body).code, 'NOT_FOUND');
    assert.equal(
      (await call(council, 'GET', `/api/exchange/transfers/${id}`)).body.state,
      'delivered',
    );
  });

  test('rejected with a reason; again is a coded 409; the sender’s outbox, counts and notices say so', async () => {
    const sentBefore = (await box(council, 'outbox')).counts;
    const id = await delivered();
    const reason = 'These people are not known to us';
    const done = await reject(id, { reason: `  ${reason}  ` });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.state, 'rejected');
    assert.equal(done.body.reason, reason);
    assert.deepEqual(done.body.actions, []);
    assert.equal(typeof done.body.closedAt, 'string');

    const again = await reject(id, { reason: 'Still not ours' });
    assert.equal(again.status, 409, JSON.stringify(again.body));
    assert.equal(errorOf(again.body).code, 'TRANSFER_STATE');
    assert.match(errorOf(again.body).message, /is rejected, so it cannot be rejected/);
    // Nor can it be opened or acknowledged now.
    const open = await call(police, 'POST', `/api/exchange/transfers/${id}/open`, {
      assetId: inbox,
    });
    assert.equal(open.status, 409);
    assert.equal(errorOf(open.body).code, 'TRANSFER_STATE');

    const out = await box(council, 'outbox');
    const listed = out.transfers.find((x) => x.id === id);
    assert.equal(listed?.state, 'rejected');
    assert.equal(listed?.reason, reason, 'the first reason stands');
    assert.match(listed?.nextStep ?? '', /Read the reason/);
    assert.equal(out.counts.rejected, sentBefore.rejected! + 1);
    assert.equal(out.counts.delivered, sentBefore.delivered, 'no longer delivered');
    const inb = await box(police, 'inbox');
    assert.equal(inb.transfers.find((x) => x.id === id)?.nextStep, 'Nothing: you rejected it');
    assert.equal(inb.counts.rejected, out.counts.rejected);

    const notes = await call(council, 'GET', '/api/exchange/notifications');
    assert.equal(notes.status, 200);
    const told = (
      notes.body as unknown as { kind: string; transferId: string; message: string }[]
    ).filter((n) => n.transferId === id);
    assert.deepEqual(
      told.map((n) => n.kind),
      ['rejected'],
      'one notice, not one per attempt',
    );
    assert.equal(
      told[0]?.message,
      `Rejectshire Police rejected transfer ${id.slice(0, 8)}: ${reason}`,
    );
  });

  test('rejecting an opened transfer removes the records opened from it', async () => {
    const id = await delivered();
    const opened = await call(police, 'POST', `/api/exchange/transfers/${id}/open`, {
      assetId: inbox,
    });
    assert.equal(opened.status, 200, JSON.stringify(opened.body));
    assert.deepEqual(opened.body.actions, ['acknowledge', 'reject']);
    const held = async () =>
      (
        await t.services.store.db
          .selectFrom('record')
          .select('record_id')
          .where('source', '=', `transfer:${id}`)
          .execute()
      ).length;
    assert.equal(await held(), 4);
    const done = await reject(id, { reason: 'Sent to the wrong force' });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.state, 'rejected');
    assert.equal(await held(), 0);
  });
});
