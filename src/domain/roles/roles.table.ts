// The roles register and segregation-of-duties rules.
export interface RoleGrantTable {
  grant_id: string;
  org_id: string;
  person_id: string;
  role: string;
  reason: string;
  granted_by: string;
  granted_at: string;
  valid_from: string;
  /** Null: until revoked. A grant lapses by itself at this instant. */
  valid_until: string | null;
  /** The duty exception that allowed a combination a rule forbids. */
  exception_id: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
  revoke_reason: string | null;
}

export interface DutyRuleTable {
  rule_id: string;
  org_id: string;
  name: string;
  description: string;
  /** roles: no person may hold two of `members` at once; duties: no person may perform two of them on one matter. */
  kind: string;
  members: string;
  active: number;
  created_by: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
}

export interface DutyExceptionTable {
  exception_id: string;
  org_id: string;
  rule_id: string;
  person_id: string;
  justification: string;
  granted_by: string;
  granted_at: string;
  valid_until: string;
  revoked_at: string | null;
  revoked_by: string | null;
}

export interface RolesTables {
  role_grant: RoleGrantTable;
  duty_rule: DutyRuleTable;
  duty_exception: DutyExceptionTable;
}
