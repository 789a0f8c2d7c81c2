// Reconciliation: 500,000 members (imported, sealed, in SQLite) against a payments feed of about
// the same size (uploaded CSV), by membership number and record linkage — the whole run timed,
// from reading and opening the records to storing the sealed variance list — beside a plain
// in-memory hash join of the same rows by membership number. Also checks the planted variances.
import path from 'node:path';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { openServices } from '../src/services.ts';
import { loadConfig } from '../src/config.ts';
import { nodeActor } from '../src/domain/policy/actor.ts';
import { parseFeed } from '../src/domain/reconcile/rows.ts';
import { generate, plantedKey } from '../test/helpers/reconcile-data.ts';
import type { Benchmark } from './lib.ts';
import { now, perSecond, report, tempDir } from './lib.ts';

const MEMBERS = Number(process.env.BENCH_RECONCILE_ROWS ?? 500_000);

/** The baseline: the same rows joined by membership number in a Map, nothing else. */
function hashJoin(
  members: readonly { membershipNumber: string }[],
  payments: readonly { payload: Record<string, unknown> }[],
): number {
  const t0 = now();
  const byNumber = new Map<string, number>();
  members.forEach((m, i) => byNumber.set(m.membershipNumber, i));
  let matched = 0;
  for (const p of payments) {
    const n = p.payload.membershipNumber;
    if (typeof n === 'string' && byNumber.has(n.replace(/\s/g, '').toUpperCase())) matched++;
  }
  if (matched === 0) throw new Error('the baseline matched nothing');
  return now() - t0;
}

export const reconcileBenchmark: Benchmark = {
  name: 'reconcile',
  description: `reconciliation of ${MEMBERS.toLocaleString('en-GB')} members (SQLite) against a payments feed of about the same size (CSV)`,
  async run() {
    const dir = tempDir('reconcile');
    const config = loadConfig({
      NODE_ENV: 'test',
      ACCORD_DATA_DIR: dir,
      ACCORD_DEMO: 'false',
      LOG_LEVEL: 'silent',
    });
    const s = await openServices(config, { actor: 'node' });
    try {
      const org = await s.orgs.create({ name: 'Bench Party', kind: 'party' }, 'node');
      const node = nodeActor(org.id);
      const asset = await s.assets.create(node, {
        name: 'Membership list',
        typeKey: 'member',
        classification: 'OFFICIAL-SENSITIVE',
        lawfulBasis: 'art6-1-f',
        specialCondition: 'art9-2-d',
        retentionPeriod: 'P6Y',
        retentionFrom: 'joinedOn',
      });
      const data = generate(MEMBERS, 100);
      const job = await s.imports.run(node, {
        assetId: asset.id,
        format: 'jsonl',
        fileName: 'members.jsonl',
        stream: Readable.from(
          (function* () {
            for (let i = 0; i < data.members.length; i += 1000)
              yield data.members
                .slice(i, i + 1000)
                .map((m) => `${JSON.stringify(m)}\n`)
                .join('');
          })(),
        ),
        purpose: 'benchmark load',
      });
      if (job.rowsImported !== MEMBERS) throw new Error(`imported ${job.rowsImported}`);
      const csv = data.paymentsCsv();
      const baselineMs = hashJoin(data.members, parseFeed(csv));
      // A server holds none of the generated rows: let them go before timing the run.
      data.members.length = 0;
      data.payments.length = 0;

      const cpu0 = process.cpuUsage();
      const t0 = now();
      const run = await s.reconcile.reconciliations.start(node, {
        listAssetId: asset.id,
        csv,
        fileName: 'payments.csv',
      });
      const ms = now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const records = run.counts.aRows + run.counts.bRows;

      // Check the answer too: every planted variance found, and nothing else.
      const found = new Set<string>();
      for (let page = 1; found.size < run.counts.variances; page++) {
        const p = await s.reconcile.variances.list(node, run.id, { page, pageSize: 500 });
        if (p.variances.length === 0) break;
        for (const v of p.variances)
          found.add(
            plantedKey(
              v.kind,
              v.reason,
              v.a?.membershipNumber ?? null,
              v.b ? Number(v.b.ref.slice('line:'.length)) : null,
            ),
          );
      }
      const missed = [...data.planted].filter((k) => !found.has(k)).length;
      const extra = [...found].filter((k) => !data.planted.has(k)).length;

      const perS = perSecond(records, ms);
      const comparisons = run.counts.comparisons / run.counts.bRows;
      report('reconcile_records_per_s', perS, 'records/s', {
        label: 'plain hash join by number',
        value: perSecond(records, baselineMs),
        unit: 'records/s',
        target: 'absolute ≥ 50,000 records/s',
      });
      report('reconcile_run_s', ms / 1000, 's', {
        label: 'target',
        value: 20,
        unit: 's',
        target: '≤ 1.0',
      });
      report('reconcile_cpu_s', (cpu.user + cpu.system) / 1e6, 's');
      report('reconcile_read_open_ms', run.counts.readMs, 'ms');
      report('  of which the list (read, open, parse)', run.counts.readListMs, 'ms');
      report('  of which the feed (CSV)', run.counts.readFeedMs, 'ms');
      report('  of which hashing numbers', run.counts.hashMs, 'ms');
      report('reconcile_link_ms', run.counts.linkMs, 'ms');
      report('reconcile_store_ms', run.counts.storeMs, 'ms');
      report('reconcile_comparisons_per_record', comparisons, 'comparisons', {
        label: 'target',
        value: 50,
        unit: 'comparisons',
        target: '≤ 1.0',
      });
      report('reconcile_variances', run.counts.variances, 'variances', {
        label: 'planted',
        value: data.planted.size,
        unit: 'variances',
      });
      report('reconcile_planted_missed', missed, 'variances');
      report('reconcile_unplanted_reported', extra, 'variances');
      return {
        reconcile_records_per_s: perS,
        reconcile_baseline_hash_join_per_s: perSecond(records, baselineMs),
        reconcile_run_ms: Math.round(ms),
        reconcile_cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
        reconcile_comparisons_per_record: Math.round(comparisons * 1000) / 1000,
        reconcile_planted_missed: missed,
        reconcile_unplanted_reported: extra,
      };
    } finally {
      await s.close();
      fs.rmSync(path.resolve(dir), { recursive: true, force: true });
    }
  },
};
