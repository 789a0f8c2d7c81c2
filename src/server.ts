// Listens, and shuts down cleanly: on SIGTERM or SIGINT it stops accepting connections, lets
// in-flight requests finish, records the stop in the audit log, signs a final checkpoint and
// closes the database.
import type { Config } from './config.ts';
import { describeConfig } from './config.ts';
import { buildApp } from './app.ts';
import type { App } from './app.ts';
import { openServices } from './services.ts';
import { seedDemo } from './demo/seed.ts';
import type { Services } from './services.ts';
import { OPEN_WORKER } from './domain/exchange/open-pipeline.ts';
import { SEAL_WORKER } from './domain/exchange/seal-pipeline.ts';
import { IMPORT_WORKER } from './domain/records/import-pipeline.ts';
import { keepWarm, stopSpares } from './domain/records/worker-spares.ts';

/** The worker threads a running server keeps a started spare of (records/worker-spares.ts). */
export const WARM_WORKERS = [IMPORT_WORKER, OPEN_WORKER, SEAL_WORKER];

export interface RunningServer {
  app: App;
  services: Services;
  address: string;
  /** Lines to show whoever started the server (how to sign in to the demo). */
  notes: string[];
  /** Stops the server (idempotent); resolves when the database is closed. */
  stop(reason?: string): Promise<void>;
}

export async function startServer(
  config: Config,
  opts: { onStarted?: (s: RunningServer) => Promise<void> | void } = {},
): Promise<RunningServer> {
  const services = await openServices(config, { actor: 'node', auditConfig: true });
  // Demo data before the first request, so the start page and sign-in work at once.
  const notes = config.demo && config.env !== 'production' ? await seedDemo(services) : [];
  // Webhook deliveries answered before a crash, and not yet committed, are committed now.
  const replayed = await services.portfolio.webhooks.recover();
  // A federating node serves HTTPS with the certificate its partners pin (made on first start).
  const tls = services.federation?.identity.tls;
  const app = await buildApp(services, tls ? { https: { key: tls.key, cert: tls.cert } } : {});
  const address = await app.listen({ port: config.port, host: config.host });
  // Serving now, with every kind of message wired: partners may be told of newer forms.
  await services.federation?.started();
  // A big import or transfer then starts at once, not after a worker's half-second start.
  keepWarm(WARM_WORKERS);
  if (replayed) app.log.warn({ replayed }, 'committed webhook deliveries left in the spool');
  await services.audit.recordNow(services.store, {
    orgId: null,
    actor: 'node',
    action: 'node.start',
    target: `node:${services.keys.keyId}`,
    outcome: 'ok',
    details: {
      address,
      pid: process.pid,
      node: process.version,
      hasher: services.audit.hasher.kind,
      config: describeConfig(config),
    },
  });

  // Sign unsigned entries every checkpointIntervalMs, so a quiet log is never long unsigned.
  const timer = setInterval(() => {
    if (services.audit.hasUnsignedEntries) {
      services.audit
        .checkpoint()
        .catch((e: unknown) => app.log.error({ err: e }, 'checkpoint failed'));
    }
  }, config.checkpointIntervalMs);
  timer.unref();

  // Health checks of the applications portfolio, every healthCheckSeconds (0: none).
  const health =
    config.healthCheckSeconds > 0
      ? services.portfolio.availability.startScheduler(config.healthCheckSeconds * 1000, (e) =>
          app.log.error({ err: e }, 'health checks failed'),
        )
      : undefined;

  let stopping: Promise<void> | undefined;
  const server: RunningServer = {
    app,
    services,
    address,
    notes,
    stop(reason = 'requested') {
      stopping ??= (async () => {
        clearInterval(timer);
        await health?.stop();
        await stopSpares();
        await app.close(); // waits for in-flight requests
        await services.federation?.outbox.idle(); // a run in progress; the rest waits in the outbox
        await services.portfolio.webhooks.flush(); // deliveries answered but not yet committed
        await services.audit.recordNow(services.store, {
          orgId: null,
          actor: 'node',
          action: 'node.stop',
          target: `node:${services.keys.keyId}`,
          outcome: 'ok',
          details: { reason },
        });
        await services.audit.checkpoint();
        await services.close();
      })();
      return stopping;
    },
  };
  await opts.onStarted?.(server);
  return server;
}

/** Wires SIGTERM/SIGINT to a clean stop, then exits. */
export function stopOnSignals(server: RunningServer): void {
  const onSignal = (signal: NodeJS.Signals): void => {
    server.app.log.info({ signal }, 'stopping');
    server.stop(signal).then(
      () => process.exit(0),
      (e: unknown) => {
        server.app.log.error({ err: e }, 'unclean stop');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
