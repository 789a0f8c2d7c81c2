// Exchange: 100,000 person records sent from one organisation to another on one node — picked,
// projected, encrypted to the recipient in chunks, signed, stored, then opened: verified,
// decrypted, imported and audited — against raw better-sqlite3 inserts of the same rows.
import path from 'node:path';
import { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import { uuid7 } from '../src/domain/ids.ts';
import { createTestServices } from '../test/helpers/app.ts';
import { WARM_WORKERS } from '../src/server.ts';
import { keepWarm, stopSpares } from '../src/domain/records/worker-spares.ts';
import { exchangeAgreement } from '../test/helpers/exchange.ts';
import { setupOrg } from '../test/helpers/people.ts';
import { person, personAsset } from '../test/helpers/records.ts';
import { checkThroughput } from './exchange-checks.ts';
import { federatedTransfer } from './exchange-federated.ts';
import type { Benchmark } from './lib.ts';
import { now, perSecond, report, setUpSettled, tempDir } from './lib.ts';

const ROWS = Number(process.env.BENCH_EXCHANGE_ROWS ?? 100_000);

/** The same rows (the projected records), inserted as plaintext, 1,000 per transaction. */
function baseline(rows: string[]): number {
  const db = new Database(path.join(tempDir('exchange-base'), 'baseline.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('create table plain (record_id text primary key, payload text not null)');
  const ins = db.prepare('insert into plain values (?, ?)');
  const batch = db.transaction((lines: string[]) => {
    for (const l of lines) ins.run(uuid7(), l);
  });
  const t0 = now();
  for (let i = 0; i < rows.length; i += 1000) batch(rows.slice(i, i + 1000));
  const ms = now() - t0;
  db.close();
  return perSecond(rows.length, ms);
}

export const exchangeBenchmark: Benchmark = {
  name: 'exchange',
  description: `a transfer of ${ROWS.toLocaleString('en-GB')} person records between two organisations on one node and between two nodes over loopback HTTPS, then yes/no checks over HTTP with 1,000,000 records stored (SQLite)`,
  async run() {
    const t = await createTestServices('sqlite');
    const s = t.services;
    // As a running server does: a spare worker of each kind is started ahead of the jobs.
    keepWarm(WARM_WORKERS);
    try {
      const council = await setupOrg(s, 'Bench Council', { tokens: false });
      const police = await setupOrg(s, 'Bench Police', { tokens: false });
      const dsa = await exchangeAgreement(s, council, police);
      const source = await personAsset(s, council, 'Residents');
      const inbox = await personAsset(s, police, 'From partners');
      const lines: string[] = [];
      for (let i = 0; i < ROWS; i++) lines.push(`${JSON.stringify(person(i))}\n`);
      await s.imports.run(await council.actor('iao'), {
        assetId: source.id,
        format: 'jsonl',
        fileName: 'people.jsonl',
        stream: Readable.from(lines),
        purpose: 'bench set-up',
      });
      await setUpSettled(s.store);
      const sender = await council.actor('handler');
      const recipient = await police.actor('handler');
      const t0 = now();
      const draft = await s.exchange.transfers.create(sender, {
        recipientOrgId: police.orgId,
        agreementId: dsa.id,
        purpose: 'safeguarding',
        recordType: 'person',
        selection: { kind: 'asset', assetId: source.id },
      });
      const t1 = now();
      await s.exchange.transfers.ready(sender, draft.id);
      const t2 = now();
      const opened = await s.exchange.transfers.open(recipient, draft.id, inbox.id);
      const t3 = now();
      if (opened.recordCount !== ROWS) throw new Error(`sent ${opened.recordCount} of ${ROWS}`);
      const rate = perSecond(ROWS, t3 - t0);
      // The baseline runs on a quiet machine: the opened transfer's log is copied back first.
      await setUpSettled(s.store);
      const projected = lines.map((l) => {
        const p = JSON.parse(l) as Record<string, unknown>;
        return JSON.stringify({
          givenName: p.givenName,
          familyName: p.familyName,
          dateOfBirth: p.dateOfBirth,
          postcode: p.postcode,
        });
      });
      const base = baseline(projected);
      report('transfer_records_per_s', rate, 'records/s', {
        label: 'raw plaintext inserts',
        value: base,
        unit: 'rows/s',
        target: '≥ 0.2',
      });
      report('transfer_baseline_per_s', base, 'rows/s');
      const fed = await federatedTransfer(lines);
      report('federated_transfer_records_per_s', fed.rate, 'records/s', {
        label: 'the same transfer on one node',
        value: rate,
        unit: 'records/s',
        target: '≥ 0.5',
      });
      report('federated_seal_ms', fed.sealMs, 'ms');
      report('federated_deliver_ms', fed.deliverMs, 'ms');
      report('federated_open_ms', fed.openMs, 'ms');
      report('transfer_seal_ms', Math.round(t1 - t0), 'ms');
      report('transfer_sign_deliver_ms', Math.round(t2 - t1), 'ms');
      report('transfer_open_ms', Math.round(t3 - t2), 'ms');
      return {
        transfer_records_per_s: rate,
        transfer_baseline_per_s: base,
        transfer_seal_ms: Math.round(t1 - t0),
        transfer_open_ms: Math.round(t3 - t2),
        ...(await checkThroughput()),
        federated_transfer_records_per_s: fed.rate,
        federated_deliver_ms: fed.deliverMs,
      };
    } finally {
      await stopSpares();
      await t.close();
    }
  },
};
