// The policy decision point: a pure function from (actor, action, resource) to a decision with a
// reason a person can read. No database access: everything needed is on the actor and resource.
// Across organisations a resource the actor may not see does not exist for them (not-found).
import type { Actor } from './actor.ts';
import type { Action, Permission } from './permissions.ts';
import { PERMISSIONS } from './permissions.ts';
import { ROLE_INFO } from './roles.ts';

export interface Resource {
  orgId: string;
  /** The person the resource belongs to (their account, their tokens, their training). */
  ownerPersonId?: string | null;
  /** e.g. grant:<id>, person:<id>; for the audit log. */
  ref?: string;
}

export type Outcome = 'allow' | 'forbidden' | 'not-found' | 'second-factor' | 'training';

export interface Decision {
  allow: boolean;
  outcome: Outcome;
  action: Action;
  /** Which rule decided: organisation, scope, system, role, self, member, second-factor, training, node. */
  rule: string;
  reason: string;
}

function deny(
  action: Action,
  outcome: Exclude<Outcome, 'allow'>,
  rule: string,
  reason: string,
): Decision {
  return { allow: false, outcome, action, rule, reason: `denied: ${reason}` };
}

function allow(action: Action, rule: string, by: string): Decision {
  return { allow: true, outcome: 'allow', action, rule, reason: `allowed: ${by}` };
}

const ukDate = (iso: string): string =>
  new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });

/** Why an actor lacking the roles cannot act, in words. */
function notYourRole(p: Permission): string {
  if (p.roles.length === 0) return `you cannot ${p.does}`;
  if (p.roles.length > 3) return `your roles do not let you ${p.does}`;
  return `only the ${p.roles.map((r) => ROLE_INFO[r].label).join(' or ')} can ${p.does}`;
}

/** Second factor and mandatory training, for actions that reach personal data. */
function personalDataGate(actor: Actor, action: Action, p: Permission): Decision | undefined {
  if (!p.personalData || actor.kind !== 'person') return undefined;
  // Sessions need the second factor; a token is a credential of its own.
  if (actor.scopes === null && !actor.mfa)
    return deny(
      action,
      'second-factor',
      'second-factor',
      `sign in with your second factor to ${p.does}`,
    );
  const t = actor.training;
  if (t.current) return undefined;
  const lapsed = t.lapsed[0];
  if (lapsed)
    return deny(
      action,
      'training',
      'training',
      `your ${lapsed.course} training expired on ${ukDate(lapsed.expiredOn)}`,
    );
  return deny(
    action,
    'training',
    'training',
    `you have not completed ${t.missing.join(' or ')} training`,
  );
}

export function decide(actor: Actor, action: Action, resource: Resource): Decision {
  const p: Permission = PERMISSIONS[action];
  if (resource.orgId !== actor.orgId)
    return deny(action, 'not-found', 'organisation', 'it belongs to another organisation');
  if (actor.kind === 'node') return allow(action, 'node', 'Accord acting for the organisation');
  if (actor.scopes && !actor.scopes.has(p.scope)) {
    return deny(
      action,
      'forbidden',
      'scope',
      `the API token used does not have the scope '${p.scope}' needed to ${p.does}`,
    );
  }
  if (actor.kind === 'system') {
    return p.system
      ? allow(action, 'system', 'partner-system token')
      : deny(action, 'forbidden', 'system', `partner systems cannot ${p.does}`);
  }
  const role = p.roles.find((r) => actor.roles.has(r));
  const own =
    p.self === true && resource.ownerPersonId != null && resource.ownerPersonId === actor.personId;
  if (!role && !own && !p.anyone) return deny(action, 'forbidden', 'role', notYourRole(p));
  const gated = personalDataGate(actor, action, p);
  if (gated) return gated;
  if (role) return allow(action, 'role', `role ${ROLE_INFO[role].label}`);
  return own
    ? allow(action, 'self', 'it is your own')
    : allow(action, 'member', 'anyone in the organisation may');
}
