// What segregation of duties hands out (rules, exceptions, conflicts), their row mapping, and the
// check of a rule's input.
import type { Problem } from '../../errors.ts';
import { ROLE_INFO, isRole } from '../policy/roles.ts';
import type { Role } from '../policy/roles.ts';
import type { DutyExceptionTable, DutyRuleTable } from './roles.table.ts';

/** Duties other modules check; rules may name any of them. */
export const DUTIES = [
  'request',
  'approve',
  'author',
  'sign-off',
  'propose',
  'override',
  'second-approval',
] as const;

export interface DutyRule {
  id: string;
  name: string;
  description: string;
  kind: 'roles' | 'duties';
  members: string[];
  active: boolean;
  updatedAt: string;
  updatedBy: string;
}

export interface DutyException {
  id: string;
  ruleId: string;
  personId: string;
  justification: string;
  grantedBy: string;
  grantedAt: string;
  validUntil: string;
  revokedAt: string | null;
  inForce: boolean;
}

export const toRule = (r: DutyRuleTable): DutyRule => ({
  id: r.rule_id,
  name: r.name,
  description: r.description,
  kind: r.kind as DutyRule['kind'],
  members: JSON.parse(r.members) as string[],
  active: r.active === 1,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
});

export const toException = (e: DutyExceptionTable, now: string): DutyException => ({
  id: e.exception_id,
  ruleId: e.rule_id,
  personId: e.person_id,
  justification: e.justification,
  grantedBy: e.granted_by,
  grantedAt: e.granted_at,
  validUntil: e.valid_until,
  revokedAt: e.revoked_at,
  inForce: !e.revoked_at && e.valid_until > now,
});

/** How a rule's member reads in a refusal: a role by its label, a duty quoted. */
export const memberLabel = (m: string): string => (isRole(m) ? ROLE_INFO[m].label : `“${m}”`);

export interface RuleInput {
  name: string;
  description?: string;
  kind: string;
  members: string[];
  active?: boolean;
}

export interface ExceptionInput {
  ruleId: string;
  personId: string;
  justification: string;
  validUntil: string;
}

/** A combination a rule forbids, found when granting a role. */
export interface Conflict {
  rule: DutyRule;
  otherRole: Role;
  exception: DutyExceptionTable | undefined;
}

/** What is wrong with a rule's input: its kind, and at least two members Accord knows of that kind. */
export function ruleProblems(input: RuleInput): Problem[] {
  const problems: Problem[] = [];
  if (!input.name?.trim()) problems.push({ field: 'name', message: 'Enter a name for the rule' });
  if (input.kind !== 'roles' && input.kind !== 'duties')
    problems.push({ field: 'kind', message: 'Choose whether the rule is about roles or duties' });
  const members = [...new Set((input.members ?? []).map((m) => m.trim()).filter(Boolean))];
  if (members.length < 2)
    problems.push({
      field: 'members',
      message: 'Choose at least two roles or duties that must not be combined',
    });
  if (input.kind === 'roles') {
    for (const m of members)
      if (!isRole(m)) problems.push({ field: 'members', message: `${m} is not a role` });
  } else if (input.kind === 'duties') {
    for (const m of members)
      if (!(DUTIES as readonly string[]).includes(m))
        problems.push({
          field: 'members',
          message: `${m} is not a duty Accord checks (${DUTIES.join(', ')})`,
        });
  }
  return problems;
}
