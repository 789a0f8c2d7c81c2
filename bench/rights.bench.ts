// Rights and retention: the retention sweep (holds checked, kept versions and orphaned
// identifiers removed, a certificate per asset) against raw batched deletes of the same rows in
// the same database (rolled back, so the sweep then meets the same rows); and producing one
// subject's SAR bundle among many records and audit entries.
//
// Scaled down by default (BENCH_RIGHTS_RECORDS, BENCH_RIGHTS_AUDIT): the 1,000,000
// records and 5,000,000 audit entries take longer to generate than a bench run should.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Readable } from 'node:stream';
import { openServices } from '../src/services.ts';
import { nodeActor } from '../src/domain/policy/actor.ts';
import { testConfig } from '../test/helpers/app.ts';
import { setupOrg } from '../test/helpers/people.ts';
import { person } from '../test/helpers/records.ts';
import type { Benchmark } from './lib.ts';
import { now, percentile, perSecond, report, tempDir } from './lib.ts';

const RECORDS = Number(process.env.BENCH_RIGHTS_RECORDS ?? 100_000);
const AUDIT = Number(process.env.BENCH_RIGHTS_AUDIT ?? 500_000);
const CHUNK = 500;

export const rightsBenchmark: Benchmark = {
  name: 'rights',
  description: `retention sweep of ${RECORDS.toLocaleString('en-GB')} due records vs raw deletes; a SAR bundle among ${RECORDS.toLocaleString('en-GB')} records and ${AUDIT.toLocaleString('en-GB')} audit entries (SQLite)`,
  async run() {
    const dir = tempDir('rights');
    const s = await openServices(testConfig(`sqlite:${path.join(dir, 'accord.sqlite')}`, dir), {
      actor: 'node',
    });
    try {
      const org = await setupOrg(s, 'Bench Council', { tokens: false });
      const node = nodeActor(org.orgId);
      const asset = await s.assets.create(node, {
        name: 'Old cases',
        ownerPersonId: org.people.iao.personId,
        typeKey: 'person',
        classification: 'OFFICIAL-SENSITIVE',
        lawfulBasis: 'art6-1-e',
        retentionPeriod: 'P1Y',
        retentionFrom: 'lastContact',
        retentionAction: 'delete',
      });
      const lines = function* () {
        for (let i = 0; i < RECORDS; i++)
          yield `${JSON.stringify({ ...person(i), lastContact: '2015-01-01' })}\n`;
      };
      await s.imports.run(node, {
        assetId: asset.id,
        format: 'jsonl',
        fileName: 'bench.jsonl',
        stream: Readable.from(lines()),
        purpose: 'bench',
      });

      // Audit entries about records: one subject's record read a few times among many others.
      const ids = (
        await s.store.db.selectFrom('record').select(['record_id', 'subject_id']).execute()
      ).map((r) => r);
      const target = ids[Math.floor(ids.length / 2)]!;
      for (let done = 0; done < AUDIT;) {
        await s.store.transaction(async (tx) => {
          for (let k = 0; k < 10_000 && done < AUDIT; k++, done++)
            s.audit.record(tx, {
              orgId: org.orgId,
              actor: `person:${org.people.handler.personId}`,
              action: 'records.read',
              target: `record:${ids[(done * 7919) % ids.length]!.record_id}`,
              purpose: 'casework',
              outcome: 'ok',
              details: { via: 'bench' },
            });
        });
      }
      const p = person(ids.indexOf(target));
      const request = await s.rights.requests.log(await org.actor('dpo'), {
        kind: 'access',
        channel: 'email',
        identifiers: { nhsNumber: String(p.nhsNumber) },
        identityVerified: true,
      });
      const dpo = await org.actor('dpo');
      const times: number[] = [];
      let listed = 0;
      for (let i = 0; i < 7; i++) {
        const t0 = now();
        const b = await s.rights.bundles.produce(dpo, request.id);
        times.push(now() - t0);
        listed = b.records.length;
      }
      times.sort((a, b) => a - b);
      if (listed < 1) throw new Error('the bundle found no record');
      report('sar_bundle_ms (median of 7)', percentile(times, 50), 'ms', {
        label: 'target',
        value: 500,
        unit: 'ms',
        target: '≤ 500 at 1M records / 5M entries',
      });

      // Baseline: raw better-sqlite3 batched deletes of exactly the rows the sweep will take,
      // committed — a delete is not done until it is — on a byte-identical copy of the database
      // (checkpointed, then copied), so the sweep then meets the same rows in the original.
      const due = ids.map((r) => r.record_id);
      const baselineMs = rawDeletes(dir, due);
      const baseline = perSecond(due.length, baselineMs);

      const t0 = now();
      const swept = await s.rights.retention.run(await org.actor('dpo'));
      const sweepMs = now() - t0;
      if (swept.processed !== due.length)
        throw new Error(`swept ${swept.processed}, expected ${due.length}`);
      const rate = perSecond(swept.processed, sweepMs);
      report('retention_sweep_records_per_s', rate, 'records/s', {
        label: 'retention_baseline_delete_per_s',
        value: baseline,
        target: '≥ 0.25',
      });
      return {
        sar_bundle_ms: Math.round(percentile(times, 50) * 10) / 10,
        retention_sweep_records_per_s: rate,
        retention_baseline_delete_per_s: baseline,
        retention_sweep_ratio: Math.round((rate / baseline) * 1000) / 1000,
      };
    } finally {
      await s.close();
    }
  },
};

/** Milliseconds for raw batched deletes of `ids`, committed, on a copy of the services' database. */
function rawDeletes(dir: string, ids: readonly string[]): number {
  const file = path.join(dir, 'accord.sqlite');
  const copy = path.join(dir, 'baseline.sqlite');
  const writer = new Database(file);
  writer.pragma('wal_checkpoint(TRUNCATE)');
  writer.close();
  fs.copyFileSync(file, copy);
  const raw = new Database(copy);
  // The store's own connection settings (src/store/store.ts openSqlite).
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  const del = (n: number) =>
    raw.prepare(`delete from record where record_id in (${Array(n).fill('?').join(',')})`);
  const full = del(CHUNK);
  const t0 = now();
  raw.exec('begin immediate');
  for (let i = 0; i + CHUNK <= ids.length; i += CHUNK) full.run(...ids.slice(i, i + CHUNK));
  const rest = ids.slice(ids.length - (ids.length % CHUNK));
  if (rest.length) del(rest.length).run(...rest);
  raw.exec('commit');
  const ms = now() - t0;
  raw.close();
  fs.rmSync(copy);
  return ms;
}
