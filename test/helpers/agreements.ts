// Agreement fixtures: terms between two test organisations, and an agreement taken all the way
// through proposal and every party's approval.
import type { Agreement } from '../../src/domain/agreements/agreements.view.ts';
import type { AgreementTerms } from '../../src/domain/agreements/model.ts';
import type { Services } from '../../src/services.ts';
import type { OrgFixture } from './people.ts';

const day = (d: Date, plusDays: number): string =>
  new Date(d.getTime() + plusDays * 86_400_000).toISOString().slice(0, 10);

/**
 * Terms under which `recipient` may look up and receive names, date of birth and postcode of
 * `provider`'s person records for safeguarding, from yesterday for a year.
 */
export function personTerms(
  s: Services,
  provider: OrgFixture,
  recipient: OrgFixture,
  over: Partial<AgreementTerms> = {},
): AgreementTerms {
  const now = s.clock();
  return {
    title: `${provider.name} to ${recipient.name}: safeguarding`,
    parties: [
      {
        orgId: provider.orgId,
        orgName: provider.name,
        lawfulBasis: 'art6-1-e',
        specialCondition: null,
      },
      {
        orgId: recipient.orgId,
        orgName: recipient.name,
        lawfulBasis: 'art6-1-e',
        specialCondition: null,
      },
    ],
    purposes: [{ key: 'safeguarding', label: 'Safeguarding' }],
    flows: [
      {
        from: provider.orgId,
        to: recipient.orgId,
        recordType: 'person',
        fields: ['givenName', 'familyName', 'dateOfBirth', 'postcode'],
      },
    ],
    operations: ['lookup', 'transfer'],
    checks: [],
    retentionAtRecipient: 'P2Y',
    onwardSharing: false,
    startDate: day(now, -1),
    endDate: day(now, 365),
    reviewDate: day(now, 180),
    dpiaRef: null,
    budgets: { lookupsPerDay: 100, checksPerDay: null },
    conditions: [],
    ...over,
  };
}

/** Drafts, saves and proposes terms as the provider's IAO. */
export async function proposed(
  s: Services,
  provider: OrgFixture,
  terms: AgreementTerms,
): Promise<Agreement> {
  const iao = await provider.actor('iao');
  const a = await s.agreements.draft(iao, terms.title);
  await s.agreements.saveDraft(iao, a.latest.versionId, terms);
  return s.agreements.propose(iao, a.latest.versionId);
}

/** Proposes, then every party's DPO and SIRO approve. */
export async function approved(
  s: Services,
  provider: OrgFixture,
  recipient: OrgFixture,
  terms: AgreementTerms,
): Promise<Agreement> {
  let a = await proposed(s, provider, terms);
  for (const org of [provider, recipient])
    for (const who of ['dpo', 'siro'] as const)
      a = await s.agreements.decide(await org.actor(who), a.latest.versionId, 'approve', null);
  return a;
}
