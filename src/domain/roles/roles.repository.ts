// SQL for role grants, duty rules and duty exceptions.
import type { Executor } from '../../store/store.ts';
import type { DutyExceptionTable, DutyRuleTable, RoleGrantTable } from './roles.table.ts';

export async function insertGrant(ex: Executor, g: RoleGrantTable): Promise<void> {
  await ex.db.insertInto('role_grant').values(g).execute();
}

export async function grant(
  ex: Executor,
  orgId: string,
  grantId: string,
): Promise<RoleGrantTable | undefined> {
  return ex.db
    .selectFrom('role_grant')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('grant_id', '=', grantId)
    .executeTakeFirst();
}

/** A grant by id in any organisation (to tell "another organisation's" from "no such"). */
export async function grantAnyOrg(
  ex: Executor,
  grantId: string,
): Promise<RoleGrantTable | undefined> {
  return ex.db
    .selectFrom('role_grant')
    .selectAll()
    .where('grant_id', '=', grantId)
    .executeTakeFirst();
}

export async function grantsOf(
  ex: Executor,
  orgId: string,
  personId: string,
): Promise<RoleGrantTable[]> {
  return ex.db
    .selectFrom('role_grant')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('person_id', '=', personId)
    .orderBy('granted_at')
    .execute();
}

export interface GrantFilter {
  role?: string;
  personId?: string;
}

export async function grants(
  ex: Executor,
  orgId: string,
  f: GrantFilter = {},
): Promise<RoleGrantTable[]> {
  let q = ex.db.selectFrom('role_grant').selectAll().where('org_id', '=', orgId);
  if (f.role) q = q.where('role', '=', f.role);
  if (f.personId) q = q.where('person_id', '=', f.personId);
  return q.orderBy('role').orderBy('valid_from', 'desc').execute();
}

/** Roles held at `now` (not revoked, started, not lapsed). */
export async function currentRoles(
  ex: Executor,
  orgId: string,
  personId: string,
  now: string,
): Promise<string[]> {
  const rows = await ex.db
    .selectFrom('role_grant')
    .select('role')
    .where('org_id', '=', orgId)
    .where('person_id', '=', personId)
    .where('revoked_at', 'is', null)
    .where('valid_from', '<=', now)
    .where((eb) => eb.or([eb('valid_until', 'is', null), eb('valid_until', '>', now)]))
    .execute();
  return [...new Set(rows.map((r) => r.role))];
}

export async function revokeGrant(
  ex: Executor,
  orgId: string,
  grantId: string,
  by: string,
  at: string,
  reason: string,
): Promise<void> {
  await ex.db
    .updateTable('role_grant')
    .set({ revoked_at: at, revoked_by: by, revoke_reason: reason })
    .where('org_id', '=', orgId)
    .where('grant_id', '=', grantId)
    .execute();
}

export async function revokeAllOf(
  ex: Executor,
  orgId: string,
  personId: string,
  by: string,
  at: string,
  reason: string,
): Promise<number> {
  const r = await ex.db
    .updateTable('role_grant')
    .set({ revoked_at: at, revoked_by: by, revoke_reason: reason })
    .where('org_id', '=', orgId)
    .where('person_id', '=', personId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function rules(ex: Executor, orgId: string): Promise<DutyRuleTable[]> {
  return ex.db
    .selectFrom('duty_rule')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('name')
    .execute();
}

export async function rule(
  ex: Executor,
  orgId: string,
  ruleId: string,
): Promise<DutyRuleTable | undefined> {
  return ex.db
    .selectFrom('duty_rule')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('rule_id', '=', ruleId)
    .executeTakeFirst();
}

export async function insertRule(ex: Executor, r: DutyRuleTable): Promise<void> {
  await ex.db.insertInto('duty_rule').values(r).execute();
}

export async function updateRule(
  ex: Executor,
  orgId: string,
  ruleId: string,
  set: Partial<DutyRuleTable>,
): Promise<void> {
  await ex.db
    .updateTable('duty_rule')
    .set(set)
    .where('org_id', '=', orgId)
    .where('rule_id', '=', ruleId)
    .execute();
}

export async function exceptions(ex: Executor, orgId: string): Promise<DutyExceptionTable[]> {
  return ex.db
    .selectFrom('duty_exception')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('granted_at', 'desc')
    .execute();
}

export async function exception(
  ex: Executor,
  orgId: string,
  id: string,
): Promise<DutyExceptionTable | undefined> {
  return ex.db
    .selectFrom('duty_exception')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('exception_id', '=', id)
    .executeTakeFirst();
}

/** An exception to `ruleId` for the person, in force at `now`. */
export async function exceptionInForce(
  ex: Executor,
  orgId: string,
  ruleId: string,
  personId: string,
  now: string,
): Promise<DutyExceptionTable | undefined> {
  return ex.db
    .selectFrom('duty_exception')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('rule_id', '=', ruleId)
    .where('person_id', '=', personId)
    .where('revoked_at', 'is', null)
    .where('valid_until', '>', now)
    .orderBy('valid_until', 'desc')
    .executeTakeFirst();
}

export async function insertException(ex: Executor, e: DutyExceptionTable): Promise<void> {
  await ex.db.insertInto('duty_exception').values(e).execute();
}

export async function revokeException(
  ex: Executor,
  orgId: string,
  id: string,
  by: string,
  at: string,
): Promise<void> {
  await ex.db
    .updateTable('duty_exception')
    .set({ revoked_at: at, revoked_by: by })
    .where('org_id', '=', orgId)
    .where('exception_id', '=', id)
    .execute();
}
