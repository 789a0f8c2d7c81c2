// Shared set-up for commands: configuration from the environment and the services on it.
import { loadConfig } from '../config.ts';
import type { Config } from '../config.ts';
import { openServices } from '../services.ts';
import type { Services } from '../services.ts';

export async function withServices<T>(fn: (s: Services, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const services = await openServices(config, { actor: 'cli' });
  try {
    return await fn(services, config);
  } finally {
    await services.close();
  }
}

/** Writes a line of output (commands print results to stdout, problems to stderr). */
export function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}
