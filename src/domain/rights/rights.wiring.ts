// The rights module's services, built once on the domain context with what they need from the
// other modules (services.ts calls this): keys, record types, records, people and organisation
// names, import jobs, and the governance dashboard (open and overdue requests).
import type { DomainContext } from '../context.ts';
import type { Governance } from '../governance/governance.ts';
import { ICO_ITEMS } from '../governance/dashboard.service.ts';
import type { PeopleService } from '../identity/people.service.ts';
import type { KeyService } from '../keys/key.service.ts';
import type { OrgService } from '../org/org.service.ts';
import type { RecordTypesService } from '../records/record-types.service.ts';
import type { RecordsService } from '../records/records.service.ts';
import { RightsActions } from './actions.service.ts';
import { BundleService } from './bundle.service.ts';
import { HoldsService } from './holds.service.ts';
import { RequestsService } from './requests.service.ts';
import { RetentionService } from './retention.service.ts';

export interface RightsModule {
  requests: RequestsService;
  bundles: BundleService;
  rightsActions: RightsActions;
  holds: HoldsService;
  retention: RetentionService;
}

export interface RightsDeps {
  keys: KeyService;
  recordTypes: RecordTypesService;
  records: RecordsService;
  people: PeopleService;
  orgs: OrgService;
  governance: Governance;
}

export function createRights(ctx: DomainContext, d: RightsDeps): RightsModule {
  const names = (ex: Parameters<PeopleService['names']>[0], orgId: string) =>
    d.people.names(ex, orgId);
  const requests = new RequestsService(ctx, d.keys, names);
  const holds = new HoldsService(ctx);
  const bundles = new BundleService(ctx, requests, d.records, {
    names,
    orgName: async (ex, orgId) => (await d.orgs.byId(ex, orgId))?.name,
    importOf: async (ex, importId) => {
      const j = await ex.db
        .selectFrom('import_job')
        .select(['file_name', 'purpose', 'started_at'])
        .where('import_id', '=', importId)
        .executeTakeFirst();
      return j && { fileName: j.file_name, purpose: j.purpose, startedAt: j.started_at };
    },
  });
  d.governance.dashboard.register({
    id: 'subject-requests-overdue',
    title: 'Subject rights requests past their statutory deadline',
    unit: 'count',
    better: 'lower',
    checklist: [ICO_ITEMS.rights],
    href: '/rights',
    async compute({ ex, orgId }) {
      const c = await requests.counts(ex, orgId);
      return {
        value: c.overdue.length,
        status: c.overdue.length ? 'bad' : 'good',
        summary: `${c.open} open request${c.open === 1 ? '' : 's'}, ${c.overdue.length} overdue.`,
        records: c.overdue.map((r) => ({
          text: `${r.reference}: due ${r.dueOn}`,
          href: `/rights/${r.id}`,
        })),
      };
    },
  });
  return {
    requests,
    bundles,
    rightsActions: new RightsActions(ctx, requests, holds, d.keys, d.records),
    holds,
    retention: new RetentionService(ctx, holds, d.keys, d.recordTypes, d.records),
  };
}
