// Look-ups and checks put to an organisation on a partner node. The asking node decides whether
// the person may ask at all (their permission, a valid purpose and identifiers), then sends the
// question in an envelope; the partner node answers with its own decision, budget, fishing watch
// and audit (it runs the same QueriesService as for a local asker) and signs check answers with
// its own key. The asking side keeps the query and audits the answer — or the refusal — too.
import { AccordError, assertNoProblems } from '../../errors.ts';
import { uuid7 } from '../ids.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import { lookupIdentifiers } from '../records/identifiers.ts';
import { purposeProblems } from '../records/records.service.ts';
import type { ExchangeDeps } from './exchange.deps.ts';
import { keepQuery } from './query-log.ts';
import type { CheckAnswer, CheckInput, LookupAnswer, LookupInput } from './queries.service.ts';

/** What the provider's node answers with: the answer, and the agreement it was decided under. */
export interface RemoteAnswer<A> {
  answer: A;
  agreementId: string;
}

export async function askRemote<A extends LookupAnswer | CheckAnswer>(
  d: ExchangeDeps,
  actor: Actor,
  kind: 'lookup' | 'check',
  q: LookupInput | CheckInput,
  node: string,
): Promise<A> {
  await withAccess(d.ctx, actor, async (gate) => {
    gate.require(
      'exchange.query',
      { orgId: actor.orgId, ref: `exchange:${kind}` },
      { purpose: q.purpose },
    );
    const p = [...purposeProblems(q.purpose), ...lookupIdentifiers(q.identifiers ?? {}).problems];
    if (kind === 'check' && !(q as CheckInput).checkKey)
      p.push({ field: 'checkKey', message: 'Choose the question to ask' });
    assertNoProblems(p, `The ${kind === 'lookup' ? 'look-up' : 'check'} is not complete.`);
  });
  let reply: RemoteAnswer<A>;
  try {
    reply = (await d.federation.ask(node, `query.${kind}`, {
      ...q,
      askerOrgId: actor.orgId,
      askedBy: actor.ref,
    })) as RemoteAnswer<A>;
  } catch (e) {
    if (e instanceof AccordError)
      await d.ctx.audit.recordNow(d.ctx.store, {
        orgId: actor.orgId,
        actor: actor.ref,
        action: `exchange.${kind}`,
        target: `org:${q.providerOrgId}`,
        purpose: q.purpose,
        outcome: 'refused',
        details: { code: e.code, reason: e.message, node: `node:${node}` },
      });
    throw e;
  }
  const a = reply.answer;
  // Identifiers of different people at the provider: a miss, said as such (its note).
  const outcome = a.note ? 'disagree' : 'answer' in a ? a.answer : a.match ? 'match' : 'no-match';
  return withAccess(d.ctx, actor, async (gate) => {
    await keepQuery(gate.tx, {
      query_id: uuid7(),
      org_id: actor.orgId,
      provider_org_id: q.providerOrgId,
      agreement_id: reply.agreementId,
      kind,
      asked_by: actor.ref,
      subject_id: null,
      outcome,
      purpose: q.purpose,
      asked_at: d.ctx.clock().toISOString(),
    });
    gate.record(
      `exchange.${kind}`,
      `org:${q.providerOrgId}`,
      {
        queryId: a.queryId,
        node: `node:${node}`,
        agreement: a.agreement,
        outcome,
        ...('fields' in a ? { fields: a.fields, records: a.records.length } : {}),
        ...('checkKey' in a ? { check: a.checkKey, keyId: a.keyId } : {}),
      },
      'ok',
      q.purpose,
    );
    return a;
  });
}
