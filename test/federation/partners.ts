// Two nodes that trust each other, a council on one and a police force on the other, an agreement
// approved on both allowing transfers from the council to the police, and an asset of people to
// send from: the starting point of the cross-node transfer tests.
import type { Actor } from '../../src/domain/policy/actor.ts';
import type { Services } from '../../src/services.ts';
import type { DialectName } from '../../src/store/store.ts';
import { proposed } from '../helpers/agreements.ts';
import { exchangeTerms, peopleAsset } from '../helpers/exchange.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { startNode } from './nodes.ts';
import type { TestNode } from './nodes.ts';

export interface Partners {
  a: TestNode;
  b: TestNode;
  council: OrgFixture;
  police: OrgFixture;
  agreementId: string;
  /** The council's asset of people to send. */
  source: string;
}

/** Node B runs on `clockB` when given (a test that sets the two clocks apart), else on `clock`. */
export async function partners(
  dialect: DialectName,
  clock: () => Date,
  env: Record<string, string>,
  people: number,
  clockB: () => Date = clock,
): Promise<Partners> {
  const [a, b] = await Promise.all([
    startNode(dialect, 'Council node', clock, env),
    startNode(dialect, 'Police node', clockB, env),
  ]);
  const council = await setupOrg(a.services, 'Partner Council', { tokens: false });
  const police = await setupOrg(b.services, 'Partner Police', { tokens: false });
  await a.federation.trust.trust(
    await council.actor('administrator'),
    b.url,
    b.federation.trust.card().fingerprint,
  );
  await b.federation.trust.trust(
    await police.actor('administrator'),
    a.url,
    a.federation.trust.card().fingerprint,
  );
  let ag = await proposed(a.services, council, exchangeTerms(a.services, council, police));
  await a.federation.outbox.flush();
  for (const who of ['dpo', 'siro'] as const)
    await b.services.agreements.decide(
      await police.actor(who),
      ag.latest.versionId,
      'approve',
      null,
    );
  await b.federation.outbox.flush();
  for (const who of ['dpo', 'siro'] as const)
    ag = await a.services.agreements.decide(
      await council.actor(who),
      ag.latest.versionId,
      'approve',
      null,
    );
  await a.federation.outbox.flush();
  const source = await peopleAsset(a.services, council, people);
  return { a, b, council, police, agreementId: ag.id, source };
}

/** A person of an organisation as an actor on a node (which may have been restarted since). */
export async function actorOn(
  s: Services,
  org: OrgFixture,
  who: 'handler' | 'dpo',
): Promise<Actor> {
  return (await s.actors.personActor(org.people[who].personId, { mfa: true }))!;
}

/** How many messages of a kind a node has received and answered (its audit log says). */
export async function received(s: Services, kind: string): Promise<number> {
  const rows = await s.store.db
    .selectFrom('audit_entry')
    .select('entry')
    .where('action', '=', 'federation.message.received')
    .execute();
  return rows.filter(
    (r) => (JSON.parse(r.entry) as { details: { kind: string } }).details.kind === kind,
  ).length;
}

/** How many chunks of a transfer the recipient's node has staged. */
export async function staged(s: Services, transferId: string): Promise<number> {
  const rows = await s.store.db
    .selectFrom('transfer_inbound_chunk')
    .select('chunk_index')
    .where('transfer_id', '=', transferId)
    .execute();
  return rows.length;
}
