// Yes/no checks over the HTTP API with 1,000,000 records stored: two concurrent clients from a
// load generator in another process, against a bare Fastify route on the same machine (same run).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { Readable } from 'node:stream';
import Fastify from 'fastify';
import { CHECK_KEY, exchangeAgreement } from '../test/helpers/exchange.ts';
import { createTestApp } from '../test/helpers/app.ts';
import { setupOrg } from '../test/helpers/people.ts';
import { person, personAsset } from '../test/helpers/records.ts';
import type { Figures } from './lib.ts';
import { report, setUpSettled } from './lib.ts';

const RECORDS = Number(process.env.BENCH_CHECK_RECORDS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_CHECK_SECONDS ?? 15);
const CONNECTIONS = 2;

interface Load {
  rps: number;
  total: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** Runs the load generator in a child process; the server stays free to answer in this one. */
async function load(job: Record<string, unknown>): Promise<Load> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(import.meta.dirname, 'load-client.ts'),
      JSON.stringify({ connections: CONNECTIONS, seconds: SECONDS, ...job }),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const [code] = (await once(child, 'close')) as [number];
  if (code !== 0) throw new Error(`the load generator failed:\n${err}`);
  return JSON.parse(out.trim().split('\n').pop()!) as Load;
}

/** A bare Fastify route answering a small JSON body: what the machine can serve at all. */
async function baseline(): Promise<Load> {
  const app = Fastify();
  app.post('/', async () => ({ answer: 'yes' }));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    return await load({ url });
  } finally {
    await app.close();
  }
}

async function* peopleLines(n: number): AsyncGenerator<string> {
  let chunk = '';
  for (let i = 0; i < n; i++) {
    chunk += `${JSON.stringify(person(i))}\n`;
    if (i % 1000 === 999) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

export async function checkThroughput(): Promise<Figures> {
  const base = await baseline();
  const t = await createTestApp('sqlite', { ACCORD_API_RATE_LIMIT: '10000000' });
  try {
    const s = t.services;
    const council = await setupOrg(s, 'Check Council');
    const police = await setupOrg(s, 'Check Police');
    const dsa = await exchangeAgreement(s, council, police, {
      budgets: { lookupsPerDay: 1000, checksPerDay: 10_000_000 },
    });
    const asset = await personAsset(s, council, 'Residents');
    await s.imports.run(await council.actor('iao'), {
      assetId: asset.id,
      format: 'jsonl',
      fileName: 'people.jsonl',
      stream: Readable.from(peopleLines(RECORDS)),
      purpose: 'bench set-up',
    });
    if (!dsa.inForce) throw new Error('the bench agreement is not in force');
    // The import's write-ahead log is copied back on another thread after it commits: measure
    // the checks once that is done, not while it competes with them for the machine.
    await setUpSettled(s.store);
    const url = `${await t.app.listen({ port: 0, host: '127.0.0.1' })}/api/exchange/checks`;
    const got = await load({
      url,
      token: police.people.handler.token,
      providerOrgId: council.orgId,
      checkKey: CHECK_KEY,
      people: RECORDS,
    });
    if (got.non2xx > 0 || got.errors > 0)
      throw new Error(`${got.non2xx} checks were refused and ${got.errors} failed`);
    report('check_rps', got.rps, 'checks/s', {
      label: 'bare Fastify route',
      value: base.rps,
      unit: 'req/s',
      target: '≥ 0.3',
    });
    report('http_baseline_rps', base.rps, 'req/s');
    report('check_p99_ms', got.p99, 'ms', {
      label: 'target',
      value: 25,
      unit: 'ms',
      target: '≤ 1.0',
    });
    return {
      check_rps: Math.round(got.rps),
      http_baseline_rps: Math.round(base.rps),
      check_p50_ms: got.p50,
      check_p99_ms: got.p99,
    };
  } finally {
    await t.close();
  }
}
