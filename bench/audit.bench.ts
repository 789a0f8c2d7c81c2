// Audit log: committed appends (hashing, tree update, checkpoints included) against raw batched
// better-sqlite3 inserts of the same rows; full verification; inclusion proofs at 1,000,000.
import path from 'node:path';
import Database from 'better-sqlite3';
import { AuditLog } from '../src/domain/audit/audit.service.ts';
import { inclusionProof } from '../src/domain/audit/proofs.ts';
import { verifyLog } from '../src/domain/audit/verify.ts';
import { HASH_SIZE, hasher } from '../src/domain/audit/hasher.ts';
import { loadOrCreateNodeKeys } from '../src/domain/node/node-keys.ts';
import type { AuditEvent } from '../src/domain/audit/audit.types.ts';
import type { Benchmark } from './lib.ts';
import { freshStore, now, percentile, perSecond, report, tempDir } from './lib.ts';

const APPENDS = 200_000;
const BATCH = 1000;
const LOG_SIZE = 1_000_000;

const event = (i: number): AuditEvent => ({
  orgId: `org-${i % 5}`,
  actor: `user:${(i * 7919) % 5000}`,
  action: 'record.read',
  target: `record:${i}`,
  purpose: 'safeguarding',
  outcome: 'allow',
  details: { agreement: 'DSA-12', version: 3, fields: ['name', 'dateOfBirth'] },
});

/** The rows AuditLog writes for the same events, built ahead so the baseline is pure inserts. */
function sameRows(n: number): [number, string, Buffer][] {
  const at = new Date().toISOString();
  const entries: string[] = [];
  for (let i = 0; i < n; i++) {
    const e = event(i);
    entries.push(
      JSON.stringify({
        v: 1,
        seq: i,
        at,
        org: e.orgId,
        actor: e.actor,
        action: e.action,
        target: e.target,
        purpose: e.purpose,
        outcome: e.outcome,
        details: e.details,
      }),
    );
  }
  const leaves = Buffer.allocUnsafe(n * HASH_SIZE);
  hasher.hashLeaves(entries, leaves);
  return entries.map((entry, i) => [i, entry, leaves.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE)]);
}

/** Raw better-sqlite3 inserts of the same rows into the same table (a fresh Accord database). */
async function baselineInserts(dir: string, rows: [number, string, Buffer][]): Promise<number> {
  await (await freshStore(dir, 'baseline.sqlite')).close();
  const raw = new Database(path.join(dir, 'baseline.sqlite'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  const ins = raw.prepare('insert into audit_entry (seq, entry, leaf_hash) values (?, ?, ?)');
  const batch = raw.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) ins.run(...(rows[i] as [number, string, Buffer]));
  });
  const t0 = now();
  for (let i = 0; i < rows.length; i += BATCH) batch(i, Math.min(i + BATCH, rows.length));
  const ms = now() - t0;
  raw.close();
  return perSecond(rows.length, ms);
}

async function appendAll(log: AuditLog, from: number, to: number): Promise<number> {
  const t0 = now();
  for (let i = from; i < to; i += BATCH) {
    await log.store.transaction(async (tx) => {
      for (let j = i; j < Math.min(i + BATCH, to); j++) log.record(tx, event(j));
    });
  }
  return now() - t0;
}

export const auditBenchmark: Benchmark = {
  name: 'audit',
  description: `audit log on SQLite (${hasher.kind} hashing): ${APPENDS.toLocaleString('en-GB')} appends in transactions of ${BATCH}, verify and proofs at ${LOG_SIZE.toLocaleString('en-GB')} entries`,
  async run() {
    const dir = tempDir('audit');
    const baseline = await baselineInserts(dir, sameRows(APPENDS));

    const store = await freshStore(dir);
    const log = new AuditLog(store, loadOrCreateNodeKeys(dir), { checkpointEvery: 1000 });
    const appendMs = await appendAll(log, 0, APPENDS);
    const append = perSecond(APPENDS, appendMs);
    report('audit_append_per_s', append, 'appends/s', {
      label: 'raw batched inserts',
      value: baseline,
      target: '≥ 0.5',
    });
    report('audit_baseline_insert_per_s', baseline, 'rows/s');

    await appendAll(log, APPENDS, LOG_SIZE);
    await log.checkpoint();
    const v = await verifyLog(log);
    if (!v.ok) throw new Error(`verification failed: ${v.problems.join('; ')}`);
    const verify = perSecond(v.size, v.ms);
    report('audit_verify_per_s', verify, 'entries/s', {
      label: 'target',
      value: 500_000,
      unit: 'entries/s',
      target: '≥ 1.0',
    });

    const samples: number[] = [];
    let seed = 12345;
    for (let i = 0; i < 3000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const seq = seed % LOG_SIZE;
      const t0 = now();
      await inclusionProof(log, seq);
      samples.push((now() - t0) * 1000);
    }
    samples.sort((a, b) => a - b);
    const p50 = percentile(samples, 50);
    report('audit_proof_us (p50)', p50, 'µs', {
      label: 'target',
      value: 100,
      unit: 'µs',
      target: '≤ 1.0',
    });
    report('audit_proof_us_p99', percentile(samples, 99), 'µs');
    await store.close();
    return {
      audit_append_per_s: append,
      audit_baseline_insert_per_s: baseline,
      audit_verify_per_s: verify,
      audit_proof_us: Math.round(p50 * 10) / 10,
      audit_proof_us_p99: Math.round(percentile(samples, 99) * 10) / 10,
    };
  },
};
