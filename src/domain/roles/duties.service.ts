// Segregation of duties. Rules are data the SIRO edits: a set of roles no person may hold two of
// at once, or a set of duties no person may perform two of on one matter (whoever requests does
// not approve). Granting a toxic combination is refused naming the rule, unless the SIRO has
// recorded an exception with a justification and an end date. Other modules call
// assertSeparate() for duty pairs.
import { randomUUID } from 'node:crypto';
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { Db, Executor } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { Gate } from '../policy/gate.ts';
import type { Role } from '../policy/roles.ts';
import { memberLabel, ruleProblems, toException, toRule } from './duties.model.ts';
import type {
  Conflict,
  DutyException,
  DutyRule,
  ExceptionInput,
  RuleInput,
} from './duties.model.ts';
import * as repo from './roles.repository.ts';
import type { DutyExceptionTable, DutyRuleTable } from './roles.table.ts';

// Callers import these from the service.
export { DUTIES, toRule } from './duties.model.ts';
export type {
  Conflict,
  DutyException,
  DutyRule,
  ExceptionInput,
  RuleInput,
} from './duties.model.ts';

export class DutiesService {
  constructor(private readonly ctx: DomainContext) {}

  /** The starting rules every new organisation gets. */
  async seed(db: Db, orgId: string, by: string): Promise<void> {
    const at = this.ctx.clock().toISOString();
    const defaults: [string, string, DutyRule['kind'], string[]][] = [
      [
        'Administrators are not auditors',
        'Whoever manages accounts and roles must not also audit them.',
        'roles',
        ['administrator', 'auditor'],
      ],
      [
        'Requester is not approver',
        'Whoever requests something must not approve it.',
        'duties',
        ['request', 'approve'],
      ],
      [
        'Proposer is not approver',
        'Whoever proposes an agreement must not approve it.',
        'duties',
        ['propose', 'approve'],
      ],
      [
        'Author is not signatory',
        'Whoever writes a DPIA must not sign it off.',
        'duties',
        ['author', 'sign-off'],
      ],
      [
        'Four eyes on overrides',
        'An override that changes eligibility needs a second person to approve it.',
        'duties',
        ['override', 'second-approval'],
      ],
    ];
    for (const [name, description, kind, members] of defaults) {
      await repo.insertRule(db, {
        rule_id: randomUUID(),
        org_id: orgId,
        name,
        description,
        kind,
        members: JSON.stringify(members),
        active: 1,
        created_by: by,
        created_at: at,
        updated_by: by,
        updated_at: at,
      });
    }
  }

  async list(actor: Actor): Promise<{ rules: DutyRule[]; exceptions: DutyException[] }> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('duties.read', { orgId: actor.orgId, ref: 'duty-rules' });
      const now = this.ctx.clock().toISOString();
      return {
        rules: (await repo.rules(gate.tx, actor.orgId)).map(toRule),
        exceptions: (await repo.exceptions(gate.tx, actor.orgId)).map((e) => toException(e, now)),
      };
    });
  }

  async createRule(actor: Actor, input: RuleInput): Promise<DutyRule> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('duties.manage', { orgId: actor.orgId, ref: 'duty-rules' });
      assertNoProblems(ruleProblems(input));
      const at = this.ctx.clock().toISOString();
      const row: DutyRuleTable = {
        rule_id: randomUUID(),
        org_id: actor.orgId,
        name: input.name.trim(),
        description: input.description?.trim() ?? '',
        kind: input.kind,
        members: JSON.stringify([...new Set(input.members.map((m) => m.trim()))]),
        active: input.active === false ? 0 : 1,
        created_by: actor.ref,
        created_at: at,
        updated_by: actor.ref,
        updated_at: at,
      };
      await repo.insertRule(gate.tx, row);
      gate.record('duties.rule.created', `duty-rule:${row.rule_id}`, {
        name: row.name,
        kind: row.kind,
        members: JSON.parse(row.members) as string[],
      });
      return toRule(row);
    });
  }

  async updateRule(actor: Actor, ruleId: string, input: RuleInput): Promise<DutyRule> {
    return withAccess(this.ctx, actor, async (gate) => {
      const existing = await repo.rule(gate.tx, actor.orgId, ruleId);
      gate.require('duties.manage', { orgId: existing?.org_id ?? '', ref: `duty-rule:${ruleId}` });
      assertNoProblems(ruleProblems(input));
      const set = {
        name: input.name.trim(),
        description: input.description?.trim() ?? '',
        kind: input.kind,
        members: JSON.stringify([...new Set(input.members.map((m) => m.trim()))]),
        active: input.active === false ? 0 : 1,
        updated_by: actor.ref,
        updated_at: this.ctx.clock().toISOString(),
      };
      await repo.updateRule(gate.tx, actor.orgId, ruleId, set);
      gate.record('duties.rule.updated', `duty-rule:${ruleId}`, {
        before: toRule(existing!),
        after: { ...set, members: JSON.parse(set.members) as string[] },
      });
      return toRule((await repo.rule(gate.tx, actor.orgId, ruleId))!);
    });
  }

  async createException(
    actor: Actor,
    input: ExceptionInput,
    personExists: (ex: Executor, orgId: string, personId: string) => Promise<boolean>,
  ): Promise<DutyException> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('duties.manage', { orgId: actor.orgId, ref: 'duty-exceptions' });
      const now = this.ctx.clock();
      const problems: Problem[] = [];
      const rule = input.ruleId ? await repo.rule(gate.tx, actor.orgId, input.ruleId) : undefined;
      if (!rule) problems.push({ field: 'ruleId', message: 'Choose the rule the exception is to' });
      if (!input.personId || !(await personExists(gate.tx, actor.orgId, input.personId)))
        problems.push({ field: 'personId', message: 'Choose the person the exception is for' });
      if (!input.justification?.trim() || input.justification.trim().length < 10)
        problems.push({
          field: 'justification',
          message: 'Explain why the exception is needed (at least 10 characters)',
        });
      const until = Date.parse(input.validUntil);
      if (!input.validUntil || Number.isNaN(until))
        problems.push({ field: 'validUntil', message: 'Enter the date the exception ends' });
      else if (until <= now.getTime())
        problems.push({ field: 'validUntil', message: 'The end date must be in the future' });
      else if (until > now.getTime() + 366 * 86_400_000)
        problems.push({
          field: 'validUntil',
          message: 'An exception can last at most a year; record a new one to extend it',
        });
      assertNoProblems(problems);
      const row: DutyExceptionTable = {
        exception_id: randomUUID(),
        org_id: actor.orgId,
        rule_id: rule!.rule_id,
        person_id: input.personId,
        justification: input.justification.trim(),
        granted_by: actor.ref,
        granted_at: now.toISOString(),
        valid_until: new Date(until).toISOString(),
        revoked_at: null,
        revoked_by: null,
      };
      await repo.insertException(gate.tx, row);
      gate.record('duties.exception.granted', `duty-exception:${row.exception_id}`, {
        rule: rule!.name,
        personId: row.person_id,
        justification: row.justification,
        validUntil: row.valid_until,
      });
      return toException(row, now.toISOString());
    });
  }

  async revokeException(actor: Actor, exceptionId: string): Promise<void> {
    await withAccess(this.ctx, actor, async (gate) => {
      const e = await repo.exception(gate.tx, actor.orgId, exceptionId);
      gate.require('duties.manage', {
        orgId: e?.org_id ?? '',
        ref: `duty-exception:${exceptionId}`,
      });
      if (e!.revoked_at)
        throw new AccordError('CONFLICT', 'That exception has already been revoked.');
      await repo.revokeException(
        gate.tx,
        actor.orgId,
        exceptionId,
        actor.ref,
        this.ctx.clock().toISOString(),
      );
      gate.record('duties.exception.revoked', `duty-exception:${exceptionId}`, {
        ruleId: e!.rule_id,
        personId: e!.person_id,
      });
    });
  }

  /**
   * The first active role rule that granting `role` to a person holding `held` (over an
   * overlapping period) would break, with the exception in force that permits it, if any.
   */
  async roleConflict(
    ex: Executor,
    orgId: string,
    personId: string,
    role: Role,
    held: Role[],
  ): Promise<Conflict | undefined> {
    const now = this.ctx.clock().toISOString();
    for (const r of (await repo.rules(ex, orgId)).map(toRule)) {
      if (!r.active || r.kind !== 'roles' || !r.members.includes(role)) continue;
      const other = held.find((h) => h !== role && r.members.includes(h));
      if (other)
        return {
          rule: r,
          otherRole: other,
          exception: await repo.exceptionInForce(ex, orgId, r.id, personId, now),
        };
    }
    return undefined;
  }

  /**
   * Refuses (audited, naming the rule) when one person would perform two duties an active rule
   * keeps apart (e.g. request and approve), unless an exception for that person is in force.
   */
  async assertSeparate(
    gate: Gate,
    target: string,
    a: { duty: string; personId: string },
    b: { duty: string; personId: string },
  ): Promise<void> {
    if (a.personId !== b.personId) return;
    const orgId = gate.actor.orgId;
    const now = this.ctx.clock().toISOString();
    for (const r of (await repo.rules(gate.tx, orgId)).map(toRule)) {
      if (
        !r.active ||
        r.kind !== 'duties' ||
        !r.members.includes(a.duty) ||
        !r.members.includes(b.duty)
      )
        continue;
      if (await repo.exceptionInForce(gate.tx, orgId, r.id, a.personId, now)) continue;
      gate.refuse(
        new AccordError(
          'SOD_CONFLICT',
          `Refused by the rule “${r.name}”: the same person cannot ${a.duty} and ${b.duty}. ${r.description}`,
        ),
        `duty.${b.duty}`,
        target,
        { rule: r.name, duties: [a.duty, b.duty] },
      );
    }
  }

  /** Explains a conflict in words, for the refusal. */
  static describe(c: Conflict, role: Role): string {
    return `Refused by the rule “${c.rule.name}”: no one may hold ${memberLabel(role)} and ${memberLabel(c.otherRole)} at the same time. The SIRO can record an exception with a justification and an end date.`;
  }
}
