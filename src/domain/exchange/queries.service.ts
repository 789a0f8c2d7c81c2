// Queries (pull): a look-up returns the agreed fields of the person matching the identifiers
// given; a check answers a yes/no question defined in the agreement (yes, no or no-match),
// signed by the node, disclosing no record. Each is decided (budgets included), audited in both
// organisations' logs and kept (without content) for budgets and for spotting fishing: many
// misses, or many different people, asked about by one person in a short time.
import { assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { ShareDecision } from '../agreements/decide-share.ts';
import { uuid7 } from '../ids.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { Gate } from '../policy/gate.ts';
import { lookupIdentifiers } from '../records/identifiers.ts';
import { purposeProblems } from '../records/records.service.ts';
import { signJws } from './envelope.ts';
import { keepQuery, usedToday } from './query-log.ts';
import type { ExchangeDeps } from './exchange.deps.ts';
import { askerKey, watchForFishing } from './fishing.ts';
import { askRemote } from './queries-remote.ts';
import { project } from './projection.ts';
import { accuracyOf, matchSubject, noneFound, recordsOf } from './query-subject.ts';
import type { Accuracy } from './query-subject.ts';

export { FISHING } from './fishing.ts';

export interface QueryInput {
  providerOrgId: string;
  purpose: string;
  identifiers: Record<string, string>;
}
export interface LookupInput extends QueryInput {
  /** Defaults to person. */
  recordType?: string;
  /** Defaults to every field the agreement shares. */
  fields?: string[];
}
export interface CheckInput extends QueryInput {
  checkKey: string;
}

interface AgreementRef {
  agreementId: string;
  reference: string;
  version: number;
}
/** Said with a no-match whose identifiers point to different people. */
export const DISAGREE =
  'The identifiers given belong to different people here, so none was matched: check them.';

export interface LookupAnswer {
  queryId: string;
  match: boolean;
  basis: string | null;
  fields: string[];
  records: Record<string, unknown>[];
  agreement: AgreementRef;
  /** Disputed when a record disclosed is disputed at the provider; verified when checked. */
  accuracy: Accuracy;
  /** Why nobody matched, when the identifiers point to different people. */
  note?: string;
}
export interface CheckAnswer {
  queryId: string;
  checkKey: string;
  question: string;
  answer: 'yes' | 'no' | 'no-match';
  agreement: AgreementRef;
  /** Disputed when a record the answer rests on is disputed at the provider. */
  accuracy: Accuracy;
  /** Why nobody matched, when the identifiers point to different people. */
  note?: string;
  /** The answer signed by this node (compact JWS, EdDSA). */
  signature: string;
  keyId: string;
}

export class QueriesService {
  constructor(private readonly d: ExchangeDeps) {}

  private async problems(gate: Gate, q: QueryInput): Promise<Problem[]> {
    const p = [...purposeProblems(q.purpose), ...lookupIdentifiers(q.identifiers ?? {}).problems];
    if (
      !q.providerOrgId ||
      q.providerOrgId === gate.actor.orgId ||
      !(await this.d.orgName(gate.tx, q.providerOrgId))
    )
      p.push({ field: 'providerOrgId', message: 'Choose the organisation to ask' });
    return p;
  }

  async lookup(actor: Actor, q: LookupInput): Promise<LookupAnswer> {
    const node = await this.d.federation.nodeOf(this.d.ctx.store, q?.providerOrgId ?? '');
    if (node) return askRemote<LookupAnswer>(this.d, actor, 'lookup', q, node);
    return withAccess(this.d.ctx, actor, async (gate) => {
      gate.require(
        'exchange.query',
        { orgId: actor.orgId, ref: 'exchange:lookup' },
        { purpose: q.purpose },
      );
      assertNoProblems(await this.problems(gate, q), 'The look-up is not complete.');
      const used = await usedToday(gate.tx, actor.orgId, 'lookup', this.d.ctx.clock());
      const recordType = q.recordType ?? 'person';
      // The subject's records are found first (nothing leaves unless allowed): a condition such
      // as an age limit is decided on them.
      const { hit, disagree, restricted } = await matchSubject(this.d, gate, q, recordType);
      const found = hit
        ? await recordsOf(this.d, gate, q.providerOrgId, recordType, hit)
        : noneFound();
      const decision = await this.d.sharing.require(gate, {
        operation: 'lookup',
        providerOrgId: q.providerOrgId,
        recordType,
        purpose: q.purpose,
        fields: q.fields,
        subject: found[0],
        restricted: found.restricted === true || restricted,
        usedToday: (a) => used.get(a) ?? 0,
      });
      const records = found.map((r) => project(r, decision.fields));
      const queryId = await this.answered(
        gate,
        q,
        decision,
        'lookup',
        hit?.subjectId ?? null,
        hit ? 'match' : disagree ? 'disagree' : 'no-match',
        { records: records.length, basis: hit?.basis ?? null },
        disagree,
      );
      const accuracy = records.length
        ? await accuracyOf(this.d, gate, q.providerOrgId, found)
        : null;
      return {
        queryId,
        accuracy,
        match: hit !== null,
        basis: hit?.basis ?? null,
        fields: decision.fields,
        records,
        ...(disagree ? { note: DISAGREE } : {}),
        agreement: {
          agreementId: decision.agreement!.agreementId,
          reference: decision.agreement!.reference,
          version: decision.agreement!.version,
        },
      };
    });
  }

  async check(actor: Actor, q: CheckInput): Promise<CheckAnswer> {
    const node = await this.d.federation.nodeOf(this.d.ctx.store, q?.providerOrgId ?? '');
    if (node) return askRemote<CheckAnswer>(this.d, actor, 'check', q, node);
    return withAccess(this.d.ctx, actor, async (gate) => {
      gate.require(
        'exchange.query',
        { orgId: actor.orgId, ref: 'exchange:check' },
        { purpose: q.purpose },
      );
      const problems = await this.problems(gate, q);
      if (!q.checkKey) problems.push({ field: 'checkKey', message: 'Choose the question to ask' });
      assertNoProblems(problems, 'The check is not complete.');
      const index = await this.d.sharing.index(gate.tx);
      // The question's record type comes from the agreement; an unknown question is refused by the decision.
      const defined = index
        .between(q.providerOrgId, actor.orgId)
        .map((v) => v.checks.get(q.checkKey))
        .find((c) => c && c.from === q.providerOrgId);
      const used = await usedToday(gate.tx, actor.orgId, 'check', this.d.ctx.clock());
      const { hit, disagree, restricted } = await matchSubject(
        this.d,
        gate,
        q,
        defined?.recordType,
      );
      const found =
        hit && defined
          ? await recordsOf(this.d, gate, q.providerOrgId, defined.recordType, hit)
          : noneFound();
      const decision = await this.d.sharing.require(gate, {
        operation: 'check',
        providerOrgId: q.providerOrgId,
        recordType: defined?.recordType ?? '',
        purpose: q.purpose,
        checkKey: q.checkKey,
        subject: found[0],
        restricted: found.restricted === true || restricted,
        usedToday: (a) => used.get(a) ?? 0,
      });
      const version = index.versions.find((v) => v.versionId === decision.agreement!.versionId)!;
      const c = version.checks.get(q.checkKey)!;
      const answer: CheckAnswer['answer'] = !hit
        ? 'no-match'
        : found.some((r) => c.yesWhen.has(String(r[c.field])))
          ? 'yes'
          : 'no';
      const queryId = await this.answered(
        gate,
        q,
        decision,
        'check',
        hit?.subjectId ?? null,
        disagree ? 'disagree' : answer,
        { check: q.checkKey, answer },
        disagree,
      );
      const agreement = {
        agreementId: version.agreementId,
        reference: version.reference,
        version: version.version,
      };
      const question = c.question || q.checkKey;
      const accuracy =
        answer === 'no-match' ? null : await accuracyOf(this.d, gate, q.providerOrgId, found);
      const signature = signJws(
        this.d.keys,
        {
          queryId,
          check: q.checkKey,
          question,
          answer,
          accuracy,
          provider: q.providerOrgId,
          asker: actor.orgId,
          agreement,
          purpose: q.purpose,
          at: this.d.ctx.clock().toISOString(),
          ...(disagree ? { note: DISAGREE } : {}),
        },
        'accord-check+jws',
      );
      return {
        queryId,
        checkKey: q.checkKey,
        question,
        answer,
        agreement,
        accuracy,
        ...(disagree ? { note: DISAGREE } : {}),
        signature,
        keyId: this.d.keys.keyId,
      };
    });
  }

  /** Keeps the query, audits it on both sides and watches for fishing. */
  private async answered(
    gate: Gate,
    q: QueryInput,
    d: ShareDecision,
    kind: 'lookup' | 'check',
    subjectId: string | null,
    outcome: string,
    details: Record<string, unknown>,
    /** Which schemes pointed to different people: for the provider's log only. */
    disagree?: string[],
  ): Promise<string> {
    const tx = gate.tx;
    const actor = gate.actor;
    const queryId = uuid7();
    const at = this.d.ctx.clock().toISOString();
    await keepQuery(tx, {
      query_id: queryId,
      org_id: actor.orgId,
      provider_org_id: q.providerOrgId,
      agreement_id: d.agreement!.agreementId,
      kind,
      asked_by: askerKey(actor.ref),
      subject_id: subjectId,
      outcome,
      purpose: q.purpose,
      asked_at: at,
    });
    const common = { queryId, agreement: d.agreement, fields: d.fields, outcome, ...details };
    gate.record(`exchange.${kind}`, `org:${q.providerOrgId}`, common, 'ok', q.purpose);
    this.d.ctx.audit.record(tx, {
      orgId: q.providerOrgId,
      actor: actor.ref,
      action: `exchange.${kind}.answered`,
      target: subjectId ? `subject:${subjectId}` : `org:${actor.orgId}`,
      purpose: q.purpose,
      outcome: 'ok',
      details: { asker: actor.orgId, ...common, ...(disagree ? { disagree } : {}) },
    });
    await watchForFishing(this.d, gate, q.providerOrgId, subjectId, subjectId === null, at);
    return queryId;
  }
}
