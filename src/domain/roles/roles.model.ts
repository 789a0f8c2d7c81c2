// What the roles register hands out (grants and their status, gaps), the row mapping, and the
// inputs and lookups the register takes.
import type { Executor } from '../../store/store.ts';
import { ROLE_INFO } from '../policy/roles.ts';
import type { Role } from '../policy/roles.ts';
import type { RoleGrantTable } from './roles.table.ts';

export type GrantStatus = 'current' | 'upcoming' | 'lapsed' | 'revoked';
export const LAPSE_WARNING_DAYS = 30;

export interface RoleGrant {
  id: string;
  personId: string;
  personName: string;
  role: Role;
  roleLabel: string;
  reason: string;
  grantedBy: string;
  grantedByName: string;
  grantedAt: string;
  validFrom: string;
  validUntil: string | null;
  exceptionId: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
  revokeReason: string | null;
  status: GrantStatus;
  /** Current, and lapses within LAPSE_WARNING_DAYS. */
  lapsesSoon: boolean;
}

export function grantStatus(g: RoleGrantTable, now: string): GrantStatus {
  if (g.revoked_at && g.revoked_at <= now) return 'revoked';
  if (g.valid_from > now) return 'upcoming';
  if (g.valid_until && g.valid_until <= now) return 'lapsed';
  return 'current';
}

/** A name for an actor ref (person:<id>) from a name table; other refs as they are. */
export function refName(ref: string, names: Map<string, string>): string {
  return ref.startsWith('person:')
    ? (names.get(ref.slice(7)) ?? ref)
    : ref === 'node'
      ? 'Accord'
      : ref;
}

export function toGrant(
  g: RoleGrantTable,
  now: string,
  names: Map<string, string> = new Map(),
): RoleGrant {
  const status = grantStatus(g, now);
  const soon = new Date(Date.parse(now) + LAPSE_WARNING_DAYS * 86_400_000).toISOString();
  return {
    id: g.grant_id,
    personId: g.person_id,
    personName: names.get(g.person_id) ?? g.person_id,
    grantedByName: refName(g.granted_by, names),
    role: g.role as Role,
    roleLabel: ROLE_INFO[g.role as Role]?.label ?? g.role,
    reason: g.reason,
    grantedBy: g.granted_by,
    grantedAt: g.granted_at,
    validFrom: g.valid_from,
    validUntil: g.valid_until,
    exceptionId: g.exception_id,
    revokedAt: g.revoked_at,
    revokedBy: g.revoked_by,
    revokeReason: g.revoke_reason,
    status,
    lapsesSoon: status === 'current' && g.valid_until !== null && g.valid_until <= soon,
  };
}

export interface GrantInput {
  personId: string;
  role: string;
  reason: string;
  validFrom?: string;
  validUntil?: string | null;
}

export interface RegisterFilter {
  role?: string;
  status?: GrantStatus | 'all';
  personId?: string;
}

export interface Gap {
  role: Role;
  message: string;
}

/** Looks people up for the register (the people module answers; roles does not read its tables). */
export interface PeopleLookup {
  activePerson(ex: Executor, orgId: string, personId: string): Promise<boolean>;
  names(ex: Executor, orgId: string): Promise<Map<string, string>>;
}

/** A time from input: null when absent, NaN when not a real time. */
export function parseTime(v: string | null | undefined): number | null {
  if (!v) return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? NaN : t;
}
