// Transfers between two organisations on one node, on a real database: the whole journey with
// both audit logs, tampering, the recall/open race, expiry, refusals that leave nothing behind,
// and the size limit.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { setupOrg } from '../../helpers/people.ts';
import type { OrgFixture } from '../../helpers/people.ts';
import { testClock } from '../../helpers/clock.ts';
import { exchangeAgreement, peopleAsset } from '../../helpers/exchange.ts';
import { person } from '../../helpers/records.ts';
import type { Agreement } from '../../../src/domain/agreements/agreements.view.ts';
import type { Services } from '../../../src/services.ts';
import { AccordError } from '../../../src/errors.ts';

const DAY = 86_400_000;

async function failsWith(p: Promise<unknown>, code: string): Promise<AccordError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof AccordError, String(e));
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}`);
}

forEachDialect('exchange: transfers', (dialect) => {
  const clock = testClock();
  let t: TestServices;
  let s: Services;
  let council: OrgFixture;
  let police: OrgFixture;
  let dsa: Agreement;
  let source: string;
  let inbox: string;

  before(async () => {
    t = await createTestServices(dialect, { ACCORD_TRANSFER_MAX_RECORDS: '3000' }, clock);
    s = t.services;
    council = await setupOrg(s, 'Northshire Council', { tokens: false });
    police = await setupOrg(s, 'Northshire Police', { tokens: false });
    dsa = await exchangeAgreement(s, council, police);
    source = await peopleAsset(s, council, 2500, 'Residents');
    inbox = await peopleAsset(s, police, 0, 'Received from partners');
  });
  after(async () => t.close());

  const send = async (assetId = source) =>
    s.exchange.transfers.create(await council.actor('handler'), {
      recipientOrgId: police.orgId,
      agreementId: dsa.id,
      purpose: 'safeguarding',
      recordType: 'person',
      selection: { kind: 'asset', assetId },
    });

  test('send, open and acknowledge: projected, chunked, imported, audited on both sides', async () => {
    const draft = await send();
    assert.equal(draft.state, 'draft');
    assert.equal(draft.recordCount, 2500);
    assert.equal(draft.chunkCount, 3);
    assert.deepEqual(draft.fields, ['givenName', 'familyName', 'dateOfBirth', 'postcode']);
    const sent = await s.exchange.transfers.ready(await council.actor('handler'), draft.id);
    assert.equal(sent.state, 'delivered');
    assert.ok(sent.expiresAt! > new Date(clock().getTime() + 13 * DAY).toISOString());
    const box = await s.exchange.transfers.views.list(await police.actor('handler'), 'inbox');
    assert.equal(box.transfers[0]?.id, draft.id);
    assert.deepEqual(box.transfers[0]?.actions, ['open', 'reject']);
    const arrived = await s.exchange.notifications.list(await police.actor('handler'));
    assert.equal(arrived[0]?.kind, 'arrived');

    const opened = await s.exchange.transfers.open(await police.actor('handler'), draft.id, inbox);
    assert.equal(opened.state, 'opened');
    const found = await s.records.lookup(
      await police.actor('handler'),
      {
        familyName: String(person(7).familyName),
        givenName: String(person(7).givenName),
        dateOfBirth: String(person(7).dateOfBirth),
        postcode: String(person(7).postcode),
      },
      'safeguarding',
    );
    // (person() repeats names every 900 people: every match came by this transfer.)
    assert.ok(found.records.length >= 1);
    const got = found.records[0]!;
    assert.equal(got.source, `transfer:${draft.id}`);
    assert.equal(got.payload.address, undefined, 'only the agreed fields travel');
    assert.equal(got.payload.nhsNumber, undefined);
    assert.ok(
      got.retainUntil! > new Date(clock().getTime() + 700 * DAY).toISOString().slice(0, 10),
    );
    const done = await s.exchange.transfers.acknowledge(await police.actor('handler'), draft.id);
    assert.equal(done.state, 'acknowledged');

    for (const org of [council, police]) {
      const actions = (await s.audit.list({ orgId: org.orgId, limit: 500 }))
        .filter(
          (e) => e.target === `transfer:${draft.id}` && e.action.startsWith('exchange.transfer.'),
        )
        .map((e) => e.action)
        .reverse();
      assert.deepEqual(actions, [
        'exchange.transfer.drafted',
        'exchange.transfer.ready',
        'exchange.transfer.delivered',
        'exchange.transfer.opened',
        'exchange.transfer.acknowledged',
      ]);
    }
    const noted = await s.exchange.notifications.list(await council.actor('handler'));
    assert.equal(noted[0]?.kind, 'acknowledged');
    // Acknowledged is final.
    await failsWith(
      s.exchange.transfers.recall(await council.actor('handler'), draft.id),
      'TRANSFER_STATE',
    );
  });

  test('one person picked by identifiers: only their records travel', async () => {
    const x = await s.exchange.transfers.create(await council.actor('handler'), {
      recipientOrgId: police.orgId,
      agreementId: dsa.id,
      purpose: 'safeguarding',
      recordType: 'person',
      selection: { kind: 'subject', identifiers: { nhsNumber: String(person(11).nhsNumber) } },
    });
    // One record on SQLite; on PostgreSQL the record writer also joins people whose name, date of
    // birth and postcode coincide (person() repeats them every 900), so up to three.
    assert.ok(x.recordCount >= 1 && x.recordCount <= 3, String(x.recordCount));
    assert.equal(x.selection, 'one person, by identifiers');
    await assert.rejects(
      s.exchange.transfers.create(await council.actor('handler'), {
        recipientOrgId: police.orgId,
        agreementId: dsa.id,
        purpose: 'safeguarding',
        recordType: 'person',
        selection: { kind: 'subject', identifiers: { nhsNumber: '9434765870' } },
      }),
      (e: AccordError) => e.code === 'NOT_FOUND' || e.code === 'VALIDATION_FAILED',
    );
    await s.exchange.transfers.recall(await council.actor('handler'), x.id);
  });

  test('a tampered payload or manifest is refused, nothing imported, audited on both sides', async () => {
    const small = await peopleAsset(s, council, 3, undefined, 5000);
    for (const tamper of ['chunk', 'manifest'] as const) {
      const x = await send(small);
      await s.exchange.transfers.ready(await council.actor('handler'), x.id);
      if (tamper === 'chunk') {
        // Swap in a chunk sealed for the same recipient but with other content.
        const other = await send(small);
        const swapped = await s.store.db
          .selectFrom('transfer_chunk')
          .select('jwe')
          .where('transfer_id', '=', other.id)
          .executeTakeFirstOrThrow();
        await s.store.db
          .updateTable('transfer_chunk')
          .set({ jwe: swapped.jwe })
          .where('transfer_id', '=', x.id)
          .execute();
      } else {
        const row = await s.store.db
          .selectFrom('transfer')
          .select('manifest_jws')
          .where('transfer_id', '=', x.id)
          .executeTakeFirstOrThrow();
        const [h, body, sig] = row.manifest_jws!.split('.');
        const m = JSON.parse(Buffer.from(body!, 'base64url').toString()) as { recordCount: number };
        m.recordCount = 2;
        const forged = `${h}.${Buffer.from(JSON.stringify(m)).toString('base64url')}.${sig}`;
        await s.store.db
          .updateTable('transfer')
          .set({ manifest_jws: forged })
          .where('transfer_id', '=', x.id)
          .execute();
      }
      await failsWith(
        s.exchange.transfers.open(await police.actor('handler'), x.id, inbox),
        'TRANSFER_TAMPERED',
      );
      const row = await s.store.db
        .selectFrom('transfer')
        .select('state')
        .where('transfer_id', '=', x.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.state, 'delivered', 'a failed open leaves it delivered');
      const imported = await s.store.db
        .selectFrom('record')
        .select('record_id')
        .where('source', '=', `transfer:${x.id}`)
        .execute();
      assert.equal(imported.length, 0);
      for (const org of [council, police]) {
        const [e] = await s.audit.list({
          orgId: org.orgId,
          action: 'exchange.transfer.verification-failed',
        });
        assert.equal(e?.target, `transfer:${x.id}`);
        assert.equal(e?.outcome, 'refused');
      }
    }
  });

  test('recall and open race: exactly one wins', async () => {
    const small = await peopleAsset(s, council, 3, undefined, 6000);
    for (let i = 0; i < 3; i++) {
      const x = await send(small);
      await s.exchange.transfers.ready(await council.actor('handler'), x.id);
      const [recall, open] = await Promise.allSettled([
        s.exchange.transfers.recall(await council.actor('handler'), x.id),
        s.exchange.transfers.open(await police.actor('handler'), x.id, inbox),
      ]);
      const won = [recall, open].filter((r) => r.status === 'fulfilled');
      assert.equal(won.length, 1, 'only one of recall and open succeeds');
      const lost = [recall, open].find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.equal((lost.reason as AccordError).code, 'TRANSFER_STATE');
      const row = await s.store.db
        .selectFrom('transfer')
        .select('state')
        .where('transfer_id', '=', x.id)
        .executeTakeFirstOrThrow();
      const imported = await s.store.db
        .selectFrom('record')
        .select('record_id')
        .where('source', '=', `transfer:${x.id}`)
        .execute();
      if (row.state === 'recalled') assert.equal(imported.length, 0);
      else assert.equal(imported.length, 3);
      // The loser's refusal is in both parties' logs.
      for (const org of [council, police]) {
        const refused = (await s.audit.list({ orgId: org.orgId })).filter(
          (e) => e.target === `transfer:${x.id}` && e.outcome === 'refused',
        );
        assert.equal(refused.length, 1, `one refusal in ${org.orgId}'s log`);
        assert.equal(refused[0]!.details.code, 'TRANSFER_STATE');
      }
    }
  });

  test('unacknowledged past the deadline: expired, and the sender is told', async () => {
    const small = await peopleAsset(s, council, 2, undefined, 7000);
    const x = await send(small);
    await s.exchange.transfers.ready(await council.actor('handler'), x.id);
    assert.equal(await s.exchange.transfers.expireDue(), 0);
    clock.advance(15 * DAY);
    try {
      assert.ok((await s.exchange.transfers.expireDue()) >= 1);
    } finally {
      clock.advance(-15 * DAY);
    }
    const seen = await s.exchange.transfers.views.get(await council.actor('handler'), x.id);
    assert.equal(seen.state, 'expired');
    const notes = await s.exchange.notifications.list(await council.actor('handler'));
    assert.equal(notes.find((n) => n.transferId === x.id)?.kind, 'expired');
    await failsWith(
      s.exchange.transfers.open(await police.actor('handler'), x.id, inbox),
      'TRANSFER_STATE',
    );
    const expired = await s.audit.list({
      orgId: police.orgId,
      action: 'exchange.transfer.expired',
    });
    assert.ok(expired.some((e) => e.target === `transfer:${x.id}`));
  });

  test('a record type the agreement does not cover: refused, nothing stored but the audit entry', async () => {
    const before = await s.store.db.selectFrom('transfer').select('transfer_id').execute();
    const members = await s.assets.create(await council.actor('iao'), {
      name: 'Members',
      ownerPersonId: council.people.iao.personId,
      typeKey: 'member',
      classification: 'OFFICIAL-SENSITIVE',
      specialCondition: 'art9-2-d',
      lawfulBasis: 'art6-1-e',
      retentionAction: 'delete',
    });
    const e = await failsWith(
      s.exchange.transfers.create(await council.actor('handler'), {
        recipientOrgId: police.orgId,
        agreementId: dsa.id,
        purpose: 'safeguarding',
        recordType: 'member',
        selection: { kind: 'asset', assetId: members.id },
      }),
      'FORBIDDEN',
    );
    assert.match(e.message, /does not share member records/);
    const after = await s.store.db.selectFrom('transfer').select('transfer_id').execute();
    assert.equal(after.length, before.length);
    const [entry] = await s.audit.list({ orgId: council.orgId, action: 'share.transfer' });
    assert.equal(entry?.outcome, 'refused');
    assert.equal(entry?.details.clause, 'fields');
  });

  test('oversized: more records than the node allows is refused with nothing stored', async () => {
    const big = await peopleAsset(s, council, 3001, undefined, 10_000);
    const chunksBefore = await s.store.db
      .selectFrom('transfer_chunk')
      .select('transfer_id')
      .execute();
    const e = await failsWith(send(big), 'TRANSFER_TOO_LARGE');
    assert.match(e.message, /at most 3,000 records/);
    const chunksAfter = await s.store.db
      .selectFrom('transfer_chunk')
      .select('transfer_id')
      .execute();
    assert.equal(chunksAfter.length, chunksBefore.length);
    const [entry] = await s.audit.list({
      orgId: council.orgId,
      action: 'exchange.transfer.refused',
    });
    assert.equal(entry?.details.code, 'TRANSFER_TOO_LARGE');
  });

  test('illegal changes give a coded error; the other organisation cannot see a draft', async () => {
    const small = await peopleAsset(s, council, 1, undefined, 8000);
    const x = await send(small);
    await failsWith(
      s.exchange.transfers.views.get(await police.actor('handler'), x.id),
      'NOT_FOUND',
    );
    await failsWith(
      s.exchange.transfers.acknowledge(await police.actor('handler'), x.id),
      'NOT_FOUND',
    );
    await s.exchange.transfers.ready(await council.actor('handler'), x.id);
    await failsWith(
      s.exchange.transfers.acknowledge(await police.actor('handler'), x.id),
      'TRANSFER_STATE',
    );
    await failsWith(
      s.exchange.transfers.reject(await police.actor('handler'), x.id, ''),
      'VALIDATION_FAILED',
    );
    const r = await s.exchange.transfers.reject(
      await police.actor('handler'),
      x.id,
      'Wrong person',
    );
    assert.equal(r.state, 'rejected');
    assert.equal(r.reason, 'Wrong person');
    const notes = await s.exchange.notifications.list(await council.actor('handler'));
    assert.equal(notes.find((n) => n.transferId === x.id)?.kind, 'rejected');
  });

  test('the agreement is suspended, then ends, mid-transfer: opening is refused, nothing is imported, both logs say so', async () => {
    const ends = await exchangeAgreement(s, council, police);
    const versionId = ends.latest.versionId;
    const small = await peopleAsset(s, council, 2, undefined, 9000);
    const under = async () =>
      s.exchange.transfers.create(await council.actor('handler'), {
        recipientOrgId: police.orgId,
        agreementId: ends.id,
        purpose: 'safeguarding',
        recordType: 'person',
        selection: { kind: 'asset', assetId: small },
      });
    const x = await under();
    const sent = [x.id];
    await s.exchange.transfers.ready(await council.actor('handler'), x.id);
    await s.agreements.control(await council.actor('dpo'), versionId, 'suspend', 'Breach review');
    const imported = async () =>
      (
        await s.store.db
          .selectFrom('record')
          .select('record_id')
          .where('source', '=', `transfer:${x.id}`)
          .execute()
      ).length;
    const refusals = async (orgId: string) =>
      (await s.audit.list({ orgId, action: 'share.transfer' })).filter(
        (e) => e.outcome === 'refused' && sent.includes(e.details.transfer as string),
      );
    await failsWith(
      s.exchange.transfers.open(await police.actor('handler'), x.id, inbox),
      'FORBIDDEN',
    );
    assert.equal(await imported(), 0);
    assert.equal(
      (await s.exchange.transfers.views.get(await police.actor('handler'), x.id)).state,
      'delivered',
      'still waiting, to be opened if the agreement resumes',
    );
    for (const org of [police, council]) {
      const [e] = await refusals(org.orgId);
      assert.equal(e?.details.code, 'FORBIDDEN', `refusal in ${org.orgId}'s log`);
      assert.equal(e?.actor, `person:${police.people.handler.personId}`);
    }
    assert.equal((await refusals(council.orgId))[0]!.details.side, 'sender');

    // Resumed: it opens. Then a second transfer outlives the agreement's end.
    await s.agreements.control(await council.actor('siro'), versionId, 'resume', 'Reviewed');
    assert.equal(
      (await s.exchange.transfers.open(await police.actor('handler'), x.id, inbox)).state,
      'opened',
    );
    assert.equal(await imported(), 2);
    const y = await under();
    sent.push(y.id);
    await s.exchange.transfers.ready(await council.actor('handler'), y.id);
    const end = new Date(clock().getTime() + DAY).toISOString();
    await s.agreements.control(
      await council.actor('dpo'),
      versionId,
      'terminate',
      'Project over',
      end,
    );
    clock.advance(2 * DAY);
    try {
      await failsWith(
        s.exchange.transfers.open(await police.actor('handler'), y.id, inbox),
        'FORBIDDEN',
      );
    } finally {
      clock.advance(-2 * DAY);
    }
    const late = await s.store.db
      .selectFrom('record')
      .select('record_id')
      .where('source', '=', `transfer:${y.id}`)
      .execute();
    assert.equal(late.length, 0);
    assert.equal((await refusals(council.orgId)).length, 2);
    assert.equal((await refusals(police.orgId)).length, 2);
  });
});
