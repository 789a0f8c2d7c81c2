// Portfolio: signed GitHub webhook deliveries through the real HTTP API (signature check,
// idempotency, audit entry, commit) against a bare Fastify route, both driven by autocannon with
// 2 connections in the same run; and the DORA roll-up for a year of events across 500
// applications (~500,000 events), against its target.
import { createHmac, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { loadConfig } from '../src/config.ts';
import { openServices } from '../src/services.ts';
import { buildApp } from '../src/app.ts';
import { nodeActor } from '../src/domain/policy/actor.ts';
import type { Benchmark } from './lib.ts';
import { now, report, tempDir } from './lib.ts';
import { seedHistory } from './portfolio-data.ts';

const SECONDS = 10;
const CONNECTIONS = 2;
const APPS = 500;
const EVENTS_PER_APP = 1000;

const template = JSON.parse(
  fs.readFileSync(
    new URL('../test/fixtures/portfolio/github/deployment_status.json', import.meta.url),
    'utf8',
  ),
) as {
  deployment: { id: number; sha: string };
  deployment_status: { created_at: string; updated_at: string };
};

/** Signed deliveries, each a new deployment; one in ten repeats an earlier delivery (a redelivery). */
function deliveries(
  secret: string,
  n: number,
): { body: string; headers: Record<string, string> }[] {
  const out: { body: string; headers: Record<string, string> }[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 10 === 9) {
      out.push(out[i - 5]!);
      continue;
    }
    const at = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
    const b = structuredClone(template);
    b.deployment.id = 1_000_000 + i;
    b.deployment.sha = createHmac('sha1', 'sha').update(String(i)).digest('hex');
    b.deployment_status.created_at = at;
    b.deployment_status.updated_at = at;
    const body = JSON.stringify(b);
    out.push({
      body,
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'deployment_status',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      },
    });
  }
  return out;
}

async function load(
  url: string,
  requests: { body: string; headers: Record<string, string> }[],
): Promise<{ rps: number; non2xx: number; total: number }> {
  let next = 0;
  const r = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    method: 'POST',
    requests: [
      {
        setupRequest: (req) => {
          const d = requests[next++ % requests.length]!;
          return { ...req, body: d.body, headers: d.headers };
        },
      },
    ],
  });
  return { rps: r.requests.average, non2xx: r.non2xx, total: r.requests.total };
}

async function baseline(body: { body: string; headers: Record<string, string> }): Promise<number> {
  const app = Fastify({ logger: false });
  app.post('/x', async () => ({ ok: true }));
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const r = await load(`${address}/x`, [body]);
  await app.close();
  return r.rps;
}

export const portfolioBenchmark: Benchmark = {
  name: 'portfolio',
  description: `signed GitHub webhooks through the HTTP API vs a bare Fastify route (autocannon, ${CONNECTIONS} connections, ${SECONDS} s each); DORA roll-up over ${APPS} applications × ~${EVENTS_PER_APP} events`,
  async run() {
    const dir = tempDir('portfolio');
    const config = loadConfig({
      NODE_ENV: 'test',
      ACCORD_DATA_DIR: dir,
      ACCORD_DEMO: 'false',
      LOG_LEVEL: 'silent',
      ACCORD_API_RATE_LIMIT: '10000000',
    });
    const services = await openServices(config, {});
    const org = await services.orgs.create({ name: 'Bench Council', kind: 'council' }, 'node');
    const node = nodeActor(org.id);
    const hook = await services.portfolio.applications.create(node, { name: 'Webhook target' });
    const { secret } = await services.portfolio.applications.rotateWebhookSecret(node, hook.id);
    // Enough distinct deliveries for the run (about 2,500 a second); a longer run repeats them,
    // which the idempotency check answers as redeliveries.
    let requests = deliveries(secret, 30_000);

    const base = await baseline(requests[0]!);
    const app = await buildApp(services);
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const w = await load(`${address}/api/portfolio/webhooks/github/${hook.id}`, requests);
    await app.close();
    if (w.non2xx) throw new Error(`${w.non2xx} webhook deliveries were refused`);
    const stored = await services.store.db
      .selectFrom('delivery_event')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('app_id', '=', hook.id)
      .executeTakeFirstOrThrow();
    const events = Math.round(w.rps);
    report('dora_events_per_s', events, 'deliveries/s', {
      label: 'http_baseline_rps',
      value: Math.round(base),
      unit: 'req/s',
      target: '≥ 0.3',
    });
    report('http_baseline_rps', Math.round(base), 'req/s');
    console.log(
      `  (${w.total.toLocaleString('en-GB')} deliveries sent, ${Number(stored.n).toLocaleString('en-GB')} deployments stored once each; every tenth delivery a redelivery)`,
    );

    requests = [];
    await services.portfolio.webhooks.flush();
    await services.close();

    // A year of events across 500 applications, in a database of their own.
    const dir2 = tempDir('portfolio-dora');
    const department = await openServices(
      { ...config, dataDir: dir2, databaseUrl: `sqlite:${dir2}/accord.sqlite` },
      {},
    );
    const ids: string[] = [];
    const apps = await department.orgs.create(
      { name: 'Bench Department', kind: 'council' },
      'node',
    );
    const actor = nodeActor(apps.id);
    for (let i = 0; i < APPS; i++)
      ids.push(
        (await department.portfolio.applications.create(actor, { name: `Application ${i + 1}` }))
          .id,
      );
    const to = Date.UTC(2026, 0, 1);
    const from = to - 365 * 86_400_000;
    const seeded = await seedHistory(department, apps.id, ids, from, to, EVENTS_PER_APP);
    const period = {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      unit: 'month' as const,
    };
    const runs: number[] = [];
    let deployments = 0;
    for (let i = 0; i < 6; i++) {
      const t0 = now();
      const r = await department.portfolio.delivery.report(actor, period);
      runs.push(now() - t0);
      deployments = r.portfolio.deployments;
    }
    const [first, ...warm] = runs;
    warm.sort((a, b) => a - b);
    const compute = Math.round(warm[Math.floor(warm.length / 2)]!);
    report('dora_compute_ms (median of 5 warm)', compute, 'ms', {
      label: 'target',
      value: 1000,
      unit: 'ms',
      target: '≤ 1.0',
    });
    report('dora_compute_ms_first', Math.round(first!), 'ms');
    console.log(
      `  (${seeded.toLocaleString('en-GB')} events, ${deployments.toLocaleString('en-GB')} successful deployments in the year)`,
    );
    await department.close();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(dir2, { recursive: true, force: true });
    return {
      dora_events_per_s: events,
      http_baseline_rps: Math.round(base),
      dora_compute_ms: compute,
      dora_compute_ms_first: Math.round(first!),
      dora_events_seeded: seeded,
    };
  },
};
