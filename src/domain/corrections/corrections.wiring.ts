// The corrections module (UK GDPR Art. 19), built once on the domain context (services.ts calls
// this) with what it needs from exchange, records and rights; it listens to the rights module's
// record changes and sends the notices they call for.
import type { DomainContext } from '../context.ts';
import { ONE_NODE } from '../exchange/delivery.ts';
import type { ExchangeKeys } from '../exchange/exchange-keys.ts';
import type { NotificationsService } from '../exchange/notifications.service.ts';
import type { KeyService } from '../keys/key.service.ts';
import type { NodeKeys } from '../node/node-keys.ts';
import type { OrgService } from '../org/org.service.ts';
import type { RecordsService } from '../records/records.service.ts';
import type { RightsModule } from '../rights/rights.wiring.ts';
import type { CorrectionsDeps } from './corrections.deps.ts';
import { CorrectionsService } from './corrections.service.ts';
import { propagate } from './propagate.ts';

export interface CorrectionsWiring {
  keys: NodeKeys;
  keyring: KeyService;
  /** The exchange module's key pairs (the same instance, so both see one set of keys). */
  exchangeKeys: ExchangeKeys;
  records: RecordsService;
  rights: RightsModule;
  notifications: NotificationsService;
  orgs: OrgService;
}

export function createCorrections(ctx: DomainContext, w: CorrectionsWiring): CorrectionsService {
  const d: CorrectionsDeps = {
    ctx,
    keys: w.keys,
    keyring: w.keyring,
    exchangeKeys: w.exchangeKeys,
    records: w.records,
    holds: w.rights.holds,
    notifications: w.notifications,
    federation: ONE_NODE,
    orgName: async (ex, orgId) => (await w.orgs.byId(ex, orgId))?.name,
    requestEvent: (ex, orgId, requestId, by, kind, note) =>
      w.rights.requests.partnerEvent(ex, orgId, requestId, by, kind, note),
  };
  const service = new CorrectionsService(d);
  w.rights.rightsActions.onChange((gate, change) => propagate(d, gate, change, service.remote));
  return service;
}
