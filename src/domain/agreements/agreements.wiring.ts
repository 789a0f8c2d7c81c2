// The agreements module's services, built once on the domain context with what they need from the
// other modules (services.ts calls this): the register of organisations, roles, record types,
// DPIAs and duties.
import type { DomainContext } from '../context.ts';
import type { Governance } from '../governance/governance.ts';
import type { PeopleService } from '../identity/people.service.ts';
import type { OrgService } from '../org/org.service.ts';
import type { RecordTypesService } from '../records/record-types.service.ts';
import type { DutiesService } from '../roles/duties.service.ts';
import type { RolesService } from '../roles/roles.service.ts';
import { AgreementBuilder } from './agreements.builder.ts';
import { registerAgreementsInGovernance } from './agreements.governance.ts';
import { AgreementsService } from './agreements.service.ts';
import type { AgreementWorld, RemoteTypes } from './agreements.world.ts';
import { PurposesService } from './purposes.service.ts';
import { SharingPolicy } from './sharing-policy.service.ts';
import { WhyService } from './why.service.ts';

export interface AgreementsModule {
  purposes: PurposesService;
  agreements: AgreementsService;
  builder: AgreementBuilder;
  sharing: SharingPolicy;
  why: WhyService;
  /** Where a partner node's organisations' record types come from (set by federation). */
  useRemoteTypes(fn: RemoteTypes): void;
}

export interface AgreementDeps {
  orgs: OrgService;
  people: PeopleService;
  roles: RolesService;
  duties: DutiesService;
  recordTypes: RecordTypesService;
  governance: Governance;
}

export function createAgreements(ctx: DomainContext, d: AgreementDeps): AgreementsModule {
  const purposes = new PurposesService(ctx);
  d.orgs.onCreate((db, orgId, by) => purposes.seed(db, orgId, by));
  const sharing = new SharingPolicy(ctx);
  registerAgreementsInGovernance(d.governance, ctx.clock);
  // An organisation on a partner node has no record types here: its node's published catalogue
  // stands in for them when drafting (its node checks the proposal against the real ones).
  let remoteTypes: RemoteTypes = async () => undefined;
  const typesOf = async (ex: Parameters<AgreementWorld['recordTypesOf']>[0], orgId: string) => {
    const remote = await remoteTypes(ex, orgId);
    if (remote)
      return remote
        .map((t) => ({ key: t.key, title: t.title, fields: t.fields }))
        .sort((a, b) => a.title.localeCompare(b.title));
    const rows = await ex.db
      .selectFrom('record_type')
      .selectAll()
      .where('org_id', '=', orgId)
      .orderBy('version', 'desc')
      .execute();
    return rows
      .filter((r, i) => rows.findIndex((x) => x.key === r.key) === i)
      .map((r) => d.recordTypes.toType(r))
      .map((t) => ({ key: t.key, title: t.title, fields: t.fields }))
      .sort((a, b) => a.title.localeCompare(b.title));
  };
  const world: AgreementWorld = {
    orgName: async (ex, orgId) => (await d.orgs.byId(ex, orgId))?.name,
    currentRoles: (ex, orgId, personId) => d.roles.currentRoles(ex, orgId, personId),
    holdersOf: async (ex, orgId, role) => (await d.roles.holders(ex, orgId, role)).length,
    holdersNamed: async (ex, orgId, role) => {
      const names = await d.people.names(ex, orgId);
      return (await d.roles.holders(ex, orgId, role)).map((id) => ({
        personId: id,
        name: names.get(id) ?? id,
      }));
    },
    fieldsOf: async (ex, orgId, key) => {
      const remote = await remoteTypes(ex, orgId);
      if (remote) return remote.find((t) => t.key === key)?.fields;
      const t = await d.recordTypes.latest(ex, orgId, key);
      return t && d.recordTypes.toType(t).fields;
    },
    recordTypesOf: typesOf,
    isRemote: async (ex, orgId) => (await remoteTypes(ex, orgId)) !== undefined,
    purposeKeys: async (ex, orgId) =>
      new Set(
        (await ex.db.selectFrom('purpose').select('key').where('org_id', '=', orgId).execute()).map(
          (p) => p.key,
        ),
      ),
    directory: async (ex) =>
      (await d.orgs.all(ex)).map((o) => ({ orgId: o.id, name: o.name, kind: o.kind })),
    dpiaChoices: (ex, orgId) => d.governance.dpias.choices(ex, orgId),
    assertSeparate: (gate, target, a, b) => d.duties.assertSeparate(gate, target, a, b),
    assertDpia: async (gate, ref, highRisk) => {
      await d.governance.dpias.assertSignedIfHighRisk(gate, ref, highRisk);
    },
    changed: () => sharing.invalidate(),
  };
  return {
    purposes,
    agreements: new AgreementsService(ctx, world),
    builder: new AgreementBuilder(ctx, world),
    sharing,
    why: new WhyService(ctx, ctx.audit, (ex, orgId) => d.people.names(ex, orgId)),
    useRemoteTypes: (fn) => {
      remoteTypes = fn;
    },
  };
}
