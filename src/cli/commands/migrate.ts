import { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { openStore } from '../../store/store.ts';
import { migrationStatus } from '../../store/migrate.ts';
import { openServices } from '../../services.ts';
import { out } from '../context.ts';

export function migrateCommand(): Command {
  return new Command('migrate')
    .description(
      'Apply database migrations (the server also does this when it starts); each one applied is audited',
    )
    .option('--status', 'list migrations and whether each is applied, without applying any')
    .action(async (opts: { status?: boolean }) => {
      const config = loadConfig();
      if (opts.status) {
        const store = openStore(config.databaseUrl);
        try {
          await store.ping();
          for (const m of await migrationStatus(store))
            out(`${m.applied ? 'applied' : 'pending'}  ${m.name}`);
        } finally {
          await store.close();
        }
        return;
      }
      const services = await openServices(config, { actor: 'cli' });
      await services.close();
      if (services.migrationsApplied.length === 0) out('The database is already up to date.');
      for (const name of services.migrationsApplied) out(`applied  ${name}`);
    });
}
