// Runs the migrations (the same list on both dialects) with Kysely's migrator, which records
// what ran and holds a lock so two processes never migrate at once.
import { Migrator } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { AccordError } from '../errors.ts';
import type { DialectName, Store } from './store.ts';
import * as m0001 from './migrations/0001_foundation.ts';
import * as m0002 from './migrations/0002_people.ts';
import * as m0003 from './migrations/0003_records.ts';
import * as m0004 from './migrations/0004_agreements.ts';
import * as m0007 from './migrations/0007_governance.ts';
import * as m0008 from './migrations/0008_portfolio.ts';
import * as m0009 from './migrations/0009_exchange.ts';
import * as m0010 from './migrations/0010_rights.ts';
import * as m0011 from './migrations/0011_reconcile.ts';
import * as m0012 from './migrations/0012_federation.ts';
import * as m0013 from './migrations/0013_corrections.ts';
import * as m0014 from './migrations/0014_identifier_index.ts';
import * as m0015 from './migrations/0015_exchange_query_subjects.ts';
import * as m0016 from './migrations/0016_transfer_staging.ts';
import * as m0019 from './migrations/0019_exchange_query_count.ts';
import * as m0020 from './migrations/0020_federation_catalogue.ts';
import * as m0021 from './migrations/0021_exchange_key_rotation.ts';
import * as m0022 from './migrations/0022_transfer_progress.ts';
import * as m0023 from './migrations/0023_exchange_key_destroyed.ts';
import * as m0024 from './migrations/0024_transfer_links.ts';
import * as m0025 from './migrations/0025_federation_features.ts';

type Up = (db: Kysely<unknown>, dialect: DialectName) => Promise<void>;

/** Every migration in order. Add new ones at the end; never edit one that has shipped. */
const MIGRATIONS: [string, Up][] = [
  ['0001_foundation', m0001.up],
  ['0002_people', m0002.up],
  ['0003_records', m0003.up],
  ['0004_agreements', m0004.up],
  ['0007_governance', m0007.up],
  ['0008_portfolio', m0008.up],
  ['0009_exchange', m0009.up],
  ['0010_rights', m0010.up],
  ['0011_reconcile', m0011.up],
  ['0012_federation', m0012.up],
  ['0013_corrections', m0013.up],
  ['0014_identifier_index', m0014.up],
  ['0015_exchange_query_subjects', m0015.up],
  ['0016_transfer_staging', m0016.up],
  ['0019_exchange_query_count', m0019.up],
  ['0020_federation_catalogue', m0020.up],
  ['0021_exchange_key_rotation', m0021.up],
  ['0022_transfer_progress', m0022.up],
  ['0023_exchange_key_destroyed', m0023.up],
  ['0024_transfer_links', m0024.up],
  ['0025_federation_features', m0025.up],
];

class StaticProvider implements MigrationProvider {
  constructor(private readonly dialect: DialectName) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(
      MIGRATIONS.map(([name, up]) => [name, { up: (db: Kysely<unknown>) => up(db, this.dialect) }]),
    );
  }
}

export interface MigrationResult {
  applied: string[];
  /** Every migration known to this build, applied or not. */
  known: string[];
}

/** Names of every migration this build knows, and which of them the database has applied. */
export async function migrationStatus(store: Store): Promise<{ name: string; applied: boolean }[]> {
  const migrator = new Migrator({ db: store.db, provider: new StaticProvider(store.dialect) });
  return (await migrator.getMigrations()).map((m) => ({
    name: m.name,
    applied: m.executedAt !== undefined,
  }));
}

export async function migrate(store: Store): Promise<MigrationResult> {
  // Modules add their migrations independently; a database that already ran a later one still
  // takes an earlier-numbered newcomer (each module's migrations touch only its own tables).
  const migrator = new Migrator({
    db: store.db,
    provider: new StaticProvider(store.dialect),
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new AccordError(
      'MIGRATION_FAILED',
      `Migration ${failed} failed: ${(error as Error).message}`,
    );
  }
  return {
    applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
    known: MIGRATIONS.map(([name]) => name),
  };
}
