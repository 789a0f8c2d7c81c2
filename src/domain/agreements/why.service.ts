// "Why?": any logged decision explained to a person — what was asked, what was decided, by which
// rule or agreement clause, and what to do next. People see their own decisions; the DPO, SIRO,
// Caldicott Guardian and auditors see everyone's in their organisation.
import type { AuditLog } from '../audit/audit.service.ts';
import type { DomainContext } from '../context.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import * as repo from './agreements.repository.ts';

export interface Explanation {
  seq: number;
  at: string;
  action: string;
  /** allow | deny | refused (and ok for other entries). */
  outcome: string;
  allowed: boolean;
  actor: string;
  actorName: string | null;
  purpose: string | null;
  target: string | null;
  reason: string | null;
  /** The rule (people and power) or agreement clause that decided. */
  rule: string | null;
  agreement: { agreementId: string; reference: string; version: number } | null;
  fields: string[];
  nextStep: string | null;
}

const NEXT: Record<string, string> = {
  purpose:
    'Use the agreement only for the purposes it names, or ask your Data Protection Officer to propose a new version that adds this purpose.',
  fields:
    'Ask only for the fields the agreement shares, or ask your Data Protection Officer to propose a new version that adds them.',
  operation: 'The agreement does not allow this kind of sharing: a new version would have to.',
  check: 'Ask only the yes/no questions the agreement defines.',
  validity:
    'The agreement is not in force now. Ask your Data Protection Officer whether it is being renewed or replaced.',
  approval:
    'The agreement is still waiting for approval by every party’s DPO and SIRO; nothing can be shared under it until then.',
  condition: 'The agreement’s condition is not met for this person or this request.',
  budget: 'The agreement’s daily budget is used up; it starts again at midnight (UTC).',
  agreement:
    'No agreement covers sharing between these organisations. Ask your Data Protection Officer to draft one.',
  training: 'Complete your data protection training (see the Training page), then try again.',
  'second-factor': 'Sign in again with your second factor.',
  role: 'Ask your administrator for the role this needs: the roles register shows who holds what.',
  scope: 'Use an API token with the scope this needs.',
  organisation: 'It belongs to another organisation.',
};

export class WhyService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly audit: AuditLog,
    private readonly names: (
      ex: Parameters<typeof repo.agreement>[0],
      orgId: string,
    ) => Promise<Map<string, string>>,
  ) {}

  async explain(actor: Actor, seq: number): Promise<Explanation> {
    return withAccess(this.ctx, actor, async (gate) => {
      const e = Number.isSafeInteger(seq) ? await this.audit.entry(seq, gate.tx) : undefined;
      const owner = e?.actor.startsWith('person:') ? e.actor.slice(7) : null;
      gate.require('decisions.explain', {
        orgId: e && e.orgId === actor.orgId ? actor.orgId : '',
        ownerPersonId: owner,
        ref: `audit:${seq}`,
      });
      const d = e!.details;
      const ref = d.agreement as { agreementId?: string; version?: number } | null | undefined;
      const a = ref?.agreementId ? await repo.agreement(gate.tx, ref.agreementId) : undefined;
      const rule =
        typeof d.clause === 'string' ? d.clause : typeof d.rule === 'string' ? d.rule : null;
      const allowed = e!.outcome === 'allow' || e!.outcome === 'ok';
      return {
        seq: e!.seq,
        at: e!.at,
        action: e!.action,
        outcome: e!.outcome,
        allowed,
        actor: e!.actor,
        actorName: owner ? ((await this.names(gate.tx, actor.orgId)).get(owner) ?? null) : null,
        purpose: e!.purpose,
        target: e!.target,
        reason: typeof d.reason === 'string' ? d.reason : null,
        rule,
        agreement:
          a && ref
            ? { agreementId: a.agreement_id, reference: a.reference, version: ref.version ?? 0 }
            : null,
        fields: Array.isArray(d.fields) ? d.fields.map(String) : [],
        nextStep: allowed || !rule ? null : (NEXT[rule] ?? null),
      };
    });
  }
}
