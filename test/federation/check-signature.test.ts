// A yes/no check answered by a partner node is taken only if the provider node's signature says
// what the answer says. A partner that signs one answer and sends another, signs for another
// asker or another question, or signs with a key that is not its own, is refused with ANSWER_TAMPERED and the refusal
// is in the asker's audit log; an honest answer, its note included when the identifiers
// disagree, verifies.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { testClock } from '../helpers/clock.ts';
import { forEachDialect } from '../helpers/db.ts';
import { CHECK_KEY } from '../helpers/exchange.ts';
import { person } from '../helpers/records.ts';
import type { CheckAnswer, CheckInput } from '../../src/domain/exchange/queries.service.ts';
import type { Actor } from '../../src/domain/policy/actor.ts';
import { signJws } from '../../src/domain/exchange/envelope.ts';
import type { AccordError } from '../../src/errors.ts';
import { actorOn, partners } from './partners.ts';
import type { Partners } from './partners.ts';

forEachDialect('check answers from a partner node', (dialect) => {
  const clock = testClock();
  let p: Partners;
  let honest: (actor: Actor, q: CheckInput) => Promise<CheckAnswer>;
  before(async () => {
    p = await partners(dialect, clock, {}, 3);
    honest = p.a.services.exchange.queries.check.bind(p.a.services.exchange.queries);
  });
  after(async () => {
    p.a.services.exchange.queries.check = honest;
    await p?.a.close();
    await p?.b.close();
  });

  const ask = async (identifiers: Record<string, string>): Promise<CheckAnswer> =>
    p.b.services.exchange.queries.check(await actorOn(p.b.services, p.police, 'handler'), {
      providerOrgId: p.council.orgId,
      purpose: 'safeguarding',
      checkKey: CHECK_KEY,
      identifiers,
    });
  const nhs = (i: number) => ({ nhsNumber: String(person(i).nhsNumber) });
  /** The NHS number of one person, everything else of another: they disagree. */
  const mixed = (): Record<string, string> => ({
    ...nhs(1),
    familyName: String(person(2).familyName),
    givenName: String(person(2).givenName),
    dateOfBirth: String(person(2).dateOfBirth),
    postcode: String(person(2).postcode),
  });
  /** The council's node as a dishonest partner: it alters each answer it sends after signing. */
  const lying = (alter: (a: CheckAnswer) => CheckAnswer): void => {
    p.a.services.exchange.queries.check = async (actor, q) => alter(await honest(actor, q));
  };
  const payload = (jws: string): Record<string, unknown> =>
    JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
  const refusals = async (): Promise<number> =>
    (await p.b.services.store.db.selectFrom('audit_entry').select('entry').execute()).filter(
      (r) => {
        const e = JSON.parse(r.entry) as {
          action: string;
          outcome: string;
          details?: { code?: string };
        };
        return e.action === 'exchange.check' && e.details?.code === 'ANSWER_TAMPERED';
      },
    ).length;

  test('an honest answer verifies, and a disagreement’s note is signed with it', async () => {
    p.a.services.exchange.queries.check = honest;
    const yes = await ask(nhs(1));
    assert.ok(['yes', 'no'].includes(yes.answer));
    const disagreed = await ask(mixed());
    assert.equal(disagreed.answer, 'no-match');
    assert.match(disagreed.note ?? '', /different people/);
    const signed = payload(disagreed.signature) as { note?: string; answer: string };
    assert.equal(signed.answer, 'no-match');
    assert.equal(signed.note, disagreed.note);
    assert.equal(await refusals(), 0);
  });

  test('an answer changed after signing is refused and audited by the asker', async () => {
    lying((a) => ({ ...a, answer: a.answer === 'yes' ? 'no' : 'yes' }));
    await assert.rejects(ask(nhs(1)), (e: AccordError) => e.code === 'ANSWER_TAMPERED');
    // A note the partner did not sign is not taken (a node of the version before notes were
    // signed sent them unsigned): the answer stands without it, and is kept as an answer.
    lying((a) => ({ ...a, note: 'The identifiers given belong to different people.' }));
    const unsigned = await ask(nhs(1));
    assert.equal(unsigned.note, undefined);
    const kept = await p.b.services.store.db
      .selectFrom('exchange_query')
      .select('outcome')
      .orderBy('query_id', 'desc')
      .executeTakeFirstOrThrow();
    assert.equal(kept.outcome, unsigned.answer);
    // A signed note that is not the note sent is a changed answer.
    lying((a) => ({ ...a, note: 'Something else.' }));
    await assert.rejects(ask(mixed()), (e: AccordError) => e.code === 'ANSWER_TAMPERED');
    assert.equal(await refusals(), 2);
  });

  test('an answer signed for another asker, or by another key, is refused', async () => {
    const keys = p.a.federation.identity.keys;
    lying((a) => ({
      ...a,
      signature: signJws(keys, { ...payload(a.signature), asker: 'another' }, 'accord-check+jws'),
    }));
    await assert.rejects(ask(nhs(1)), (e: AccordError) => e.code === 'ANSWER_TAMPERED');
    const { privateKey } = generateKeyPairSync('ed25519');
    const stranger = {
      ...keys,
      sign: (text: Buffer | string) => sign(null, Buffer.from(text), privateKey),
    };
    lying((a) => ({
      ...a,
      signature: signJws(stranger, payload(a.signature), 'accord-check+jws'),
    }));
    await assert.rejects(ask(nhs(1)), (e: AccordError) => e.code === 'ANSWER_TAMPERED');
    // The question, the key named or the agreement changed after signing.
    for (const alter of [
      (a: CheckAnswer) => ({ ...a, question: 'Is the person known to the police?' }),
      (a: CheckAnswer) => ({ ...a, keyId: 'another-key' }),
      (a: CheckAnswer) => ({ ...a, agreement: { ...a.agreement, agreementId: 'another' } }),
    ]) {
      lying(alter);
      await assert.rejects(ask(nhs(1)), (e: AccordError) => e.code === 'ANSWER_TAMPERED');
    }
    assert.equal(await refusals(), 7);
    // Honest again: taken again.
    p.a.services.exchange.queries.check = honest;
    assert.ok(['yes', 'no'].includes((await ask(nhs(1))).answer));
  });
});
