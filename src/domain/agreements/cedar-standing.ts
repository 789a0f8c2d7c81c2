// Accord's own standing rules (permissions.ts: roles, API-token scopes, second factor, training)
// as Cedar `forbid` policies: whatever an agreement permits, these refuse first, as decide() does
// before decideShare() looks at any agreement.
import { OPERATIONS } from './model.ts';
import type { Operation } from './model.ts';
import { PERMISSION } from './decide-share.ts';
import { PERMISSIONS } from '../policy/permissions.ts';
import type { Permission } from '../policy/permissions.ts';
import { act, note, str, strings } from './cedar-text.ts';

/** Accord's standing rules for one permission, as forbids on the operations that need it. */
function standingFor(name: string, p: Permission, ops: Operation[]): string[] {
  const scope = `(principal, action in [${ops.map(act).join(', ')}], resource)`;
  const out: string[] = [];
  const rule = (id: string, why: string, body: string): void => {
    out.push(
      `${note(why)}\n@id(${str(`standing: ${name} ${id}`)})\nforbid ${scope}\nwhen { ${body} };`,
    );
  };
  rule(
    'scope',
    `An API token must carry the scope '${p.scope}' (a node acting for itself needs none).`,
    `principal.kind != "node" && principal has scopes && !principal.scopes.contains(${str(p.scope)})`,
  );
  if (!p.system) rule('system', `Partner systems cannot ${p.does}.`, `principal.kind == "system"`);
  if (!p.anyone)
    rule(
      'role',
      p.roles.length
        ? `Only these roles may ${p.does}: ${p.roles.join(', ')}.`
        : `Nobody may ${p.does}.`,
      p.roles.length
        ? `principal.kind == "person" && !principal.roles.containsAny(${strings(p.roles)})`
        : `principal.kind == "person"`,
    );
  if (p.personalData) {
    rule(
      'second-factor',
      'People signed in (not using a token) need their second factor for personal data.',
      `principal.kind == "person" && !(principal has scopes) && !principal.mfa`,
    );
    rule(
      'training',
      'People need current mandatory data protection training for personal data.',
      `principal.kind == "person" && !principal.trainingCurrent`,
    );
  }
  return out;
}

/** Every standing rule, grouped by the permission each operation needs. */
export function standingRules(): string[] {
  return [...new Set(OPERATIONS.map((op) => PERMISSION[op]))].flatMap((perm) =>
    standingFor(
      perm,
      PERMISSIONS[perm],
      OPERATIONS.filter((op) => PERMISSION[op] === perm),
    ),
  );
}
