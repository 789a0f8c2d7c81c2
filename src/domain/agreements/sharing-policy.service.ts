// The policy decision point for sharing between organisations: the compiled index of every
// proposed and approved agreement version, kept in memory and rebuilt when any agreement changes
// (in this process at once; in others within a second, through a revision marker). Each decision
// is recorded in the audit log with its agreement version, clause, fields and reason.
import { AccordError } from '../../errors.ts';
import type { Executor } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import * as settings from '../node/node-settings.ts';
import type { Gate } from '../policy/gate.ts';
import * as repo from './agreements.repository.ts';
import { REVISION } from './agreements.service.ts';
import { PolicyIndex, compileVersion } from './compile.ts';
import { decideShare } from './decide-share.ts';
import type { ShareDecision, ShareRequest } from './decide-share.ts';
import { termsOf, waitingFor } from './versions.ts';

const RECHECK_MS = 1000;

/** The error a refused share decision reads as. */
export function shareError(d: ShareDecision): AccordError {
  const words = d.reason.replace(/^denied: /, '');
  switch (d.outcome) {
    case 'not-found':
      // With no agreement at all, the other organisation's data does not exist for the asker.
      return new AccordError('NOT_FOUND');
    case 'training':
      return new AccordError('TRAINING_LAPSED', `You cannot do that: ${words}`);
    case 'second-factor':
      return new AccordError('SECOND_FACTOR_REQUIRED', `You cannot do that: ${words}`);
    case 'budget':
      return new AccordError('RATE_LIMITED', `Refused: ${words}`);
    default:
      return new AccordError('FORBIDDEN', `You cannot do that: ${words}`);
  }
}

export type ShareQuery = Omit<ShareRequest, 'actor' | 'now'>;

export class SharingPolicy {
  private cached:
    { index: PolicyIndex; revision: string | undefined; checkedAt: number } | undefined;

  constructor(private readonly ctx: DomainContext) {}

  invalidate(): void {
    this.cached = undefined;
  }

  async build(ex: Executor): Promise<PolicyIndex> {
    const rows = await repo.policyVersions(ex);
    const approvals = await repo.approvals(
      ex,
      rows.map((r) => r.version_id),
    );
    return new PolicyIndex(
      rows.map((r) =>
        compileVersion({
          agreementId: r.agreement_id,
          versionId: r.version_id,
          reference: r.reference,
          version: r.version,
          status: r.status,
          terms: termsOf(r),
          approvedAt: r.approved_at,
          suspendedAt: r.suspended_at,
          terminatedAt: r.terminated_at,
          waitingFor: r.status === 'proposed' ? waitingFor(r, approvals) : [],
        }),
      ),
    );
  }

  /** The compiled index, rebuilt only when an agreement has changed. */
  async index(ex: Executor): Promise<PolicyIndex> {
    const now = Date.now();
    if (this.cached && now - this.cached.checkedAt < RECHECK_MS) return this.cached.index;
    const revision = await settings.get(ex, REVISION);
    if (this.cached && this.cached.revision === revision) {
      this.cached.checkedAt = now;
      return this.cached.index;
    }
    const index = await this.build(ex);
    this.cached = { index, revision, checkedAt: now };
    return index;
  }

  private async judge(gate: Gate, q: ShareQuery): Promise<ShareDecision> {
    return decideShare(await this.index(gate.tx), {
      ...q,
      actor: gate.actor,
      now: this.ctx.clock().getTime(),
    });
  }

  private static audited(q: ShareQuery, d: ShareDecision): Record<string, unknown> {
    return {
      decision: d.allow ? 'allow' : 'deny',
      agreement: d.agreement,
      clause: d.clause,
      fields: d.fields,
      reason: d.reason,
      ...(q.checkKey ? { check: q.checkKey } : {}),
    };
  }

  /** Decides and records the decision (allowed or refused) with the work. */
  async decide(gate: Gate, q: ShareQuery): Promise<ShareDecision> {
    const d = await this.judge(gate, q);
    gate.record(
      `share.${q.operation}`,
      `${q.recordType}@org:${q.providerOrgId}`,
      SharingPolicy.audited(q, d),
      d.allow ? 'allow' : 'deny',
      q.purpose,
    );
    return d;
  }

  /**
   * Decides, and refuses unless allowed: the refusal is recorded on its own (the work rolls back)
   * and reads as the reason; with no agreement at all, the other organisation's data does not exist.
   */
  async require(gate: Gate, q: ShareQuery): Promise<ShareDecision> {
    const d = await this.judge(gate, q);
    const target = `${q.recordType}@org:${q.providerOrgId}`;
    if (d.allow) {
      gate.record(`share.${q.operation}`, target, SharingPolicy.audited(q, d), 'allow', q.purpose);
      return d;
    }
    // The provider learns of a refused attempt under an agreement with it (a question outside the
    // agreement, a spent budget) in its own log: a party to that agreement, so known here. Not of
    // one with no agreement at all, nor of the asker's own standing (training, second factor):
    // anyone could write those into any log.
    const toldProvider =
      d.agreement !== null && (d.outcome === 'forbidden' || d.outcome === 'budget');
    gate.refuse(
      shareError(d),
      `share.${q.operation}`,
      target,
      SharingPolicy.audited(q, d),
      q.purpose,
      toldProvider ? [{ orgId: q.providerOrgId, side: 'provider' }] : [],
    );
  }
}
