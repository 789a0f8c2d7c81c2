// Two federating Accord nodes in one test process: each its own database and data directory,
// listening on its own loopback port over HTTPS with the certificate made on first start.
import net from 'node:net';
import { buildApp } from '../../src/app.ts';
import type { App } from '../../src/app.ts';
import type { FederationModule } from '../../src/domain/federation/federation.wiring.ts';
import type { Services } from '../../src/services.ts';
import type { DialectName } from '../../src/store/store.ts';
import { createTestServices } from '../helpers/app.ts';

export interface TestNode {
  services: Services;
  federation: FederationModule;
  app: App;
  url: string;
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

export async function startNode(
  dialect: DialectName,
  name: string,
  clock?: () => Date,
): Promise<TestNode> {
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  const t = await createTestServices(
    dialect,
    { ACCORD_FEDERATION: 'true', ACCORD_NODE_URL: url, ACCORD_NODE_NAME: name },
    clock,
  );
  const federation = t.services.federation!;
  const app = await buildApp(t.services, { https: federation.identity.tls });
  await app.listen({ port, host: '127.0.0.1' });
  return {
    services: t.services,
    federation,
    app,
    url,
    close: async () => {
      await app.close();
      await t.close();
    },
  };
}
