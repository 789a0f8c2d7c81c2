// Agreements: drafted by one organisation, proposed to the others, approved by every party's DPO
// and SIRO (agreements.approvals.ts), in force from their start to their end unless suspended or
// terminated. Terms never change once proposed: a change is a new version, which goes through
// approval again while the old one stays in force.
import { randomUUID } from 'node:crypto';
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Tx } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import { today } from '../context.ts';
import * as settings from '../node/node-settings.ts';
import type { Actor } from '../policy/actor.ts';
import type { Gate } from '../policy/gate.ts';
import { withAccess } from '../policy/gate.ts';
import { AgreementApprovals } from './agreements.approvals.ts';
import { checkTerms } from './agreements.check.ts';
import type { ControlAction } from './agreements.approvals.ts';
import type { HostOf, ShareEvent } from './agreements.federated.ts';
import * as repo from './agreements.repository.ts';
import type { AgreementVersionTable } from './agreements.table.ts';
import type { Agreement } from './agreements.view.ts';
import { loadAgreement, visibleAgreement } from './agreements.view.ts';
import type { AgreementWorld } from './agreements.world.ts';
import { digestOf, emptyTerms, instantOf } from './model.ts';
import type { AgreementTerms, termsProblems } from './model.ts';
import { highRiskReasons } from './screening.ts';
import { termsOf } from './versions.ts';
import { inTurn } from '../../store/in-turn.ts';

/** A node setting bumped with every change, so every process's policy cache rebuilds. */
export const REVISION = 'agreements.revision';

export class AgreementsService {
  /** Approval by every party, here and (federated) on partner nodes. */
  readonly approvals: AgreementApprovals;
  private readonly sharers: ((tx: Tx, e: ShareEvent) => Promise<void>)[] = [];

  constructor(
    private readonly ctx: DomainContext,
    private readonly world: AgreementWorld,
  ) {
    this.approvals = new AgreementApprovals(
      ctx,
      world,
      (tx) => this.changed(tx),
      (tx, e) => this.shared(tx, e),
    );
  }

  /** Which partner node hosts an organisation (set by federation; undefined: this node). */
  hostOf: HostOf = async () => undefined;

  /** Called, in the same transaction, when a version is proposed or decided (federation). */
  onShare(fn: (tx: Tx, e: ShareEvent) => Promise<void>): void {
    this.sharers.push(fn);
  }

  private async shared(tx: Tx, e: ShareEvent): Promise<void> {
    for (const fn of this.sharers) await fn(tx, e);
  }

  /** Tells every process's policy cache the agreements changed (same transaction as the change). */
  private async changed(tx: Tx): Promise<void> {
    await settings.put(tx, REVISION, randomUUID(), this.ctx.clock());
    tx.afterCommit(() => this.world.changed());
  }

  private load(gate: Gate, agreementId: string): Promise<Agreement> {
    return loadAgreement(gate.tx, agreementId, this.ctx.clock()) as Promise<Agreement>;
  }

  /** The agreements the actor's organisation proposed or is party to (others' drafts excluded). */
  async list(actor: Actor): Promise<Agreement[]> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('agreements.read', { orgId: actor.orgId, ref: 'agreements' });
      const ids = await repo.agreementIdsFor(gate.tx, actor.orgId);
      const all = await inTurn(ids, (id) => this.load(gate, id));
      return all
        .filter(
          (a) =>
            a.proposerOrgId === actor.orgId ||
            a.versions.some((v) => v.status !== 'draft' && v.status !== 'withdrawn'),
        )
        .sort((x, y) => x.reference.localeCompare(y.reference, 'en', { numeric: true }));
    });
  }

  async get(actor: Actor, agreementId: string): Promise<Agreement> {
    return withAccess(this.ctx, actor, (gate) =>
      visibleAgreement(gate, agreementId, this.ctx.clock()),
    );
  }

  /**
   * Names of the handlers in the parties to an agreement, so a condition naming Caldicott-approved
   * handlers reads as people, not ids. Staff names only; no data subject's.
   */
  async handlerNames(actor: Actor, agreementId: string): Promise<Record<string, string>> {
    return withAccess(this.ctx, actor, async (gate) => {
      const a = await visibleAgreement(gate, agreementId, this.ctx.clock());
      const orgs = new Set(a.versions.flatMap((v) => v.terms.parties.map((p) => p.orgId)));
      const out: Record<string, string> = {};
      for (const orgId of orgs)
        for (const h of await this.world.holdersNamed(gate.tx, orgId, 'handler'))
          out[h.personId] = h.name;
      return out;
    });
  }

  /** Finds an agreement by its reference (DSA-12) or id, as get(). */
  async find(actor: Actor, refOrId: string): Promise<Agreement> {
    return withAccess(this.ctx, actor, async (gate) => {
      const id = (await repo.agreementIdByReference(gate.tx, refOrId)) ?? refOrId;
      return visibleAgreement(gate, id, this.ctx.clock());
    });
  }

  async draft(actor: Actor, title: string): Promise<Agreement> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('agreements.write', { orgId: actor.orgId, ref: 'agreements' });
      const name = typeof title === 'string' ? title.trim() : '';
      if (!name) assertNoProblems([{ field: 'title', message: 'Give the agreement a title' }]);
      const at = this.ctx.clock().toISOString();
      const agreementId = randomUUID();
      const reference = await repo.nextReference(gate.tx);
      await gate.tx.db
        .insertInto('agreement')
        .values({
          agreement_id: agreementId,
          org_id: actor.orgId,
          reference,
          title: name,
          created_by: actor.ref,
          created_at: at,
        })
        .execute();
      const terms = emptyTerms(name, {
        orgId: actor.orgId,
        orgName: (await this.world.orgName(gate.tx, actor.orgId)) ?? '',
        lawfulBasis: '',
        specialCondition: null,
      });
      await repo.insertVersion(gate.tx, { agreementId, orgId: actor.orgId, version: 1, terms, at });
      gate.record('agreements.drafted', `agreement:${agreementId}`, { reference, title: name });
      return this.load(gate, agreementId);
    });
  }

  /** A draft version, for the proposing organisation's writers only. */
  private async draftVersion(gate: Gate, versionId: string): Promise<AgreementVersionTable> {
    const v = await repo.version(gate.tx, versionId);
    gate.require('agreements.write', {
      orgId: v?.org_id ?? '',
      ref: `agreement-version:${versionId}`,
    });
    if (v!.status !== 'draft')
      throw new AccordError(
        'CONFLICT',
        'Only a draft can be changed: start a new version instead.',
      );
    return v!;
  }

  /** Saves a draft's terms as they stand (incomplete is fine until it is proposed). */
  async saveDraft(actor: Actor, versionId: string, terms: AgreementTerms): Promise<Agreement> {
    return withAccess(this.ctx, actor, async (gate) => {
      const v = await this.draftVersion(gate, versionId);
      if (!terms.parties.some((p) => p.orgId === actor.orgId))
        assertNoProblems([
          { field: 'parties', message: 'Your organisation must be a party to its own agreement' },
        ]);
      const at = this.ctx.clock().toISOString();
      await gate.tx.db
        .updateTable('agreement_version')
        .set({ body: JSON.stringify(terms), updated_at: at })
        .where('version_id', '=', versionId)
        .execute();
      if (terms.title.trim())
        await gate.tx.db
          .updateTable('agreement')
          .set({ title: terms.title.trim() })
          .where('agreement_id', '=', v.agreement_id)
          .execute();
      gate.record('agreements.draft-saved', `agreement:${v.agreement_id}`, { version: v.version });
      return this.load(gate, v.agreement_id);
    });
  }

  /** Every problem that stops a draft being proposed (for the builder's check-answers page). */
  async problems(actor: Actor, versionId: string): Promise<ReturnType<typeof termsProblems>> {
    return withAccess(this.ctx, actor, async (gate) => {
      const v = await this.draftVersion(gate, versionId);
      return (await checkTerms(this.world, this.hostOf, gate, termsOf(v), today(this.ctx)))
        .problems;
    });
  }

  /** Checks every term, then sends the version to every party for approval. */
  async propose(actor: Actor, versionId: string): Promise<Agreement> {
    return withAccess(this.ctx, actor, async (gate) => {
      const v = await this.draftVersion(gate, versionId);
      const { problems, terms: t } = await checkTerms(
        this.world,
        this.hostOf,
        gate,
        termsOf(v),
        today(this.ctx),
      );
      assertNoProblems(problems, 'The agreement cannot be proposed yet.');
      await this.world.assertDpia(gate, t.dpiaRef, highRiskReasons(t).length > 0);
      const at = this.ctx.clock().toISOString();
      const digest = digestOf(t);
      await gate.tx.db
        .updateTable('agreement_version')
        .set({
          status: 'proposed',
          body: JSON.stringify(t),
          digest,
          starts_at: instantOf(t.startDate),
          ends_at: instantOf(t.endDate),
          review_on: t.reviewDate,
          proposed_by: actor.ref,
          proposed_at: at,
          updated_at: at,
        })
        .where('version_id', '=', versionId)
        .execute();
      for (const p of t.parties)
        await gate.tx.db
          .insertInto('agreement_party')
          .values({ version_id: versionId, org_id: p.orgId })
          .execute();
      await this.changed(gate.tx);
      await this.shared(gate.tx, {
        kind: 'proposed',
        versionId,
        parties: t.parties.map((p) => p.orgId),
      });
      gate.record('agreements.proposed', `agreement:${v.agreement_id}`, {
        version: v.version,
        digest,
        parties: t.parties.map((p) => p.orgName),
        highRisk: highRiskReasons(t),
      });
      return this.load(gate, v.agreement_id);
    });
  }

  /** Withdraws a draft or a proposal not yet approved (the proposing organisation's writers). */
  async withdraw(actor: Actor, versionId: string): Promise<Agreement> {
    return withAccess(this.ctx, actor, async (gate) => {
      const v = await repo.version(gate.tx, versionId);
      gate.require('agreements.write', {
        orgId: v?.org_id ?? '',
        ref: `agreement-version:${versionId}`,
      });
      if (v!.status !== 'draft' && v!.status !== 'proposed')
        throw new AccordError('CONFLICT', `A version that is ${v!.status} cannot be withdrawn.`);
      await gate.tx.db
        .updateTable('agreement_version')
        .set({ status: 'withdrawn', updated_at: this.ctx.clock().toISOString() })
        .where('version_id', '=', versionId)
        .execute();
      await this.changed(gate.tx);
      gate.record('agreements.withdrawn', `agreement:${v!.agreement_id}`, {
        version: v!.version,
      });
      return this.load(gate, v!.agreement_id);
    });
  }

  /** Starts a new version from the latest terms; the version in force stays in force until the new one is. */
  async newVersion(actor: Actor, agreementId: string): Promise<Agreement> {
    return withAccess(this.ctx, actor, async (gate) => {
      const a = await loadAgreement(gate.tx, agreementId, this.ctx.clock());
      gate.require('agreements.write', {
        orgId: a?.proposerOrgId ?? '',
        ref: `agreement:${agreementId}`,
      });
      if (a!.versions.some((v) => v.status === 'draft' || v.status === 'proposed'))
        throw new AccordError('CONFLICT', 'A new version is already being drafted or approved.');
      const version = a!.latest.version + 1;
      await repo.insertVersion(gate.tx, {
        agreementId,
        orgId: actor.orgId,
        version,
        terms: a!.latest.terms,
        at: this.ctx.clock().toISOString(),
      });
      gate.record('agreements.new-version', `agreement:${agreementId}`, { version });
      return this.load(gate, agreementId);
    });
  }

  decide(
    actor: Actor,
    versionId: string,
    decision: 'approve' | 'reject',
    comment: string | null,
  ): Promise<Agreement> {
    return this.approvals.decide(actor, versionId, decision, comment);
  }

  control(
    actor: Actor,
    versionId: string,
    action: ControlAction,
    reason: string,
    at?: string,
  ): Promise<Agreement> {
    return this.approvals.control(actor, versionId, action, reason, at);
  }
}
