// Demo agreements between the demo council and police force: one in force (safeguarding look-ups
// and transfers, approved by both parties' DPO and SIRO) and a second proposed and waiting for
// the police's signatures, so a newcomer sees the register, an approval and the decision point.
import type { Services } from '../../services.ts';
import type { Actor } from '../policy/actor.ts';
import { nodeActor } from '../policy/actor.ts';
import type { AgreementTerms } from './model.ts';

export async function seedAgreementsDemo(
  s: Services,
  providerName: string,
  recipientName: string,
): Promise<void> {
  const orgs = await s.orgs.all();
  const provider = orgs.find((o) => o.name === providerName);
  const recipient = orgs.find((o) => o.name === recipientName);
  if (!provider || !recipient) return;
  const who = async (orgId: string, local: string): Promise<Actor> => {
    const node = nodeActor(orgId);
    const p = (await s.people.list(node)).find((x) => x.email.startsWith(`${local}@`));
    return (await s.actors.personActor(p!.id, { mfa: true }))!;
  };
  const day = (offset: number): string =>
    new Date(s.clock().getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  const party = (o: { id: string; name: string }) => ({
    orgId: o.id,
    orgName: o.name,
    lawfulBasis: 'art6-1-e',
    specialCondition: null,
  });
  const terms = (title: string, over: Partial<AgreementTerms>): AgreementTerms => ({
    title,
    parties: [party(provider), party(recipient)],
    purposes: [{ key: 'safeguarding', label: 'Safeguarding' }],
    flows: [
      {
        from: provider.id,
        to: recipient.id,
        recordType: 'person',
        fields: ['givenName', 'familyName', 'dateOfBirth', 'postcode'],
      },
    ],
    operations: ['lookup', 'transfer'],
    checks: [],
    retentionAtRecipient: 'P2Y',
    onwardSharing: false,
    startDate: day(-30),
    endDate: day(700),
    reviewDate: day(20),
    dpiaRef: null,
    budgets: { lookupsPerDay: 200, checksPerDay: null },
    conditions: [],
    ...over,
  });
  const iao = await who(provider.id, 'iao');
  const propose = async (t: AgreementTerms) => {
    const a = await s.agreements.draft(iao, t.title);
    await s.agreements.saveDraft(iao, a.latest.versionId, t);
    return s.agreements.propose(iao, a.latest.versionId);
  };
  const inForce = await propose(terms('Children’s safeguarding: council to police', {}));
  for (const [org, local] of [
    [provider.id, 'dpo'],
    [provider.id, 'siro'],
    [recipient.id, 'dpo'],
    [recipient.id, 'siro'],
  ] as const)
    await s.agreements.decide(await who(org, local), inForce.latest.versionId, 'approve', null);
  const waiting = await propose(
    terms('Missing persons: police look-ups of council contacts', {
      operations: ['lookup'],
      flows: [
        {
          from: provider.id,
          to: recipient.id,
          recordType: 'person',
          fields: ['givenName', 'familyName', 'postcode'],
        },
      ],
      startDate: day(7),
      reviewDate: day(180),
      budgets: { lookupsPerDay: 20, checksPerDay: null },
    }),
  );
  for (const local of ['dpo', 'siro'] as const)
    await s.agreements.decide(
      await who(provider.id, local),
      waiting.latest.versionId,
      'approve',
      null,
    );
}
