// Runs in its own process so its peak memory is the import's own: imports a JSON Lines file into
// a fresh SQLite node, then times subject look-ups against the result. Prints one JSON line.
import fs from 'node:fs';
import { openServices } from '../src/services.ts';
import { loadConfig } from '../src/config.ts';
import { nodeActor } from '../src/domain/policy/actor.ts';
import { person } from '../test/helpers/records.ts';
import { checkpointsSettled } from '../src/store/checkpoint-aside.ts';
import { percentile } from './lib.ts';

const [dir, file, rowsArg] = process.argv.slice(2) as [string, string, string];
const rows = Number(rowsArg);
const config = loadConfig({
  NODE_ENV: 'test',
  ACCORD_DATA_DIR: dir,
  ACCORD_DEMO: 'false',
  LOG_LEVEL: 'silent',
});
const s = await openServices(config, { actor: 'node' });
const org = await s.orgs.create({ name: 'Bench Council', kind: 'council' }, 'node');
const node = nodeActor(org.id);
const asset = await s.assets.create(node, {
  name: 'Residents',
  typeKey: 'person',
  classification: 'OFFICIAL-SENSITIVE',
  lawfulBasis: 'art6-1-e',
  retentionPeriod: 'P6Y',
  retentionFrom: 'lastContact',
});

const t0 = performance.now();
const job = await s.imports.run(node, {
  assetId: asset.id,
  format: 'jsonl',
  fileName: 'people.jsonl',
  stream: fs.createReadStream(file, { highWaterMark: 1 << 20 }),
  purpose: 'benchmark load',
  totalBytes: fs.statSync(file).size,
});
const ms = performance.now() - t0;
if (job.rowsImported !== rows) throw new Error(`imported ${job.rowsImported} of ${rows}`);
// The import returns at its commit; its write-ahead log is copied back into the database file
// on another thread after that (store/checkpoint-aside.ts). Timed too, so the figure that
// includes it is there to compare.
const writer = await s.store.transaction(async (tx) => tx.sqlite);
await checkpointsSettled(writer!);
const msWithCheckpoint = performance.now() - t0;
const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);

const samples: number[] = [];
let seed = 7;
for (let i = 0; i < 2000; i++) {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  const p = person(seed % rows);
  const t = performance.now();
  const r = await s.records.lookup(node, { nhsNumber: String(p.nhsNumber) }, 'benchmark look-up');
  samples.push(performance.now() - t);
  if (r.records.length === 0) throw new Error('a look-up found nothing');
}
samples.sort((a, b) => a - b);
await s.close();
process.stdout.write(
  `${JSON.stringify({ perSecond: Math.round(rows / (ms / 1000)), withCheckpointPerSecond: Math.round(rows / (msWithCheckpoint / 1000)), rssMb, p50: percentile(samples, 50), p99: percentile(samples, 99), ms: Math.round(ms) })}\n`,
);
