// Prometheus metrics at /metrics: request count and latency by route, audit log size and
// checkpoint age. One registry per app, so tests can build many apps in one process.
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Services } from '../services.ts';

declare module 'fastify' {
  interface FastifyInstance {
    metricsRegistry: Registry;
  }
}

export function registerMetrics(app: FastifyInstance, services: Services): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'accord_' });
  const labels = ['method', 'route', 'status'] as const;
  const requests = new Counter({
    name: 'accord_http_requests_total',
    help: 'HTTP requests by route and status.',
    labelNames: labels,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'accord_http_request_duration_seconds',
    help: 'HTTP request latency by route.',
    labelNames: labels,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  new Gauge({
    name: 'accord_audit_log_entries',
    help: 'Entries in the audit log.',
    registers: [registry],
    async collect() {
      this.set(await services.audit.size());
    },
  });
  new Gauge({
    name: 'accord_audit_checkpoint_age_seconds',
    help: 'Seconds since the latest signed audit checkpoint (-1 when there is none).',
    registers: [registry],
    async collect() {
      const cp = await services.audit.latestCheckpoint();
      this.set(cp ? (services.clock().getTime() - Date.parse(cp.at)) / 1000 : -1);
    },
  });
  new Gauge({
    name: 'accord_audit_unsigned_entries',
    help: 'Entries appended since the latest signed checkpoint.',
    registers: [registry],
    async collect() {
      const [size, cp] = await Promise.all([
        services.audit.size(),
        services.audit.latestCheckpoint(),
      ]);
      this.set(size - (cp?.size ?? 0));
    },
  });

  app.addHook('onResponse', async (req, reply) => {
    // The route pattern, never the raw URL: bounded label values and no identifiers in metrics.
    const route = req.routeOptions.url ?? 'unmatched';
    const l = { method: req.method, route, status: String(reply.statusCode) };
    requests.inc(l);
    latency.observe(l, reply.elapsedTime / 1000);
  });
  app.decorate('metricsRegistry', registry);
  return registry;
}
