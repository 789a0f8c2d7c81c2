// What each action needs: the roles that may perform it, the API-token scope it needs, whether
// the owner of the resource may do it to themselves, and whether it reaches personal data (and so
// needs a second factor and current training). Routes name an action; an API route without one
// refuses to register.
import { EXCHANGE_AND_RIGHTS_PERMISSIONS } from './permissions-exchange-rights.ts';
import { PORTFOLIO_AND_RECONCILE_PERMISSIONS } from './permissions-portfolio-reconcile.ts';
import type { Role } from './roles.ts';

export interface Permission {
  roles: readonly Role[];
  scope: string;
  /** The person a resource belongs to may do this to it whatever their roles (my account). */
  self?: boolean;
  /** Anyone in the organisation may, whatever their roles (the register of who is the DPO). */
  anyone?: boolean;
  /** Partner-system tokens may be given this scope. */
  system?: boolean;
  /** Reaches personal data: needs a second factor and current mandatory training. */
  personalData?: boolean;
  /** Plain words for the decision's reason. */
  does: string;
}

const GOVERNANCE: readonly Role[] = ['siro', 'dpo', 'administrator', 'auditor'];

export const PERMISSIONS = {
  'org.read': {
    roles: [],
    anyone: true,
    scope: 'org:read',
    system: true,
    does: 'see the organisation',
  },
  'people.read': {
    roles: GOVERNANCE,
    scope: 'people:read',
    self: true,
    does: 'see the people of the organisation',
  },
  'people.manage': {
    roles: ['administrator'],
    scope: 'people:write',
    does: 'add, disable and reset accounts',
  },
  'roles.read': {
    roles: [],
    anyone: true,
    scope: 'roles:read',
    does: 'see the roles register',
  },
  'roles.grant': { roles: ['administrator'], scope: 'roles:write', does: 'grant and revoke roles' },
  'duties.read': {
    roles: [],
    anyone: true,
    scope: 'duties:read',
    does: 'see the segregation-of-duties rules',
  },
  'duties.manage': {
    roles: ['siro'],
    scope: 'duties:write',
    does: 'edit segregation-of-duties rules and exceptions',
  },
  'training.read': {
    roles: GOVERNANCE,
    scope: 'training:read',
    self: true,
    does: 'see training records',
  },
  'training.manage': {
    roles: ['administrator', 'dpo'],
    scope: 'training:write',
    does: 'record training and manage courses',
  },
  'tokens.manage': {
    roles: [],
    anyone: true,
    scope: 'tokens:write',
    does: 'manage your own API tokens',
  },
  'tokens.manage-org': {
    roles: ['administrator'],
    scope: 'tokens:write',
    does: 'manage partner-system API tokens',
  },
  'audit.read': {
    roles: ['auditor', 'dpo', 'siro'],
    scope: 'audit:read',
    does: "read the organisation's audit log",
  },
  'sso.manage': { roles: ['administrator'], scope: 'sso:write', does: 'configure single sign-on' },
  // Governance registers, records of processing and the compliance dashboard (issue 8).
  'governance.read': {
    roles: ['siro', 'dpo', 'iao', 'caldicott', 'auditor', 'administrator'],
    scope: 'governance:read',
    does: 'see the DPIAs, risks, vendors, records of processing and compliance dashboard',
  },
  'dpia.write': {
    roles: ['siro', 'dpo', 'iao', 'caldicott'],
    scope: 'governance:write',
    does: 'write and review DPIAs',
  },
  'dpia.advise': {
    roles: ['dpo'],
    scope: 'governance:write',
    does: 'give the DPO’s advice on DPIAs and record consultation with the ICO',
  },
  'dpia.sign': { roles: ['siro'], scope: 'governance:write', does: 'sign off DPIAs' },
  'risks.manage': {
    roles: ['siro', 'dpo', 'iao'],
    scope: 'governance:write',
    does: 'manage the risk register',
  },
  'risks.appetite': {
    roles: ['siro'],
    scope: 'governance:write',
    does: 'set the risk appetite',
  },
  'vendors.manage': {
    roles: ['siro', 'dpo', 'administrator'],
    scope: 'governance:write',
    does: 'manage vendors and processors',
  },
  'incidents.report': {
    roles: [],
    anyone: true,
    system: true,
    scope: 'incidents:report',
    does: 'report a suspected incident',
  },
  'incidents.read': {
    roles: ['siro', 'dpo', 'auditor'],
    self: true,
    scope: 'incidents:read',
    does: 'see incidents and breaches',
  },
  'incidents.manage': {
    roles: ['dpo', 'siro'],
    scope: 'incidents:write',
    does: 'triage incidents and decide on notifying the ICO',
  },
  'charter.manage': {
    roles: ['dpo'],
    scope: 'governance:write',
    does: 'edit the information charter and the organisation’s ICO details',
  },
  'personal-data.access': {
    roles: ['siro', 'dpo', 'iao', 'caldicott', 'handler'],
    scope: 'records:read',
    system: true,
    personalData: true,
    does: 'reach personal data',
  },
  // Record types, information assets and records (issue 4).
  'record-types.read': {
    roles: [],
    anyone: true,
    scope: 'records:read',
    system: true,
    does: 'see the record types',
  },
  'record-types.manage': {
    roles: ['administrator', 'dpo'],
    scope: 'records:admin',
    does: 'define record types',
  },
  'assets.read': {
    roles: [],
    anyone: true,
    scope: 'records:read',
    does: 'see the information asset register',
  },
  'assets.manage': {
    roles: ['administrator', 'iao', 'dpo', 'siro'],
    scope: 'records:admin',
    does: 'add and change information assets',
  },
  'records.read': {
    roles: ['siro', 'dpo', 'iao', 'caldicott', 'handler'],
    scope: 'records:read',
    system: true,
    personalData: true,
    does: 'read records about people',
  },
  'records.write': {
    roles: ['iao', 'handler'],
    scope: 'records:write',
    system: true,
    personalData: true,
    does: 'add and import records about people',
  },
  'keys.manage': {
    roles: ['administrator'],
    scope: 'records:admin',
    does: 'rotate encryption keys',
  },
  // Data-sharing agreements (issue 5).
  'agreements.read': {
    roles: [],
    anyone: true,
    scope: 'agreements:read',
    system: true,
    does: 'see the agreements register',
  },
  'agreements.write': {
    roles: ['dpo', 'siro', 'iao'],
    scope: 'agreements:write',
    does: 'draft and propose agreements',
  },
  'agreements.approve': {
    roles: ['dpo', 'siro'],
    scope: 'agreements:approve',
    does: 'approve, suspend and terminate agreements',
  },
  'decisions.explain': {
    roles: ['dpo', 'siro', 'caldicott', 'auditor'],
    self: true,
    scope: 'audit:read',
    does: 'see why a logged decision was made',
  },
  'purposes.manage': {
    roles: ['dpo'],
    scope: 'agreements:write',
    does: 'edit the purposes vocabulary',
  },
  // Exchange, federation and subjects' rights; the portfolio and reconciliation.
  ...EXCHANGE_AND_RIGHTS_PERMISSIONS,
  ...PORTFOLIO_AND_RECONCILE_PERMISSIONS,
} as const satisfies Record<string, Permission>;

export type Action = keyof typeof PERMISSIONS;

export function isAction(x: string): x is Action {
  return Object.hasOwn(PERMISSIONS, x);
}

/** Every scope a token can hold, and which of them partner systems may hold. */
export const SCOPES: readonly string[] = [
  ...new Set(Object.values(PERMISSIONS).map((p) => p.scope)),
].sort();
export const SYSTEM_SCOPES: readonly string[] = [
  ...new Set(
    Object.values(PERMISSIONS)
      .filter((p: Permission) => p.system)
      .map((p) => p.scope),
  ),
].sort();
