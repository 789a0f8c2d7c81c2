// Tells an actor where they stand — can I reach personal data right now, and if not, why not? —
// through the same decision point and audit log as every real access.
import type { DomainContext } from '../context.ts';
import type { Actor } from './actor.ts';
import type { Decision } from './decide.ts';
import { withAccess } from './gate.ts';

export class AccessService {
  constructor(private readonly ctx: DomainContext) {}

  async personalData(actor: Actor, purpose: string | null = null): Promise<Decision> {
    return withAccess(this.ctx, actor, async (gate) =>
      gate.check('personal-data.access', { orgId: actor.orgId, ref: 'personal-data' }, { purpose }),
    );
  }
}
