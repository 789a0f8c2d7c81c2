import { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { startServer, stopOnSignals } from '../../server.ts';
import { out } from '../context.ts';

export function startCommand(): Command {
  return new Command('start')
    .description(
      'Start the Accord server (migrates the database first; demo data on an empty one unless ACCORD_DEMO=false)',
    )
    .action(async () => {
      const config = loadConfig();
      const server = await startServer(config);
      stopOnSignals(server);
      out(
        `Accord is running at ${server.address} (database: ${server.services.store.dialect}, data: ${config.dataDir})`,
      );
      for (const line of server.notes) out(line);
      out('Stop it with Ctrl+C.');
      // Keep running until a signal stops us.
      await new Promise<never>(() => undefined);
    });
}
