// Facts about the organisation the registers and the dashboard need from other modules, asked
// through those modules' public services (never their tables): who holds a role now (the roles
// register), whose mandatory training is current (the training overview), the organisation.
// Those services run their own checked work, so these look-ups are made outside any transaction
// of ours, as Accord acting for the organisation (the audit log shows them as node reads).
import type { Executor } from '../../store/store.ts';
import type { Actor } from '../policy/actor.ts';
import { nodeActor } from '../policy/actor.ts';
import type { Role } from '../policy/roles.ts';
import type { GovernancePeople } from './common.ts';

export interface GovernanceDeps {
  people: GovernancePeople;
  roles: {
    register(
      actor: Actor,
      f: { status?: 'current' },
    ): Promise<{ personId: string; personName: string; role: string }[]>;
  };
  training: {
    overview(
      actor: Actor,
    ): Promise<{ rows: { personId: string; name: string; current: boolean }[] }>;
  };
  orgs: {
    byId(ex: Executor, orgId: string): Promise<{ name: string; kind: string } | undefined>;
    all(): Promise<{ id: string; name: string }[]>;
  };
}

export class OrgFacts {
  constructor(private readonly deps: GovernanceDeps) {}

  async orgName(ex: Executor, orgId: string): Promise<{ name: string; kind: string }> {
    return (
      (await this.deps.orgs.byId(ex, orgId)) ?? { name: 'Unknown organisation', kind: 'other' }
    );
  }

  async exists(ex: Executor, orgId: string): Promise<boolean> {
    return (await this.deps.orgs.byId(ex, orgId)) !== undefined;
  }

  /** People holding each role now, from the roles register. Not inside a transaction. */
  async holders(orgId: string, roles: Role[]): Promise<Map<Role, { id: string; name: string }[]>> {
    const current = await this.deps.roles.register(nodeActor(orgId), { status: 'current' });
    return new Map(
      roles.map((r) => [
        r,
        [
          ...new Map(current.filter((g) => g.role === r).map((g) => [g.personId, g.personName])),
        ].map(([id, name]) => ({ id, name })),
      ]),
    );
  }

  /** Active people and whether their mandatory training is current. Not inside a transaction. */
  async training(orgId: string): Promise<{ id: string; name: string; current: boolean }[]> {
    return (await this.deps.training.overview(nodeActor(orgId))).rows.map((r) => ({
      id: r.personId,
      name: r.name,
      current: r.current,
    }));
  }
}
