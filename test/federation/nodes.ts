// Two federating Accord nodes in one test process: each its own database and data directory,
// listening on its own loopback port over HTTPS with the certificate made on first start. A node
// can be stopped and started again on the same database, data directory and port (a restart).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { buildApp } from '../../src/app.ts';
import type { App } from '../../src/app.ts';
import type { FederationModule } from '../../src/domain/federation/federation.wiring.ts';
import { openServices } from '../../src/services.ts';
import type { Services } from '../../src/services.ts';
import type { DialectName } from '../../src/store/store.ts';
import { testConfig } from '../helpers/app.ts';
import { createEmptyDb } from '../helpers/db.ts';

export interface TestNode {
  services: Services;
  federation: FederationModule;
  app: App;
  url: string;
  /** Stops listening and closes the database, keeping both for restartNode. */
  stop(): Promise<void>;
  /** Stops it and drops its database and data directory. */
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

interface Where {
  db: { url: string; dataDir: string; drop(): Promise<void> };
  port: number;
  env: Record<string, string>;
  clock?: () => Date;
}

const places = new WeakMap<TestNode, Where>();

async function listen(w: Where): Promise<TestNode> {
  const url = `https://127.0.0.1:${w.port}`;
  const services = await openServices(
    testConfig(w.db.url, w.db.dataDir, { ...w.env, ACCORD_NODE_URL: url }),
    { actor: 'node', clock: w.clock },
  );
  const federation = services.federation!;
  let app: App | undefined;
  try {
    app = await buildApp(services, { https: federation.identity.tls });
    await app.listen({ port: w.port, host: '127.0.0.1' });
    await federation.started(); // as a server does once it listens
  } catch (e) {
    // A node that failed to start must not keep its database or port open.
    await app?.close().catch(() => undefined);
    await services.close().catch(() => undefined);
    throw e;
  }
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await app.close();
    await services.close();
  };
  const node: TestNode = {
    services,
    federation,
    app,
    url,
    stop,
    close: async () => {
      await stop();
      await w.db.drop();
    },
  };
  places.set(node, w);
  return node;
}

export async function startNode(
  dialect: DialectName,
  name: string,
  clock?: () => Date,
  env: Record<string, string> = {},
): Promise<TestNode> {
  const db = await createEmptyDb(dialect);
  return listen({
    db,
    port: await freePort(),
    env: { ACCORD_FEDERATION: 'true', ACCORD_NODE_NAME: name, ...env },
    clock,
  });
}

/** What a node runs on, for starting it in another process (test/helpers/node-process.ts). */
export function placeOf(node: TestNode): {
  url: string;
  dataDir: string;
  port: number;
  env: Record<string, string>;
} {
  const w = places.get(node)!;
  return {
    url: w.db.url,
    dataDir: w.db.dataDir,
    port: w.port,
    env: { ...w.env, ACCORD_NODE_URL: node.url },
  };
}

const NODE_PROCESS = path.join(import.meta.dirname, '../helpers/node-process.ts');

/**
 * Starts a stopped node in a process of its own (test/helpers/node-process.ts), on the same
 * database, data directory and port, with `env` added to its environment; resolves once it
 * listens. With `warm`, it keeps spare workers as a server does, loaded before it listens.
 */
export async function startNodeProcess(
  node: TestNode,
  env: Record<string, string> = {},
  opts: { warm?: boolean } = {},
): Promise<ChildProcess> {
  const place = { ...placeOf(node), warm: opts.warm === true };
  const child = spawn(process.execPath, ['--import', 'tsx', NODE_PROCESS, JSON.stringify(place)], {
    env: { ...process.env, NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('listening')) resolve();
    });
    child.on('exit', () => reject(new Error(`the node did not start: ${err}`)));
  });
  return child;
}

/**
 * Starts a stopped node again: same database, data directory (keys, certificate) and port, with
 * `env` changed (a setting an administrator changed before the restart).
 */
export async function restartNode(
  node: TestNode,
  env: Record<string, string> = {},
): Promise<TestNode> {
  const w = places.get(node)!;
  await node.stop();
  return listen({ ...w, env: { ...w.env, ...env } });
}
