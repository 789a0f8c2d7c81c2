// The purposes vocabulary: what an organisation may name as the purpose of a sharing, and so of
// every access under an agreement. Editable by the DPO; every organisation starts with the usual ones.
import { randomUUID } from 'node:crypto';
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Db } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import * as repo from './agreements.repository.ts';

export interface Purpose {
  key: string;
  label: string;
  description: string;
}

const DEFAULTS: Purpose[] = [
  {
    key: 'safeguarding',
    label: 'Safeguarding',
    description: 'Protecting children and adults at risk from abuse, neglect or harm.',
  },
  {
    key: 'fraud-prevention',
    label: 'Fraud prevention',
    description: 'Preventing and detecting fraud and error.',
  },
  {
    key: 'benefit-eligibility',
    label: 'Benefit eligibility',
    description: 'Deciding whether someone is entitled to a benefit, discount or service.',
  },
  {
    key: 'membership-administration',
    label: 'Membership administration',
    description: 'Keeping a membership list accurate: joining, renewing, lapsing.',
  },
  {
    key: 'crime-prevention',
    label: 'Preventing or detecting crime',
    description: 'Law-enforcement purposes under DPA 2018 Part 3.',
  },
  {
    key: 'direct-care',
    label: 'Direct care',
    description: 'Health or social care delivered to the person.',
  },
  {
    key: 'service-planning',
    label: 'Service planning',
    description: 'Planning services from pseudonymised or aggregate data.',
  },
];

export class PurposesService {
  constructor(private readonly ctx: DomainContext) {}

  async seed(db: Db, orgId: string, by: string): Promise<void> {
    const at = this.ctx.clock().toISOString();
    for (const p of DEFAULTS)
      await db.db
        .insertInto('purpose')
        .values({ purpose_id: randomUUID(), org_id: orgId, ...p, created_by: by, created_at: at })
        .execute();
  }

  async list(actor: Actor): Promise<Purpose[]> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('agreements.read', { orgId: actor.orgId, ref: 'purposes' });
      return (await repo.purposes(gate.tx, actor.orgId)).map((p) => ({
        key: p.key,
        label: p.label,
        description: p.description,
      }));
    });
  }

  async add(actor: Actor, input: Purpose): Promise<Purpose> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('purposes.manage', { orgId: actor.orgId, ref: 'purposes' });
      const problems = [];
      if (!/^[a-z][a-z0-9-]{1,40}$/.test(input.key ?? ''))
        problems.push({
          field: 'key',
          message: 'A key is lower-case letters, digits and hyphens, like “housing-allocation”',
        });
      if (!input.label?.trim())
        problems.push({ field: 'label', message: 'Give the purpose a name' });
      assertNoProblems(problems);
      if ((await repo.purposes(gate.tx, actor.orgId)).some((p) => p.key === input.key))
        throw new AccordError('CONFLICT', `There is already a purpose “${input.key}”.`);
      const row = {
        purpose_id: randomUUID(),
        org_id: actor.orgId,
        key: input.key,
        label: input.label.trim(),
        description: input.description?.trim() ?? '',
        created_by: actor.ref,
        created_at: this.ctx.clock().toISOString(),
      };
      await gate.tx.db.insertInto('purpose').values(row).execute();
      gate.record('purposes.added', `purpose:${row.key}`, { label: row.label });
      return { key: row.key, label: row.label, description: row.description };
    });
  }
}
