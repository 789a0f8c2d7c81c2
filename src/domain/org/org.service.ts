// Organisations (tenants). Creating one is a node-level act (the CLI or the demo), which also
// gives the organisation its starting segregation-of-duties rules and training courses.
import { randomUUID } from 'node:crypto';
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { Db, Executor } from '../../store/store.ts';
import { inTransaction } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { OrganisationTable } from './org.table.ts';

export const ORG_KINDS = ['council', 'police', 'health', 'fire', 'party', 'other'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

export interface Organisation {
  id: string;
  name: string;
  kind: OrgKind;
  externalId: string | null;
  createdAt: string;
  demo: boolean;
}

export function toOrganisation(r: OrganisationTable): Organisation {
  return {
    id: r.org_id,
    name: r.name,
    kind: r.kind as OrgKind,
    externalId: r.external_id,
    createdAt: r.created_at,
    demo: r.demo === 1,
  };
}

export interface NewOrganisation {
  name: string;
  kind: string;
  externalId?: string | null;
  demo?: boolean;
}

/** Work other modules do for a new organisation (default rules, courses), in its transaction. */
export type OrgSetup = (db: Db, orgId: string, by: string) => Promise<void>;

export class OrgService {
  private readonly setups: OrgSetup[] = [];
  constructor(private readonly ctx: DomainContext) {}

  onCreate(setup: OrgSetup): void {
    this.setups.push(setup);
  }

  async create(input: NewOrganisation, by: string, db: Db = this.ctx.store): Promise<Organisation> {
    const problems: Problem[] = [];
    const name = input.name?.trim() ?? '';
    if (!name) problems.push({ field: 'name', message: 'Enter the organisation’s name' });
    if (!(ORG_KINDS as readonly string[]).includes(input.kind))
      problems.push({ field: 'kind', message: `Kind must be one of ${ORG_KINDS.join(', ')}` });
    assertNoProblems(problems);
    return inTransaction(db, async (tx) => {
      const existing = await tx.db
        .selectFrom('organisation')
        .select('org_id')
        .where('name', '=', name)
        .executeTakeFirst();
      if (existing)
        throw new AccordError('CONFLICT', `There is already an organisation called ${name}.`);
      const row: OrganisationTable = {
        org_id: randomUUID(),
        name,
        kind: input.kind,
        external_id: input.externalId?.trim() || null,
        created_at: this.ctx.clock().toISOString(),
        demo: input.demo ? 1 : 0,
      };
      await tx.db.insertInto('organisation').values(row).execute();
      this.ctx.audit.record(tx, {
        orgId: row.org_id,
        actor: by,
        action: 'org.created',
        target: `org:${row.org_id}`,
        outcome: 'ok',
        details: { name, kind: row.kind, externalId: row.external_id },
      });
      for (const setup of this.setups) await setup(tx, row.org_id, by);
      return toOrganisation(row);
    });
  }

  /** The actor's own organisation. */
  async mine(actor: Actor): Promise<Organisation> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('org.read', { orgId: actor.orgId, ref: `org:${actor.orgId}` });
      return toOrganisation(await this.byId(gate.tx, actor.orgId).then((o) => o ?? notFound()));
    });
  }

  /** Node-level listing (CLI, sign-in page): names only, no personal data. */
  async all(ex: Executor = this.ctx.store): Promise<Organisation[]> {
    return (await ex.db.selectFrom('organisation').selectAll().orderBy('name').execute()).map(
      toOrganisation,
    );
  }

  async byId(ex: Executor, orgId: string): Promise<OrganisationTable | undefined> {
    return ex.db
      .selectFrom('organisation')
      .selectAll()
      .where('org_id', '=', orgId)
      .executeTakeFirst();
  }
}

function notFound(): never {
  throw new AccordError('NOT_FOUND');
}
