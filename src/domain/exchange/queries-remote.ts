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
import { verifyJws } from './envelope.ts';
import type { ExchangeDeps } from './exchange.deps.ts';
import { watchForFishing } from './fishing.ts';
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
    if (kind === 'check')
      reply.answer = (await verifyCheck(
        d,
        actor,
        reply.agreementId,
        q as CheckInput,
        reply.answer as CheckAnswer,
      )) as A;
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
    const at = d.ctx.clock().toISOString();
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
      asked_at: at,
    });
    // The provider's node counts this node's questions together; this node knows the person who
    // asked, and watches their misses (it never learns who the provider matched).
    await watchForFishing(
      d,
      gate,
      q.providerOrgId,
      null,
      outcome === 'no-match' || outcome === 'disagree',
      at,
    );
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

/** What the provider's node signs of a check answer (queries.service.ts). */
interface SignedCheck {
  queryId?: string;
  check?: string;
  question?: string;
  answer?: string;
  accuracy?: unknown;
  provider?: string;
  asker?: string;
  agreement?: { agreementId?: string; reference?: string; version?: number };
  purpose?: string;
  note?: string;
}

/**
 * A check answer is kept as proof only if its signature is the provider node's and says what the
 * answer says, about this question from this organisation: a partner that signs one answer and
 * sends another is refused (and audited by the caller), not believed. Returns the answer as it
 * is taken: a note the partner did not sign (a node of the version before notes were signed) is
 * left out.
 */
async function verifyCheck(
  d: ExchangeDeps,
  actor: Actor,
  agreementId: string,
  q: CheckInput,
  a: CheckAnswer,
): Promise<CheckAnswer> {
  let signed: SignedCheck | undefined;
  let header: { typ?: string; kid?: string } = {};
  try {
    const key = await d.federation.signingKeyFor(d.ctx.store, q.providerOrgId);
    signed = key ? await verifyJws<SignedCheck>(key, a.signature) : undefined;
    // Verified, so its header is the signer's too.
    header = JSON.parse(
      Buffer.from(a.signature.split('.')[0]!, 'base64url').toString('utf8'),
    ) as typeof header;
  } catch {
    signed = undefined;
  }
  const same =
    signed !== undefined &&
    header.typ === 'accord-check+jws' &&
    header.kid === a.keyId &&
    signed.question === a.question &&
    signed.agreement?.reference === a.agreement?.reference &&
    // The agreement the query is kept under, here, is the one signed.
    signed.agreement?.agreementId === agreementId &&
    signed.queryId === a.queryId &&
    signed.check === q.checkKey &&
    a.checkKey === q.checkKey &&
    signed.answer === a.answer &&
    JSON.stringify(signed.accuracy ?? null) === JSON.stringify(a.accuracy ?? null) &&
    signed.provider === q.providerOrgId &&
    signed.asker === actor.orgId &&
    signed.purpose === q.purpose &&
    signed.agreement?.agreementId === a.agreement?.agreementId &&
    signed.agreement?.version === a.agreement?.version &&
    (signed.note === undefined || signed.note === a.note);
  if (!same)
    throw new AccordError(
      'ANSWER_TAMPERED',
      "The partner node's check answer does not match its signature, so it was not accepted.",
    );
  if (signed!.note !== undefined || a.note === undefined) return a;
  const { note: _unsigned, ...taken } = a;
  return taken;
}
