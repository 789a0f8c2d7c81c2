// Corrections that travel (UK GDPR Art. 19) on a real database: a record sent to a partner is
// rectified, erased or restricted at the sender; the partner gets a sealed notice, applies it to
// the copy the transfer link names (or disputes it), the sender sees each partner's state on the
// request, and both audit logs hold every step. Also: received records expire by the agreement's
// retention and are swept; accuracy flags travel with transfers and in check answers.
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { setupOrg } from '../../helpers/people.ts';
import type { OrgFixture } from '../../helpers/people.ts';
import { testClock } from '../../helpers/clock.ts';
import { CHECK_KEY, exchangeAgreement, transferLinks } from '../../helpers/exchange.ts';
import { person } from '../../helpers/records.ts';
import type { Agreement } from '../../../src/domain/agreements/agreements.view.ts';
import { nodeActor } from '../../../src/domain/policy/actor.ts';
import { addPeriod } from '../../../src/domain/records/retention-date.ts';
import type { Services } from '../../../src/services.ts';
import { AccordError } from '../../../src/errors.ts';

const DAY = 86_400_000;
const ids = (i: number): Record<string, string> => ({ nhsNumber: String(person(i).nhsNumber) });

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

forEachDialect('corrections travel to partners (Art. 19)', (dialect) => {
  const clock = testClock();
  let t: TestServices;
  let s: Services;
  let council: OrgFixture;
  let police: OrgFixture;
  let dsa: Agreement;
  let back: Agreement;
  let source: string;
  let inbox: string;
  /** The council's record of person(i), and the police's copy of it. */
  const sent = new Map<number, { recordId: string; copyId: string }>();

  before(async () => {
    t = await createTestServices(dialect, {}, clock);
    s = t.services;
    council = await setupOrg(s, 'Westshire Council', { tokens: false });
    police = await setupOrg(s, 'Westshire Police', { tokens: false });
    dsa = await exchangeAgreement(s, council, police);
    back = await exchangeAgreement(s, police, council);
    // Held on consent, so erasure is not refused by a retention rule.
    source = (
      await s.assets.create(await council.actor('iao'), {
        name: 'Residents',
        ownerPersonId: council.people.iao.personId,
        typeKey: 'person',
        classification: 'OFFICIAL-SENSITIVE',
        lawfulBasis: 'art6-1-a',
        retentionPeriod: 'P6Y',
        retentionFrom: 'lastContact',
        retentionAction: 'delete',
        application: null,
      })
    ).id;
    await s.imports.run(await council.actor('iao'), {
      assetId: source,
      format: 'jsonl',
      fileName: 'people.jsonl',
      stream: Readable.from([
        [...Array(8).keys()].map((i) => `${JSON.stringify(person(i))}\n`).join(''),
      ]),
      purpose: 'test set-up',
    });
    // No retention rule of its own: what it receives expires by the agreement.
    inbox = (
      await s.assets.create(await police.actor('iao'), {
        name: 'Received from partners',
        ownerPersonId: police.people.iao.personId,
        typeKey: 'person',
        classification: 'OFFICIAL-SENSITIVE',
        lawfulBasis: 'art6-1-e',
        retentionPeriod: null,
        retentionFrom: null,
        retentionAction: 'delete',
        application: null,
      })
    ).id;
    // Person 7's record is disputed before it is sent: the flag travels with it.
    const seven = await s.records.lookup(await council.actor('handler'), ids(7), 'check');
    await s.reconcile.accuracy.setFlag(await council.actor('handler'), seven.records[0]!.id, {
      flag: 'disputed',
      note: 'Says she never lived at this postcode',
    });
    const draft = await s.exchange.transfers.create(await council.actor('handler'), {
      recipientOrgId: police.orgId,
      agreementId: dsa.id,
      purpose: 'safeguarding',
      recordType: 'person',
      selection: { kind: 'asset', assetId: source },
    });
    await s.exchange.transfers.ready(await council.actor('handler'), draft.id);
    await s.exchange.transfers.open(await police.actor('handler'), draft.id, inbox);
    const links = await transferLinks(s.store, draft.id);
    assert.equal(links.length, 8);
    for (const l of links) {
      assert.ok(l.recipient_record_id, 'the recipient half of the link is set on opening');
      const copy = await s.records.get(
        await police.actor('handler'),
        l.recipient_record_id,
        'check',
      );
      const i = [...Array(8).keys()].find((k) => person(k).familyName === copy.payload.familyName)!;
      sent.set(i, { recordId: l.source_record_id, copyId: l.recipient_record_id });
    }
  });
  after(async () => t.close());

  const request = async (kind: string, i: number) =>
    s.rights.requests.log(await council.actor('dpo'), {
      kind,
      channel: 'email',
      receivedOn: s.rights.requests.today(),
      identifiers: ids(i),
      description: 'Please correct my records.',
      identityVerified: true,
    });

  const audited = async (orgId: string, action: string) =>
    (await s.audit.list({ orgId, action, limit: 100 })).map((e) => e.target);

  test('rectify → the partner is sent the agreed fields only, applies them, the sender sees it acknowledged', async () => {
    const dpo = await council.actor('dpo');
    const r = await request('rectification', 0);
    const { recordId, copyId } = sent.get(0)!;
    // The address never went to the police: correcting it alone tells them nothing.
    await s.rights.rightsActions.rectify(dpo, r.id, recordId, { address: '9 Mill Lane' }, 'moved');
    assert.equal((await s.corrections.list(await police.actor('handler'), 'received')).length, 0);
    await s.rights.rightsActions.rectify(
      dpo,
      r.id,
      recordId,
      { postcode: 'AB9 9ZZ', address: '10 Mill Lane' },
      'Postcode mistyped at registration; tenancy agreement seen',
    );
    const arrived = await s.exchange.notifications.list(await police.actor('handler'));
    assert.equal(arrived[0]?.kind, 'correction');
    const inboxList = await s.corrections.list(await police.actor('handler'), 'received');
    assert.equal(inboxList.length, 1);
    const notice = inboxList[0]!;
    assert.deepEqual([notice.kind, notice.fields, notice.state], ['rectify', ['postcode'], 'sent']);
    assert.deepEqual(notice.actions, ['apply', 'dispute']);
    const opened = await s.corrections.get(await police.actor('handler'), notice.id);
    assert.deepEqual(opened.changes, { postcode: 'AB9 9ZZ' });
    assert.match(opened.senderReason!, /tenancy agreement/);
    // The sealed copy in the database holds no value in clear.
    const row = await s.store.db
      .selectFrom('correction_notice')
      .selectAll()
      .where('notice_id', '=', notice.id)
      .executeTakeFirstOrThrow();
    assert.ok(!row.sealed.includes('AB9') && !row.signed.includes('AB9 9ZZ'));

    const applied = await s.corrections.apply(await police.actor('handler'), notice.id);
    assert.equal(applied.state, 'acknowledged');
    assert.equal(applied.recordId, copyId);
    const copy = await s.records.get(await police.actor('handler'), copyId, 'check');
    assert.deepEqual([copy.version, copy.payload.postcode], [2, 'AB9 9ZZ']);
    assert.equal(copy.payload.address, undefined, 'a field never sent is not added');
    await failsWith(
      s.corrections.apply(await police.actor('handler'), notice.id),
      'CORRECTION_STATE',
    );

    const mine = await s.corrections.forRequest(dpo, r.id);
    assert.deepEqual(
      mine.map((n) => [n.partnerName, n.state]),
      [['Westshire Police', 'acknowledged']],
    );
    const timeline = (await s.rights.requests.get(dpo, r.id)).timeline.map((e) => e.kind);
    assert.ok(
      timeline.includes('corrections-sent') && timeline.includes('correction-acknowledged'),
    );
    const target = `correction:${notice.id}`;
    for (const org of [council, police]) {
      assert.ok((await audited(org.orgId, 'corrections.acknowledged')).includes(target));
      assert.ok(
        (
          await audited(org.orgId, org === council ? 'corrections.sent' : 'corrections.received')
        ).includes(target),
      );
    }
    assert.ok((await audited(police.orgId, 'records.corrected')).includes(`record:${copyId}`));
    // A stranger (the sender) cannot act on the partner's notice.
    await failsWith(s.corrections.apply(await council.actor('handler'), notice.id), 'NOT_FOUND');
  });

  test('dispute: the partner refuses with a reason, the sender is told, it cannot then be applied', async () => {
    const dpo = await council.actor('dpo');
    const r = await request('rectification', 1);
    await s.rights.rightsActions.rectify(
      dpo,
      r.id,
      sent.get(1)!.recordId,
      { givenName: 'Ann' },
      'deed poll',
    );
    const [n] = await s.corrections.list(await police.actor('handler'), 'received', {
      state: 'sent',
    });
    await failsWith(
      s.corrections.dispute(await police.actor('handler'), n!.id, ' '),
      'VALIDATION_FAILED',
    );
    const d = await s.corrections.dispute(
      await police.actor('handler'),
      n!.id,
      'Our custody record shows the earlier name on a signed statement',
    );
    assert.equal(d.state, 'disputed');
    const [mine] = await s.corrections.forRequest(dpo, r.id);
    assert.deepEqual([mine!.state, mine!.disputeReason], ['disputed', d.disputeReason]);
    assert.equal(
      (await s.exchange.notifications.list(await council.actor('handler')))[0]?.kind,
      'correction-disputed',
    );
    await failsWith(s.corrections.apply(await police.actor('handler'), n!.id), 'CORRECTION_STATE');
    const copy = await s.records.get(await police.actor('handler'), sent.get(1)!.copyId, 'check');
    assert.equal(copy.version, 1);
    assert.ok(
      (await audited(council.orgId, 'corrections.disputed')).includes(`correction:${n!.id}`),
    );
  });

  test('erase → the partner’s copy is erased when it applies the notice', async () => {
    const r = await request('erasure', 2);
    await s.rights.rightsActions.erase(await council.actor('dpo'), r.id);
    const [n] = await s.corrections.list(await police.actor('handler'), 'received', {
      state: 'sent',
    });
    assert.equal(n!.kind, 'erase');
    await s.corrections.apply(await police.actor('handler'), n!.id);
    const gone = await s.store.db
      .selectFrom('record')
      .select('record_id')
      .where('record_id', '=', sent.get(2)!.copyId)
      .executeTakeFirst();
    assert.equal(gone, undefined);
    assert.ok(
      (await audited(police.orgId, 'records.erased')).includes(`record:${sent.get(2)!.copyId}`),
    );
  });

  test('restrict → the partner’s copy is left out of its own transfers and look-ups', async () => {
    const r = await request('restriction', 3);
    await s.rights.rightsActions.restrict(await council.actor('dpo'), r.id, 'accuracy contested');
    const [n] = await s.corrections.list(await police.actor('handler'), 'received', {
      state: 'sent',
    });
    assert.equal(n!.kind, 'restrict');
    await s.corrections.apply(await police.actor('handler'), n!.id);
    const draft = await s.exchange.transfers.create(await police.actor('handler'), {
      recipientOrgId: council.orgId,
      agreementId: back.id,
      purpose: 'safeguarding',
      recordType: 'person',
      selection: { kind: 'asset', assetId: inbox },
    });
    // 8 received, one erased, one restricted.
    assert.equal(draft.recordCount, 6);
    await s.exchange.transfers.recall(await police.actor('handler'), draft.id);
    const restricted = await s.store.db
      .selectFrom('record')
      .select('restricted_at')
      .where('record_id', '=', sent.get(3)!.copyId)
      .executeTakeFirstOrThrow();
    assert.ok(restricted.restricted_at);
  });

  test('a notice altered in the database is refused, in both audit logs, and changes nothing', async () => {
    const r = await request('rectification', 5);
    await s.rights.rightsActions.rectify(
      await council.actor('dpo'),
      r.id,
      sent.get(5)!.recordId,
      { givenName: 'Zed' },
      'typo',
    );
    const [n] = await s.corrections.list(await police.actor('handler'), 'received', {
      state: 'sent',
    });
    const row = await s.store.db
      .selectFrom('correction_notice')
      .select(['sealed', 'fields'])
      .where('notice_id', '=', n!.id)
      .executeTakeFirstOrThrow();
    // Someone with database access widens the notice to a field the partner never received.
    await s.store.db
      .updateTable('correction_notice')
      .set({ fields: JSON.stringify(['givenName', 'nhsNumber']) })
      .where('notice_id', '=', n!.id)
      .execute();
    await failsWith(s.corrections.apply(await police.actor('handler'), n!.id), 'TRANSFER_TAMPERED');
    await s.store.db
      .updateTable('correction_notice')
      .set({ fields: row.fields, sealed: `${row.sealed.slice(0, -4)}AAAA` })
      .where('notice_id', '=', n!.id)
      .execute();
    await failsWith(s.corrections.apply(await police.actor('handler'), n!.id), 'TRANSFER_TAMPERED');
    for (const org of [council, police])
      assert.equal(
        (await audited(org.orgId, 'corrections.verification-failed')).filter(
          (x) => x === `correction:${n!.id}`,
        ).length,
        2,
      );
    const copy = await s.records.get(await police.actor('handler'), sent.get(5)!.copyId, 'check');
    assert.equal(copy.version, 1);
    // Put right, it applies.
    await s.store.db
      .updateTable('correction_notice')
      .set({ sealed: row.sealed })
      .where('notice_id', '=', n!.id)
      .execute();
    assert.equal(
      (await s.corrections.apply(await police.actor('handler'), n!.id)).state,
      'acknowledged',
    );
  });

  test('unanswered notices become overdue, and can still be applied', async () => {
    const r = await request('rectification', 4);
    await s.rights.rightsActions.rectify(
      await council.actor('dpo'),
      r.id,
      sent.get(4)!.recordId,
      { familyName: 'Stone' },
      'marriage',
    );
    assert.equal(await s.corrections.markOverdue(), 0);
    clock.advance(31 * DAY);
    assert.equal(await s.corrections.markOverdue(), 1);
    const [n] = await s.corrections.list(await council.actor('handler'), 'sent', {
      state: 'overdue',
    });
    assert.ok(n);
    assert.equal(
      (await s.exchange.notifications.list(await council.actor('handler')))[0]?.kind,
      'correction-overdue',
    );
    assert.equal(
      (await s.corrections.apply(await police.actor('handler'), n.id)).state,
      'acknowledged',
    );
  });

  test('accuracy flags travel with the transfer and in check answers', async () => {
    const flags = await s.reconcile.accuracy.history(
      await police.actor('handler'),
      sent.get(7)!.copyId,
    );
    assert.deepEqual(
      flags.map((f) => f.flag),
      ['disputed'],
    );
    assert.match(flags[0]!.note, /Westshire Council: Says she never lived/);
    const none = await s.reconcile.accuracy.history(
      await police.actor('handler'),
      sent.get(5)!.copyId,
    );
    assert.equal(none.length, 0);
    const ask = async (i: number) =>
      s.exchange.queries.check(await police.actor('handler'), {
        providerOrgId: council.orgId,
        purpose: 'safeguarding',
        checkKey: CHECK_KEY,
        identifiers: ids(i),
      });
    assert.equal((await ask(7)).accuracy, 'disputed');
    assert.equal((await ask(5)).accuracy, null);
    const look = await s.exchange.queries.lookup(await police.actor('handler'), {
      providerOrgId: council.orgId,
      purpose: 'safeguarding',
      identifiers: ids(7),
    });
    assert.equal(look.accuracy, 'disputed');
  });

  test('received records carry the agreement’s retention and the sweep deletes them when due', async () => {
    const copy = await s.store.db
      .selectFrom('record')
      .select('retain_until')
      .where('record_id', '=', sent.get(6)!.copyId)
      .executeTakeFirstOrThrow();
    // Opened on the first day; the agreement keeps them two years at the recipient.
    const opened = new Date(clock().getTime() - 31 * DAY).toISOString().slice(0, 10);
    assert.equal(copy.retain_until, addPeriod(opened, 'P2Y'));
    const early = await s.rights.retention.run(nodeActor(police.orgId));
    assert.equal(early.processed, 0);
    clock.advance(2 * 366 * DAY);
    await s.rights.retention.run(nodeActor(police.orgId));
    const left = await s.store.db
      .selectFrom('record')
      .select('record_id')
      .where('org_id', '=', police.orgId)
      .where('asset_id', '=', inbox)
      .execute();
    assert.equal(left.length, 0);
    const certs = await s.audit.list({
      orgId: police.orgId,
      action: 'retention.certificate',
      limit: 5,
    });
    assert.equal(certs[0]?.target, `asset:${inbox}`);
  });
});
