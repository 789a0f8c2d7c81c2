// `npm run bench [-- name…]`: runs every benchmark (or the named ones), printing human-readable
// figures with their same-run baselines, and ends with one line of JSON holding every figure.
import type { Benchmark, Figures } from './lib.ts';
import { auditBenchmark } from './audit.bench.ts';
import { exchangeBenchmark } from './exchange.bench.ts';
import { ingestBenchmark } from './ingest.bench.ts';
import { policyBenchmark } from './policy.bench.ts';
import { portfolioBenchmark } from './portfolio.bench.ts';
import { reconcileBenchmark } from './reconcile.bench.ts';
import { rightsBenchmark } from './rights.bench.ts';

const ALL: Benchmark[] = [
  auditBenchmark,
  ingestBenchmark,
  policyBenchmark,
  exchangeBenchmark,
  portfolioBenchmark,
  reconcileBenchmark,
  rightsBenchmark,
];

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !ALL.some((b) => b.name === w));
if (unknown.length) {
  console.error(
    `Unknown benchmark: ${unknown.join(', ')}. Known: ${ALL.map((b) => b.name).join(', ')}`,
  );
  process.exit(2);
}
const figures: Figures = {};
for (const b of ALL.filter((x) => wanted.length === 0 || wanted.includes(x.name))) {
  console.log(`\n${b.name}: ${b.description}`);
  Object.assign(figures, await b.run());
}
console.log(JSON.stringify(figures));
