// What the agreement builder shows beside a draft: the organisations it could be with, the
// purposes vocabulary, each party's record types with every field's classification (for a party
// on a partner node, the catalogue its node published), the DPIAs it could rely on, who a
// Caldicott condition could name, and — before proposal — every problem and whether the sharing
// screens as high risk.
import type { DomainContext } from '../context.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { FieldInfo } from '../records/annotations.ts';
import * as repo from './agreements.repository.ts';
import type { AgreementWorld } from './agreements.world.ts';
import type { AgreementTerms } from './model.ts';
import { highRiskReasons } from './screening.ts';
import { termsOf } from './versions.ts';

export interface BuilderContext {
  versionId: string;
  agreementId: string;
  terms: AgreementTerms;
  organisations: { orgId: string; name: string; kind: string }[];
  purposes: { key: string; label: string; description: string }[];
  /** orgId → that party's record types (latest versions). */
  recordTypes: Record<string, { key: string; title: string; fields: FieldInfo[] }[]>;
  /** Parties on partner nodes: their record types are the catalogue their node published. */
  remote: string[];
  dpias: { id: string; title: string }[];
  /** Handlers in the party organisations (for a Caldicott approval condition). */
  handlers: { personId: string; name: string; orgName: string }[];
  highRisk: string[];
}

export class AgreementBuilder {
  constructor(
    private readonly ctx: DomainContext,
    private readonly world: AgreementWorld,
  ) {}

  /** The builder's view of a draft (the proposing organisation's writers only). */
  async context(actor: Actor, versionId: string): Promise<BuilderContext> {
    return withAccess(this.ctx, actor, async (gate) => {
      const v = await repo.version(gate.tx, versionId);
      gate.require('agreements.write', {
        orgId: v?.org_id ?? '',
        ref: `agreement-version:${versionId}`,
      });
      const terms = termsOf(v!);
      const organisations = await this.world.directory(gate.tx);
      const names = new Map(organisations.map((o) => [o.orgId, o.name]));
      const recordTypes: BuilderContext['recordTypes'] = {};
      const handlers: BuilderContext['handlers'] = [];
      const remote: string[] = [];
      for (const p of terms.parties) {
        recordTypes[p.orgId] = await this.world.recordTypesOf(gate.tx, p.orgId);
        if (await this.world.isRemote(gate.tx, p.orgId)) remote.push(p.orgId);
        for (const h of await this.world.holdersNamed(gate.tx, p.orgId, 'handler'))
          handlers.push({ ...h, orgName: names.get(p.orgId) ?? p.orgName });
      }
      return {
        versionId,
        agreementId: v!.agreement_id,
        terms,
        organisations,
        purposes: (await repo.purposes(gate.tx, actor.orgId)).map((p) => ({
          key: p.key,
          label: p.label,
          description: p.description,
        })),
        recordTypes,
        remote,
        dpias: await this.world.dpiaChoices(gate.tx, actor.orgId),
        handlers,
        highRisk: highRiskReasons(terms),
      };
    });
  }
}
