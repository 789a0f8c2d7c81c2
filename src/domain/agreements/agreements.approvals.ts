// Approval and control of proposed and approved versions. Each party's DPO and SIRO sign for their
// organisation (never whoever proposed the version: segregation of duties); a rejection needs a
// reason. Suspension, resumption and termination are open to any party's DPO or SIRO, and take
// effect at their instant without any job running (see versions.ts).
import { randomUUID } from 'node:crypto';
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Tx } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import type { Actor } from '../policy/actor.ts';
import type { Gate } from '../policy/gate.ts';
import { withAccess } from '../policy/gate.ts';
import { importControl } from './agreements.controls-remote.ts';
import { importDecision, importProposal } from './agreements.federated.ts';
import type {
  HostOf,
  ShareEvent,
  SharedControl,
  SharedDecision,
  SharedRefusal,
  SharedVersion,
} from './agreements.federated.ts';
import { auditRefusedHere, refusedByPartner, refusedElsewhere } from './agreements.refusals.ts';
import * as repo from './agreements.repository.ts';
import type { AgreementVersionTable } from './agreements.table.ts';
import type { Agreement } from './agreements.view.ts';
import { loadAgreement } from './agreements.view.ts';
import type { AgreementWorld } from './agreements.world.ts';
import { highRiskReasons } from './screening.ts';
import { termsOf, waitingFor } from './versions.ts';

export type ControlAction = 'suspend' | 'resume' | 'terminate';

const PAST: Record<ControlAction, string> = {
  suspend: 'suspended',
  resume: 'resumed',
  terminate: 'terminated',
};

export class AgreementApprovals {
  constructor(
    private readonly ctx: DomainContext,
    private readonly world: AgreementWorld,
    /** Marks the policy changed, in the same transaction. */
    private readonly changed: (tx: Tx) => Promise<void>,
    /** Tells partner nodes hosting a party (federation), in the same transaction. */
    private readonly shared: (tx: Tx, e: ShareEvent) => Promise<void> = async () => undefined,
  ) {}

  /** A version the actor's organisation is party to, for its DPO or SIRO (otherwise 404). */
  private async partyVersion(gate: Gate, versionId: string): Promise<AgreementVersionTable> {
    const v = await repo.version(gate.tx, versionId);
    const party = v ? await repo.isParty(gate.tx, versionId, gate.actor.orgId) : false;
    gate.require('agreements.approve', {
      orgId: party ? gate.actor.orgId : '',
      ref: `agreement-version:${versionId}`,
    });
    return v!;
  }

  /**
   * Approves or rejects a proposed version for the actor's organisation, in every signing role
   * they hold there. When every party's DPO and SIRO have approved, the version is approved and
   * in force from its start date.
   */
  async decide(
    actor: Actor,
    versionId: string,
    decision: 'approve' | 'reject',
    comment: string | null,
  ): Promise<Agreement> {
    return withAccess(this.ctx, actor, async (gate) => {
      const v = await this.partyVersion(gate, versionId);
      if (v.status !== 'proposed')
        throw new AccordError(
          'CONFLICT',
          `This version is ${v.status}: only a proposed version can be approved or rejected.`,
        );
      const proposer = v.proposed_by?.startsWith('person:') ? v.proposed_by.slice(7) : null;
      if (proposer)
        await this.world.assertSeparate(
          gate,
          `agreement-version:${versionId}`,
          { duty: 'propose', personId: proposer },
          { duty: 'approve', personId: actor.personId ?? '' },
        );
      const held = (
        await this.world.currentRoles(gate.tx, actor.orgId, actor.personId ?? '')
      ).filter((r): r is 'dpo' | 'siro' => r === 'dpo' || r === 'siro');
      const existing = await repo.approvals(gate.tx, [versionId]);
      const todo = held.filter(
        (r) => !existing.some((a) => a.org_id === actor.orgId && a.role === r),
      );
      if (todo.length === 0)
        throw new AccordError(
          'CONFLICT',
          'Your organisation’s decision in your role is already recorded.',
        );
      if (decision === 'reject' && !comment?.trim())
        assertNoProblems([{ field: 'comment', message: 'Say why the agreement is rejected' }]);
      const terms = termsOf(v);
      // The proposer's DPIA is checked again as its own DPO and SIRO sign: it may have been
      // reopened since the proposal.
      if (decision === 'approve' && actor.orgId === v.org_id)
        await this.world.assertDpia(gate, terms.dpiaRef, highRiskReasons(terms).length > 0);
      const at = this.ctx.clock().toISOString();
      for (const role of todo)
        await gate.tx.db
          .insertInto('agreement_approval')
          .values({
            approval_id: randomUUID(),
            version_id: versionId,
            org_id: actor.orgId,
            person_id: actor.personId ?? '',
            role,
            decision,
            comment: comment?.trim() || null,
            decided_at: at,
          })
          .execute();
      const all = await repo.approvals(gate.tx, [versionId]);
      const status =
        decision === 'reject'
          ? 'rejected'
          : waitingFor(v, all).length === 0
            ? 'approved'
            : v.status;
      if (status !== v.status)
        await gate.tx.db
          .updateTable('agreement_version')
          .set({ status, approved_at: status === 'approved' ? at : null, updated_at: at })
          .where('version_id', '=', versionId)
          .execute();
      await this.changed(gate.tx);
      await this.shared(gate.tx, {
        kind: 'decided',
        versionId,
        parties: terms.parties.map((p) => p.orgId),
      });
      gate.record(
        decision === 'approve' ? 'agreements.approved' : 'agreements.rejected',
        `agreement:${v.agreement_id}`,
        {
          version: v.version,
          roles: todo,
          comment: comment?.trim() || null,
          nowFullyApproved: status === 'approved',
        },
      );
      return (await loadAgreement(gate.tx, v.agreement_id, this.ctx.clock()))!;
    });
  }

  /** Suspends, resumes or terminates an approved version; termination may be set for a later instant. */
  async control(
    actor: Actor,
    versionId: string,
    action: ControlAction,
    reason: string,
    at?: string,
  ): Promise<Agreement> {
    return withAccess(this.ctx, actor, async (gate) => {
      const v = await this.partyVersion(gate, versionId);
      if (v.status !== 'approved')
        throw new AccordError(
          'CONFLICT',
          'Only an approved agreement can be suspended, resumed or terminated.',
        );
      const now = this.ctx.clock().toISOString();
      if (v.terminated_at && v.terminated_at <= now)
        throw new AccordError('CONFLICT', 'The agreement has been terminated.');
      if (action === 'resume' && !v.suspended_at)
        throw new AccordError('CONFLICT', 'The agreement is not suspended.');
      if (action === 'suspend' && v.suspended_at)
        throw new AccordError('CONFLICT', 'The agreement is already suspended.');
      const when = at ? new Date(at) : new Date(now);
      const problems = [];
      if (!reason?.trim()) problems.push({ field: 'reason', message: 'Say why' });
      if (Number.isNaN(when.getTime()) || when.toISOString() < now)
        problems.push({ field: 'at', message: 'The time must be now or later' });
      assertNoProblems(problems);
      const set =
        action === 'suspend'
          ? { suspended_at: now, suspended_by: actor.ref, suspend_reason: reason.trim() }
          : action === 'resume'
            ? { suspended_at: null, suspended_by: null, suspend_reason: null }
            : {
                terminated_at: when.toISOString(),
                terminated_by: actor.ref,
                terminate_reason: reason.trim(),
              };
      await gate.tx.db
        .updateTable('agreement_version')
        .set({ ...set, updated_at: now })
        .where('version_id', '=', versionId)
        .execute();
      await this.changed(gate.tx);
      await this.shared(gate.tx, {
        kind: 'controlled',
        versionId,
        parties: termsOf(v).parties.map((p) => p.orgId),
        action: PAST[action],
      });
      gate.record(`agreements.${PAST[action]}`, `agreement:${v.agreement_id}`, {
        version: v.version,
        reason: reason.trim(),
        at: when.toISOString(),
      });
      return (await loadAgreement(gate.tx, v.agreement_id, this.ctx.clock()))!;
    });
  }

  /** Stores a version proposed on a partner node (see agreements.federated.ts). */
  async receiveProposal(fromNode: string, hostOf: HostOf, s: SharedVersion): Promise<unknown> {
    try {
      return await this.ctx.store.transaction(async (tx) => {
        const r = await importProposal(this.ctx, tx, fromNode, hostOf, s, (ex, o, t) =>
          this.world.fieldsOf(ex, o, t),
        );
        await this.changed(tx);
        return r;
      });
    } catch (e) {
      if (
        e instanceof AccordError &&
        ['AGREEMENT_TYPES_MISMATCH', 'AGREEMENT_PARTY_UNKNOWN'].includes(e.code)
      )
        await auditRefusedHere(this.ctx, fromNode, hostOf, s, e);
      throw e;
    }
  }

  /** A partner node refused a version proposed here: it is rejected (agreements.refusals.ts). */
  async proposalRefused(
    tx: Tx,
    nodeId: string,
    versionId: string,
    error: { code: string; message: string },
  ): Promise<void> {
    if (!(await refusedByPartner(this.ctx, tx, nodeId, versionId, error))) return;
    await this.changed(tx);
    const v = (await repo.version(tx, versionId))!;
    await this.shared(tx, {
      kind: 'refused',
      versionId,
      parties: termsOf(v).parties.map((p) => p.orgId),
      refusal: { versionId, node: nodeId, code: error.code, reason: error.message },
    });
  }

  /** A proposal another party's node refused, as the proposer's node tells it. */
  async receiveRefusal(fromNode: string, hostOf: HostOf, s: SharedRefusal): Promise<unknown> {
    return this.ctx.store.transaction(async (tx) => {
      const r = await refusedElsewhere(this.ctx, tx, fromNode, hostOf, s);
      if (r.nowRejected) await this.changed(tx);
      return r;
    });
  }

  /** Applies a suspension, resumption or termination made on a partner node. */
  async receiveControl(fromNode: string, hostOf: HostOf, s: SharedControl): Promise<unknown> {
    return this.ctx.store.transaction(async (tx) => {
      const r = await importControl(this.ctx, tx, fromNode, hostOf, s);
      await this.changed(tx);
      return r;
    });
  }

  /** Records decisions made on a partner node for the organisations it hosts. */
  async receiveDecision(fromNode: string, hostOf: HostOf, s: SharedDecision): Promise<unknown> {
    return this.ctx.store.transaction(async (tx) => {
      const r = await importDecision(this.ctx, tx, fromNode, hostOf, s);
      await this.changed(tx);
      return r;
    });
  }
}
