// A sharing request as Cedar sees it: the actor as an Actor entity, the provider's records as a
// Records entity, and the context (cedar-schema.ts). What Cedar cannot work out for itself —
// today's count of look-ups, the subject's date of birth as a number — Accord supplies here.
import type { Actor } from '../policy/actor.ts';
import type { ShareRequest } from './decide-share.ts';
import { recordsEntity } from './cedar.ts';
import { NS } from './cedar-schema.ts';
import type { CedarEntity, CedarValue } from './cedar-schema.ts';

export interface CedarRequest {
  principal: { type: string; id: string };
  action: { type: string; id: string };
  resource: { type: string; id: string };
  context: Record<string, CedarValue>;
  entities: CedarEntity[];
}

/** yyyymmdd for a YYYY-MM-DD day (as decide-share reads dates of birth), or null when not a day. */
export function dayNumber(s: unknown): number | null {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return null;
  const d = new Date(`${s}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || !d.toISOString().startsWith(s)) return null;
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

export function actorEntity(a: Actor): CedarEntity {
  return {
    uid: { type: `${NS}::Actor`, id: `${a.orgId}/${a.ref}` },
    attrs: {
      org: { __entity: { type: `${NS}::Organisation`, id: a.orgId } },
      kind: a.kind,
      personId: a.personId ?? '',
      roles: [...a.roles],
      mfa: a.mfa,
      trainingCurrent: a.training.current,
      ...(a.scopes ? { scopes: [...a.scopes] } : {}),
    },
    parents: [],
  };
}

/**
 * The Cedar request for a share request under one agreement. `subjectDateFields` are the
 * subject's date fields the exported schema declares (the conditions' dates of birth).
 */
export function cedarRequest(
  r: ShareRequest,
  agreementId: string,
  subjectDateFields: readonly string[],
): CedarRequest {
  const principal = actorEntity(r.actor);
  const resource = recordsEntity(r.providerOrgId, r.recordType);
  const now = new Date(r.now);
  const subject: Record<string, CedarValue> = {};
  for (const f of subjectDateFields) {
    const n = r.subject ? dayNumber(r.subject[f]) : null;
    if (n !== null) subject[f] = n;
  }
  const moves = r.operation !== 'check';
  return {
    principal: principal.uid,
    action: { type: `${NS}::Action`, id: r.operation },
    resource: resource.uid,
    context: {
      purpose: r.purpose,
      fields: moves && r.fields ? [...new Set(r.fields)] : [],
      everyField: moves && !r.fields,
      checkKey: moves ? '' : (r.checkKey ?? ''),
      now: { __extn: { fn: 'datetime', arg: now.toISOString() } },
      today: now.getUTCFullYear() * 10000 + (now.getUTCMonth() + 1) * 100 + now.getUTCDate(),
      subject,
      usedToday: r.usedToday ? r.usedToday(agreementId) : 0,
    },
    entities: [principal, resource],
  };
}
