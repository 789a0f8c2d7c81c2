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
import type { DomainContext } from './domain/context.ts';
import { loadSecretBox } from './domain/node/secret-box.ts';
import { OrgService } from './domain/org/org.service.ts';
import { PeopleService } from './domain/identity/people.service.ts';
import { SignInService } from './domain/identity/signin.service.ts';
import { TokensService } from './domain/identity/tokens.service.ts';
import { ActorResolver } from './domain/identity/actors.ts';
import { SsoService } from './domain/identity/sso.service.ts';
import { AccessService } from './domain/policy/access.service.ts';
import { AuditReader } from './domain/audit/audit-reader.service.ts';
import { KeyService } from './domain/keys/key.service.ts';
import { loadMasterKeys } from './domain/keys/master-key.ts';
import { RecordTypesService } from './domain/records/record-types.service.ts';
import { AssetsService } from './domain/records/assets.service.ts';
import { RecordsService } from './domain/records/records.service.ts';
import { ImportService } from './domain/records/import.service.ts';
import { createAgreements } from './domain/agreements/agreements.wiring.ts';
import type { AgreementsModule } from './domain/agreements/agreements.wiring.ts';
import { createExchange } from './domain/exchange/exchange.wiring.ts';
import type { ExchangeModule } from './domain/exchange/exchange.wiring.ts';
import { DutiesService } from './domain/roles/duties.service.ts';
import { RolesService } from './domain/roles/roles.service.ts';
import { TrainingService } from './domain/training/training.service.ts';
import { createPortfolio } from './domain/portfolio/portfolio.services.ts';
import type { Portfolio } from './domain/portfolio/portfolio.services.ts';
import { Governance } from './domain/governance/governance.ts';
import { registerAssetsInGovernance } from './domain/records/assets.governance.ts';
import { createReconcile } from './domain/reconcile/reconcile.wiring.ts';
import type { ReconcileModule } from './domain/reconcile/reconcile.wiring.ts';
import { createRights } from './domain/rights/rights.wiring.ts';
import type { RightsModule } from './domain/rights/rights.wiring.ts';
import { createCorrections } from './domain/corrections/corrections.wiring.ts';
import type { CorrectionsService } from './domain/corrections/corrections.service.ts';
import { createFederation } from './domain/federation/federation.wiring.ts';
import type { FederationModule } from './domain/federation/federation.wiring.ts';
import { openStore } from './store/store.ts';
import type { Store } from './store/store.ts';

export interface Services extends DomainContext {
  readonly config: Config;
  readonly store: Store;
  readonly keys: NodeKeys;
  readonly audit: AuditLog;
  readonly orgs: OrgService;
  readonly people: PeopleService;
  readonly roles: RolesService;
  readonly duties: DutiesService;
  readonly training: TrainingService;
  /** DPIAs, risks, vendors, incidents, records of processing, the charter and the dashboard. */
  readonly governance: Governance;
  readonly signIn: SignInService;
  readonly tokens: TokensService;
  readonly actors: ActorResolver;
  readonly sso: SsoService;
  readonly access: AccessService;
  readonly auditReader: AuditReader;
  readonly keyring: KeyService;
  readonly recordTypes: RecordTypesService;
  readonly assets: AssetsService;
  readonly records: RecordsService;
  readonly imports: ImportService;
  /** Purposes, agreements, the builder, the sharing policy and "why?" explanations. */
  readonly purposes: AgreementsModule['purposes'];
  readonly agreements: AgreementsModule['agreements'];
  readonly builder: AgreementsModule['builder'];
  readonly sharing: AgreementsModule['sharing'];
  readonly why: AgreementsModule['why'];
  /** Transfers, look-ups and checks between organisations, and their notifications. */
  readonly exchange: ExchangeModule;
  /** Partner nodes, envelopes, the outbox and inbox (undefined unless ACCORD_FEDERATION is on). */
  readonly federation: FederationModule | undefined;
  /** Applications, DORA metrics, vulnerabilities, availability, help desk and roadmap. */
  readonly portfolio: Portfolio;
  /** Reconciliation runs, variances, overrides and accuracy flags. */
  readonly reconcile: ReconcileModule;
  /** Subject rights requests, SAR bundles, erasure, restriction, rectification, retention. */
  readonly rights: RightsModule;
  /** Correction notices sent to partners that received a changed record (Art. 19). */
  readonly corrections: CorrectionsService;
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
    const ctx: DomainContext = { config, store, audit, clock, box: loadSecretBox(config.dataDir) };
    const orgs = new OrgService(ctx);
    const people = new PeopleService(ctx);
    const duties = new DutiesService(ctx);
    const roles = new RolesService(ctx, duties, people);
    people.useRoles(roles);
    const training = new TrainingService(ctx, people);
    const governance = new Governance(ctx, { people, roles, training, orgs, duties });
    registerAssetsInGovernance(governance);
    orgs.onCreate((db, orgId, by) => duties.seed(db, orgId, by));
    orgs.onCreate((db, orgId, by) => training.seed(db, orgId, by));
    const signIn = new SignInService(ctx, roles);
    const tokens = new TokensService(ctx);
    const actors = new ActorResolver(ctx, signIn, tokens, roles, training);
    // Records: keys wrapped by the master key, the common data model, assets, records, imports.
    const keyring = new KeyService(ctx, loadMasterKeys(config.dataDir));
    const recordTypes = new RecordTypesService(ctx);
    const assets = new AssetsService(ctx, recordTypes, {
      names: (ex, orgId) => people.names(ex, orgId),
      activePerson: (ex, orgId, id) => people.activePerson(ex, orgId, id),
      currentRoles: (ex, orgId, id) => roles.currentRoles(ex, orgId, id),
    });
    orgs.onCreate((db, orgId) => keyring.ensure(db, orgId));
    orgs.onCreate((db, orgId, by) => recordTypes.seed(db, orgId, by));
    // Agreements: the terms, their approval, and the sharing policy compiled from them.
    const agreementsModule = createAgreements(ctx, {
      orgs,
      people,
      roles,
      duties,
      recordTypes,
      governance,
    });
    const records = new RecordsService(ctx, keyring, recordTypes, assets);
    const rights = createRights(ctx, {
      keys: keyring,
      recordTypes,
      records,
      people,
      orgs,
      governance,
    });
    const reconcile = createReconcile(ctx, { keyring, assets, duties });
    const exchange = createExchange(ctx, {
      keys,
      keyring,
      sharing: agreementsModule.sharing,
      orgs,
      assets,
      recordTypes,
      accuracy: reconcile.accuracy,
    });
    const corrections = createCorrections(ctx, {
      keys,
      keyring,
      exchangeKeys: exchange.keyPairs,
      records,
      rights,
      notifications: exchange.notifications,
      orgs,
    });
    const federation = config.federation
      ? await createFederation(ctx, {
          keys,
          exchange,
          agreements: agreementsModule.agreements,
          corrections,
          recordTypes,
          useRemoteTypes: (fn) => agreementsModule.useRemoteTypes(fn),
        })
      : undefined;
    return {
      ...ctx,
      keys,
      orgs,
      people,
      roles,
      duties,
      training,
      governance,
      signIn,
      tokens,
      actors,
      sso: new SsoService(ctx, signIn),
      access: new AccessService(ctx),
      auditReader: new AuditReader(ctx),
      keyring,
      recordTypes,
      assets,
      records,
      imports: new ImportService(ctx, keyring, recordTypes, assets),
      ...agreementsModule,
      exchange,
      federation,
      portfolio: createPortfolio(ctx, {
        people,
        agents: roles,
        granting: {
          grant: (actor, input, db) => roles.grant(actor, input, db),
          assertSeparate: (gate, target, a, b) => duties.assertSeparate(gate, target, a, b),
        },
      }),
      reconcile,
      rights,
      corrections,
      formSecret: loadOrCreateSecret(config.dataDir, 'form-secret'),
      migrationsApplied: migrations.applied,
      close: () => store.close(),
    };
  } catch (e) {
    await store.close().catch(() => undefined);
    throw e;
  }
}
