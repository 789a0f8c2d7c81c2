// The exchange module's services, built once on the domain context with what they need from the
// other modules (services.ts calls this): the node's signing key, the organisation keyring, the
// sharing policy, assets and record types.
import type { SharingPolicy } from '../agreements/sharing-policy.service.ts';
import type { DomainContext } from '../context.ts';
import type { KeyService } from '../keys/key.service.ts';
import type { NodeKeys } from '../node/node-keys.ts';
import type { OrgService } from '../org/org.service.ts';
import type { AssetsService } from '../records/assets.service.ts';
import type { RecordTypesService } from '../records/record-types.service.ts';
import type { Tx } from '../../store/store.ts';
import { ONE_NODE } from './delivery.ts';
import type { ExchangeFederation } from './delivery.ts';
import { ExchangeKeys } from './exchange-keys.ts';
import type { SealTo } from './exchange-keys.ts';
import { ExchangeKeysService } from './exchange-keys.service.ts';
import { RemoteTransfers } from './transfer-remote.ts';
import type { ExchangeDeps } from './exchange.deps.ts';
import { NotificationsService } from './notifications.service.ts';
import { QueriesService } from './queries.service.ts';
import { RecordSource } from './record-source.ts';
import { TransfersService } from './transfers.service.ts';
import type { AccuracyHooks } from './transfer-accuracy.ts';

export interface ExchangeModule {
  transfers: TransfersService;
  queries: QueriesService;
  notifications: NotificationsService;
  /** Seeing and rotating an organisation's exchange keys. */
  exchangeKeys: ExchangeKeysService;
  /** The key pairs themselves, shared with the corrections module (one cache, one truth). */
  keyPairs: ExchangeKeys;
  /** The organisation's current exchange public key and its id (made on first use), for partner directories. */
  exchangeKey(tx: Tx, orgId: string): Promise<SealTo>;
  /** Connects partner nodes (called once by the federation module). */
  useFederation(f: ExchangeFederation): void;
  /** What federation delivers to and from the exchange. */
  remote: RemoteTransfers;
}

export interface ExchangeWiring {
  keys: NodeKeys;
  keyring: KeyService;
  sharing: SharingPolicy;
  assets: AssetsService;
  recordTypes: RecordTypesService;
  orgs: OrgService;
  accuracy?: AccuracyHooks;
}

export function createExchange(ctx: DomainContext, w: ExchangeWiring): ExchangeModule {
  const notifications = new NotificationsService(ctx, w.keys);
  const deps: ExchangeDeps = {
    ctx,
    keys: w.keys,
    keyring: w.keyring,
    exchangeKeys: new ExchangeKeys(w.keyring, ctx.clock),
    source: new RecordSource(w.keyring),
    sharing: w.sharing,
    assets: w.assets,
    recordTypes: w.recordTypes,
    notifications,
    accuracy: w.accuracy,
    federation: ONE_NODE,
    orgName: async (ex, orgId) => (await w.orgs.byId(ex, orgId))?.name,
  };
  const transfers = new TransfersService(deps);
  return {
    transfers,
    queries: new QueriesService(deps),
    notifications,
    exchangeKeys: new ExchangeKeysService(deps),
    keyPairs: deps.exchangeKeys,
    exchangeKey: (tx, orgId) => deps.exchangeKeys.local(tx, orgId),
    useFederation: (f) => {
      deps.federation = f;
      deps.exchangeKeys.remote = (ex, orgId) => f.exchangeKeyOf(ex, orgId);
    },
    remote: new RemoteTransfers(deps),
  };
}
