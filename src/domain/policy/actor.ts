// Who is acting. An Actor is built once per request (from a session or an API token) with
// everything a decision needs, so deciding never goes back to the database.
import type { Role } from './roles.ts';

export interface TrainingStatus {
  /** Mandatory courses completed and not yet expired. */
  current: boolean;
  /** Mandatory courses whose last completion has expired, with the first day it no longer counted. */
  lapsed: { course: string; expiredOn: string }[];
  /** Mandatory courses never completed. */
  missing: string[];
}

export interface Actor {
  /** person: signed in or a person's token; system: a partner-system token; node: Accord itself. */
  kind: 'person' | 'system' | 'node';
  orgId: string;
  personId: string | null;
  tokenId: string | null;
  sessionId: string | null;
  name: string;
  roles: ReadonlySet<Role>;
  /** The scopes of the API token used; null when acting through a signed-in session. */
  scopes: ReadonlySet<string> | null;
  /** Whether a second factor was given (sessions) — tokens are a credential of their own. */
  mfa: boolean;
  training: TrainingStatus;
  /** How the actor appears in the audit log: person:<id>, token:<id>, node. */
  ref: string;
}

/** Accord itself acting for an organisation (demo set-up, scheduled sweeps). */
export function nodeActor(orgId: string, name = 'Accord'): Actor {
  return {
    kind: 'node',
    orgId,
    personId: null,
    tokenId: null,
    sessionId: null,
    name,
    roles: new Set(),
    scopes: null,
    mfa: true,
    training: { current: true, lapsed: [], missing: [] },
    ref: 'node',
  };
}
