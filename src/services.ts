// Builds every domain service once, on one store. Routes, pages and CLI commands receive this
// object and call services — never repositories.
import { createHash } from 'node:crypto';
import type { Config } from './config.ts';
import { describeConfig } from './config.ts';
import { AuditLog } from './domain/audit/audit.service.ts';
import { loadOrCreateNodeKeys } from './domain/node/node-keys.ts';
import type { NodeKeys } from './domain/node/node-keys.ts';
import { loadOrCreateSecret } from './domain/node/node-secret.ts';
import * as settings from './domain/node/node-settings.ts';
import { migrate } from './store/migrate.ts';
import { openStore } from './store/store.ts';
import type { Store } from './store/store.ts';

export interface Services {
  readonly config: Config;
  readonly store: Store;
  readonly keys: NodeKeys;
  readonly audit: AuditLog;
  /** Secret for HMACs that bind forms to sessions. */
  readonly formSecret: Buffer;
  readonly clock: () => Date;
  /** Migrations applied while opening (empty when the database was already current). */
  readonly migrationsApplied: string[];
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Who is opening: `node` for the server, `cli` for commands (recorded on audit entries). */
  actor?: string;
  clock?: () => Date;
  /** Record a changed configuration in the audit log (the server does; one-off commands don't). */
  auditConfig?: boolean;
}

export async function openServices(config: Config, opts: OpenOptions = {}): Promise<Services> {
  const actor = opts.actor ?? 'node';
  const clock = opts.clock ?? (() => new Date());
  const store = openStore(config.databaseUrl);
  try {
    await store.ping();
    const keys = loadOrCreateNodeKeys(config.dataDir, { production: config.env === 'production' });
    const migrations = await migrate(store);
    const audit = new AuditLog(store, keys, {
      checkpointEvery: config.checkpointEvery,
      now: clock,
    });
    await store.transaction(async (tx) => {
      for (const name of migrations.applied) {
        audit.record(tx, {
          orgId: null,
          actor,
          action: 'node.migration.applied',
          target: `migration:${name}`,
          outcome: 'ok',
        });
      }
      if (keys.created) {
        audit.record(tx, {
          orgId: null,
          actor,
          action: 'node.key.created',
          target: `key:${keys.keyId}`,
          outcome: 'ok',
          details: { publicKey: keys.publicKeyRaw },
        });
      }
      if (opts.auditConfig) {
        const now = describeConfig(config);
        const before = await settings.get(tx, 'config');
        const digest = createHash('sha256').update(JSON.stringify(now)).digest('hex');
        const previous = before
          ? (JSON.parse(before) as { digest: string; config: Record<string, unknown> })
          : undefined;
        if (previous?.digest !== digest) {
          const changed = Object.keys(now).filter(
            (k) => JSON.stringify(now[k]) !== JSON.stringify(previous?.config[k]),
          );
          audit.record(tx, {
            orgId: null,
            actor,
            action: 'node.config.changed',
            target: 'node:config',
            outcome: 'ok',
            details: { changed, before: previous?.config ?? null, after: now },
          });
          await settings.put(tx, 'config', JSON.stringify({ digest, config: now }), clock());
        }
      }
    });
    return {
      config,
      store,
      keys,
      audit,
      clock,
      formSecret: loadOrCreateSecret(config.dataDir, 'form-secret'),
      migrationsApplied: migrations.applied,
      close: () => store.close(),
    };
  } catch (e) {
    await store.close().catch(() => undefined);
    throw e;
  }
}
