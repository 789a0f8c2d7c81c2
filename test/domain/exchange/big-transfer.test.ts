// A transfer from an asset of 10,000 records or more is sealed on a worker thread
// (seal-pipeline.ts), and one of 10,000 records or more is opened on another (open-pipeline.ts):
// the records are opened, checked and sealed there while this thread stores them. The same
// journey as a small transfer must hold: every record sent once and imported, readable and linked
// to its line, the selection's filter and restrictions honoured, the size limit refused with
// nothing kept, and a tampered chunk refused with nothing imported.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { setupOrg } from '../../helpers/people.ts';
import type { OrgFixture } from '../../helpers/people.ts';
import { exchangeAgreement, peopleAsset, transferLinks } from '../../helpers/exchange.ts';
import { receivedRecord } from '../../../src/domain/exchange/transfer-links.ts';
import type { Agreement } from '../../../src/domain/agreements/agreements.view.ts';
import type { Services } from '../../../src/services.ts';
import type { AccordError } from '../../../src/errors.ts';
import { OPEN_WORKER, openTuning } from '../../../src/domain/exchange/open-pipeline.ts';
import { SEAL_WORKER } from '../../../src/domain/exchange/seal-pipeline.ts';
import {
  QUIET_LIMIT_MS,
  QUIET_MS,
  keepWarm,
  spareOf,
  stopSpares,
} from '../../../src/domain/records/worker-spares.ts';

const RECORDS = 10_000;

forEachDialect('exchange: a big transfer, sealed and opened on worker threads', (dialect) => {
  let t: TestServices;
  let s: Services;
  let council: OrgFixture;
  let police: OrgFixture;
  let dsa: Agreement;
  let source: string;
  let inbox: string;

  before(async () => {
    t = await createTestServices(dialect);
    s = t.services;
    council = await setupOrg(s, 'Westshire Council', { tokens: false });
    police = await setupOrg(s, 'Westshire Police', { tokens: false });
    dsa = await exchangeAgreement(s, council, police);
    source = await peopleAsset(s, council, RECORDS, 'Residents');
    inbox = await peopleAsset(s, police, 0, 'Received from partners');
  });
  after(async () => t.close());

  const sent = async (where?: Record<string, string>): Promise<string> => {
    const handler = await council.actor('handler');
    const draft = await s.exchange.transfers.create(handler, {
      recipientOrgId: police.orgId,
      agreementId: dsa.id,
      purpose: 'safeguarding',
      recordType: 'person',
      selection: { kind: 'asset', assetId: source, where },
    });
    await s.exchange.transfers.ready(handler, draft.id);
    return draft.id;
  };
  const importedFrom = async (id: string): Promise<number> =>
    (
      await s.store.db
        .selectFrom('record')
        .select('record_id')
        .where('source', '=', `transfer:${id}`)
        .execute()
    ).length;

  for (const [inline, how] of [
    [0, 'every chunk through the worker'],
    [3, 'three chunks opened here while the worker starts, then the worker'],
  ] as const)
    test(`every record is imported, readable, and linked to its line (${how})`, async () => {
      openTuning.inlineWhileStarting = inline;
      try {
        await everyRecordArrives();
      } finally {
        openTuning.inlineWhileStarting = Infinity;
      }
    });

  test('spare workers, started ahead as a server keeps them, serve one transfer each', async () => {
    keepWarm([SEAL_WORKER, OPEN_WORKER]);
    try {
      const spares = [spareOf(SEAL_WORKER), spareOf(OPEN_WORKER)];
      assert.ok(spares.every((w) => w !== undefined));
      await everyRecordArrives();
      // Each was taken for its job and ended with it. No replacement starts while jobs may
      // follow at once (it would take a core from them); once the machine is quiet, or after
      // QUIET_LIMIT_MS at most, a fresh spare waits for the next.
      assert.equal(spareOf(SEAL_WORKER), undefined);
      assert.equal(spareOf(OPEN_WORKER), undefined);
      const until = Date.now() + QUIET_LIMIT_MS + 2 * QUIET_MS;
      while (!(spareOf(SEAL_WORKER) && spareOf(OPEN_WORKER)) && Date.now() < until)
        await new Promise((r) => setTimeout(r, 100));
      const next = [spareOf(SEAL_WORKER), spareOf(OPEN_WORKER)];
      assert.ok(next.every((w, i) => w !== undefined && w !== spares[i]));
      // A spare that stops while idle is dropped, and the next job starts its own worker.
      const idle = spareOf(SEAL_WORKER)!;
      await idle.terminate();
      await new Promise((r) => setImmediate(r));
      assert.equal(spareOf(SEAL_WORKER) === idle, false);
      await everyRecordArrives();
    } finally {
      await stopSpares();
    }
    assert.equal(spareOf(SEAL_WORKER), undefined);
  });

  const everyRecordArrives = async (): Promise<void> => {
    const id = await sent();
    const opened = await s.exchange.transfers.open(await police.actor('handler'), id, inbox);
    assert.equal(opened.state, 'opened');
    assert.equal(opened.recordCount, RECORDS);
    assert.equal(await importedFrom(id), RECORDS);
    const links = await transferLinks(s.store, id);
    assert.equal(links.length, RECORDS);
    assert.ok(links.every((l, i) => l.line === i + 1 && l.recipient_record_id));
    // Each line leads from the sender's record to the recipient's sealed, readable copy of it.
    for (const l of [links[0]!, links[4321]!, links.at(-1)!]) {
      const original = await s.records.get(
        await council.actor('handler'),
        l.source_record_id,
        'safeguarding',
      );
      const copy = await s.records.get(
        await police.actor('handler'),
        l.recipient_record_id!,
        'safeguarding',
      );
      const { givenName, familyName, dateOfBirth, postcode } = original.payload;
      assert.deepEqual(copy.payload, { givenName, familyName, dateOfBirth, postcode });
      assert.equal(copy.source, `transfer:${id}`);
      // Corrections look one line up at a time, across the chunks' runs.
      assert.equal(await receivedRecord(s.store, id, l.line), l.recipient_record_id);
    }
    assert.equal(await receivedRecord(s.store, id, RECORDS + 1), undefined);
    const chunks = await s.store.db
      .selectFrom('transfer_chunk')
      .select('chunk_index')
      .where('transfer_id', '=', id)
      .execute();
    assert.equal(chunks.length, 0, 'the sealed copy is gone once imported');
  };

  test('a chunk moved to another place is refused on the worker, and nothing is imported', async () => {
    const id = await sent();
    const [fifth, sixth] = await Promise.all(
      [4, 5].map((i) =>
        s.store.db
          .selectFrom('transfer_chunk')
          .select('jwe')
          .where('transfer_id', '=', id)
          .where('chunk_index', '=', i)
          .executeTakeFirstOrThrow(),
      ),
    );
    // Sealed for this recipient, but for another place in the transfer.
    await s.store.db
      .updateTable('transfer_chunk')
      .set({ jwe: sixth!.jwe })
      .where('transfer_id', '=', id)
      .where('chunk_index', '=', 4)
      .execute();
    assert.notEqual(fifth!.jwe, sixth!.jwe);
    openTuning.inlineWhileStarting = 0;
    try {
      await assert.rejects(
        s.exchange.transfers.open(await police.actor('handler'), id, inbox),
        (e: AccordError) => e.code === 'TRANSFER_TAMPERED' && /Chunk 5/.test(e.message),
      );
    } finally {
      openTuning.inlineWhileStarting = Infinity;
    }
    assert.equal(await importedFrom(id), 0);
    const row = await s.store.db
      .selectFrom('transfer')
      .select('state')
      .where('transfer_id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(row.state, 'delivered', 'a failed open leaves it delivered');
    const [e] = await s.audit.list({
      orgId: police.orgId,
      action: 'exchange.transfer.verification-failed',
    });
    assert.equal(e?.target, `transfer:${id}`);
  });

  test('the filter picks on the worker and a restricted record stays behind', async () => {
    const rows = await s.store.db
      .selectFrom('record')
      .select('record_id')
      .where('asset_id', '=', source)
      .orderBy('record_id')
      .limit(2)
      .execute();
    const held = rows[1]!.record_id;
    const one = await s.records.get(
      await council.actor('handler'),
      rows[0]!.record_id,
      'safeguarding',
    );
    const postcode = String(one.payload.postcode);
    await s.store.db
      .updateTable('record')
      .set({ restricted_at: new Date().toISOString() })
      .where('record_id', '=', held)
      .execute();
    try {
      const all = await s.store.db
        .selectFrom('transfer_sent')
        .select('source_record_id')
        .where('transfer_id', '=', await sent())
        .execute();
      assert.equal(all.length, RECORDS - 1, 'every record but the restricted one');
      assert.ok(!all.some((l) => l.source_record_id === held));
      const picked = await sent({ postcode });
      const lines = await s.store.db
        .selectFrom('transfer_sent')
        .select('source_record_id')
        .where('transfer_id', '=', picked)
        .execute();
      assert.ok(lines.length > 0 && lines.length < RECORDS / 10, `${lines.length} picked`);
      for (const l of lines.slice(0, 5)) {
        const r = await s.records.get(
          await council.actor('handler'),
          l.source_record_id,
          'safeguarding',
        );
        assert.equal(r.payload.postcode, postcode);
      }
    } finally {
      await s.store.db
        .updateTable('record')
        .set({ restricted_at: null })
        .where('record_id', '=', held)
        .execute();
    }
  });
});

forEachDialect('exchange: the size limit, met on the worker thread', (dialect) => {
  let t: TestServices;
  after(async () => t?.close());

  test('more records than the node allows: refused mid-way, nothing kept but the audit entry', async () => {
    t = await createTestServices(dialect, { ACCORD_TRANSFER_MAX_RECORDS: '4000' });
    const s = t.services;
    const council = await setupOrg(s, 'Eastshire Council', { tokens: false });
    const police = await setupOrg(s, 'Eastshire Police', { tokens: false });
    const dsa = await exchangeAgreement(s, council, police);
    const source = await peopleAsset(s, council, RECORDS, 'Residents');
    await assert.rejects(
      s.exchange.transfers.create(await council.actor('handler'), {
        recipientOrgId: police.orgId,
        agreementId: dsa.id,
        purpose: 'safeguarding',
        recordType: 'person',
        selection: { kind: 'asset', assetId: source },
      }),
      (e: AccordError) => e.code === 'TRANSFER_TOO_LARGE',
    );
    for (const table of ['transfer', 'transfer_chunk', 'transfer_sent'] as const) {
      const rows = await s.store.db.selectFrom(table).selectAll().execute();
      assert.equal(rows.length, 0, `nothing left in ${table}`);
    }
    const [e] = await s.audit.list({ orgId: council.orgId, action: 'exchange.transfer.refused' });
    assert.equal(e?.outcome, 'refused');
  });
});
