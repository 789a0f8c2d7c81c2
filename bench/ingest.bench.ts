// Ingest: 1,000,000 person records from a JSON Lines file — validated, sealed, indexed, stored
// and audited in one transaction — against raw better-sqlite3 batched inserts of the same
// plaintext lines; the import's peak memory; subject look-ups at that size.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { once } from 'node:events';
import Database from 'better-sqlite3';
import { uuid7 } from '../src/domain/ids.ts';
import { person } from '../test/helpers/records.ts';
import type { Benchmark } from './lib.ts';
import { now, perSecond, report, tempDir } from './lib.ts';

const ROWS = Number(process.env.BENCH_INGEST_ROWS ?? 1_000_000);

async function writeFile(file: string): Promise<void> {
  const out = fs.createWriteStream(file, { highWaterMark: 1 << 20 });
  for (let i = 0; i < ROWS; i++) {
    if (!out.write(`${JSON.stringify(person(i))}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** The same lines, inserted as they are (plaintext), 1,000 per transaction. */
async function baseline(dir: string, file: string): Promise<number> {
  const db = new Database(path.join(dir, 'baseline.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('create table plain (record_id text primary key, payload text not null)');
  const ins = db.prepare('insert into plain values (?, ?)');
  const batch = db.transaction((lines: string[]) => {
    for (const l of lines) ins.run(uuid7(), l);
  });
  const t0 = now();
  let lines: string[] = [];
  for await (const line of readline.createInterface({
    input: fs.createReadStream(file, { highWaterMark: 1 << 20 }),
    crlfDelay: Infinity,
  })) {
    lines.push(line);
    if (lines.length === 1000) {
      batch(lines);
      lines = [];
    }
  }
  batch(lines);
  const ms = now() - t0;
  db.close();
  return perSecond(ROWS, ms);
}

export const ingestBenchmark: Benchmark = {
  name: 'ingest',
  description: `import of ${ROWS.toLocaleString('en-GB')} person records (JSON Lines, SQLite), peak memory, and look-ups at that size`,
  async run() {
    const dir = tempDir('ingest');
    const file = path.join(dir, 'people.jsonl');
    await writeFile(file);
    const base = await baseline(dir, file);
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(import.meta.dirname, 'ingest-child.ts'),
        path.join(dir, 'node'),
        file,
        String(ROWS),
      ],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    if (child.status !== 0) throw new Error(`the import process failed:\n${child.stderr}`);
    const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
      perSecond: number;
      withCheckpointPerSecond: number;
      rssMb: number;
      p50: number;
      p99: number;
    };
    report('ingest_records_per_s', r.perSecond, 'records/s', {
      label: 'raw plaintext inserts',
      value: base,
      unit: 'rows/s',
      target: '≥ 0.25',
    });
    // The import returns at its commit and its log is copied back on another thread; counting
    // until that copy ends too (the baseline's copies run inside its own commits).
    report('ingest_with_checkpoint_per_s', r.withCheckpointPerSecond, 'records/s', {
      label: 'raw plaintext inserts',
      value: base,
      unit: 'rows/s',
      target: 'for information',
    });
    report('ingest_baseline_insert_per_s', base, 'rows/s');
    report('ingest_peak_rss_mb', r.rssMb, 'MB', {
      label: 'target',
      value: 400,
      unit: 'MB',
      target: '≤ 1.0',
    });
    report('subject_lookup_ms_p50', r.p50, 'ms', {
      label: 'target',
      value: 5,
      unit: 'ms',
      target: '≤ 1.0',
    });
    report('subject_lookup_ms_p99', r.p99, 'ms', {
      label: 'target',
      value: 20,
      unit: 'ms',
      target: '≤ 1.0',
    });
    fs.rmSync(dir, { recursive: true, force: true });
    return {
      ingest_records_per_s: r.perSecond,
      ingest_with_checkpoint_per_s: r.withCheckpointPerSecond,
      ingest_baseline_insert_per_s: base,
      ingest_peak_rss_mb: r.rssMb,
      subject_lookup_ms_p50: Math.round(r.p50 * 100) / 100,
      subject_lookup_ms_p99: Math.round(r.p99 * 100) / 100,
    };
  },
};
