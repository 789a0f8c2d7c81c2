// Apps and services on a fresh database, for HTTP tests with app.inject().
import { loadConfig } from '../../src/config.ts';
import type { Config } from '../../src/config.ts';
import { openServices } from '../../src/services.ts';
import type { Services } from '../../src/services.ts';
import { buildApp } from '../../src/app.ts';
import type { App } from '../../src/app.ts';
import type { DialectName } from '../../src/store/store.ts';
import { createEmptyDb } from './db.ts';

export function testConfig(url: string, dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: url,
    ACCORD_DATA_DIR: dataDir,
    ACCORD_DEMO: 'false',
    ...env,
  });
}

export interface TestServices {
  services: Services;
  config: Config;
  close(): Promise<void>;
}

export async function createTestServices(
  dialect: DialectName,
  env: Record<string, string> = {},
  clock?: () => Date,
): Promise<TestServices> {
  const empty = await createEmptyDb(dialect);
  const config = testConfig(empty.url, empty.dataDir, env);
  const services = await openServices(config, { actor: 'node', clock });
  return {
    services,
    config,
    close: async () => {
      await services.close();
      await empty.drop();
    },
  };
}

export interface TestApp extends TestServices {
  app: App;
}

export async function createTestApp(
  dialect: DialectName,
  env: Record<string, string> = {},
  clock?: () => Date,
): Promise<TestApp> {
  const t = await createTestServices(dialect, env, clock);
  const app = await buildApp(t.services);
  await app.ready();
  return {
    ...t,
    app,
    close: async () => {
      await app.close();
      await t.close();
    },
  };
}
