// Correction-notice fixtures: `from` sends one person's record to `to`, `to` opens it, then `from`
// rectifies the postcode under a rectification request — so `to` holds one notice to act on.
import type { Actor } from '../../src/domain/policy/actor.ts';
import type { Services } from '../../src/services.ts';
import { exchangeAgreement, peopleAsset } from './exchange.ts';
import type { OrgFixture } from './people.ts';
import { person } from './records.ts';

interface Pair {
  agreementId: string;
  source: string;
  inbox: string;
}
const pairs = new WeakMap<Services, Map<string, Promise<Pair>>>();
let next = 0;

function pairOf(s: Services, from: OrgFixture, to: OrgFixture): Promise<Pair> {
  let byServices = pairs.get(s);
  if (!byServices) pairs.set(s, (byServices = new Map()));
  const key = `${from.orgId}>${to.orgId}`;
  let p = byServices.get(key);
  if (!p) {
    p = (async () => ({
      agreementId: (await exchangeAgreement(s, from, to)).id,
      source: await peopleAsset(s, from, 0, `Correction source ${key}`),
      inbox: await peopleAsset(s, to, 0, `Correction inbox ${key}`),
    }))();
    byServices.set(key, p);
  }
  return p;
}

/** A fresh person's record at `from`, sent to `to` and opened there. */
export async function sentToPartner(
  s: Services,
  from: OrgFixture,
  to: OrgFixture,
  as: (org: OrgFixture) => Promise<Actor>,
): Promise<{ recordId: string; identifiers: Record<string, string> }> {
  const pair = await pairOf(s, from, to);
  const p = person(7000 + ++next * 13);
  const sender = await as(from);
  const w = await s.records.create(sender, pair.source, p, 'matrix');
  const identifiers = { nhsNumber: String(p.nhsNumber) };
  const t = await s.exchange.transfers.create(sender, {
    recipientOrgId: to.orgId,
    agreementId: pair.agreementId,
    purpose: 'safeguarding',
    recordType: 'person',
    selection: { kind: 'subject', identifiers },
  });
  await s.exchange.transfers.ready(sender, t.id);
  await s.exchange.transfers.open(await as(to), t.id, pair.inbox);
  return { recordId: w.recordId, identifiers };
}

/** A fresh notice from `from` to `to` about a fresh person; returns its id and the request's. */
export async function correctionNotice(
  s: Services,
  from: OrgFixture,
  to: OrgFixture,
  as: (org: OrgFixture) => Promise<Actor>,
): Promise<{ noticeId: string; requestId: string }> {
  const { recordId, identifiers } = await sentToPartner(s, from, to, as);
  const r = await s.rights.requests.log(await from.actor('dpo'), {
    kind: 'rectification',
    channel: 'letter',
    identifiers,
    identityVerified: true,
  });
  await s.rights.rightsActions.rectify(
    await from.actor('dpo'),
    r.id,
    recordId,
    { postcode: 'ZZ1 1ZZ' },
    'Postcode wrong on the form',
  );
  const n = await s.store.db
    .selectFrom('correction_notice')
    .select('notice_id')
    .where('request_id', '=', r.id)
    .executeTakeFirstOrThrow();
  return { noticeId: n.notice_id, requestId: r.id };
}
