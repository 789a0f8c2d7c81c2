// Inputs and set-ups the governance tests share.
import type { Actor } from '../../../src/domain/policy/actor.ts';
import type { Services } from '../../../src/services.ts';
import type { Dpia } from '../../../src/domain/governance/dpia.view.ts';
import { SCREENING_IDS } from '../../../src/domain/governance/dpia.screening.ts';
import type { VendorInput } from '../../../src/domain/governance/vendor.service.ts';
import type { RiskInput } from '../../../src/domain/governance/risk.service.ts';

export const day = (services: Services, offset = 0): string =>
  new Date(services.clock().getTime() + offset * 86_400_000).toISOString().slice(0, 10);

export function answers(yes: string[] = []): Record<string, boolean> {
  return Object.fromEntries(SCREENING_IDS.map((id) => [id, yes.includes(id)]));
}

export function processor(services: Services, extra: Partial<VendorInput> = {}): VendorInput {
  return {
    name: 'Hosting Ltd',
    services: 'Hosts the membership database',
    isProcessor: true,
    contractRef: 'C-2025-17',
    contractStart: day(services, -400),
    contractEnd: day(services, 700),
    art28Terms: true,
    certifications: [{ scheme: 'ISO 27001', reference: 'IS 12345', expiresOn: day(services, 200) }],
    dataLocations: ['United Kingdom'],
    internationalTransfers: false,
    subProcessors: [{ name: 'Backup Co', service: 'Off-site backups', location: 'Ireland' }],
    breachHistory: 'None reported',
    exitPlan: 'Data returned as CSV within 30 days',
    recoveryPlanTestedOn: day(services, -60),
    purposes: 'Keeping the membership register',
    dataCategories: ['Names and addresses', 'Membership status'],
    subjectCategories: ['Members'],
    retention: 'For the contract, then deleted within 30 days',
    securityMeasures: 'Encryption at rest, MFA for staff',
    nextReviewOn: day(services, 180),
    ...extra,
  };
}

export function risk(
  services: Services,
  ownerId: string,
  extra: Partial<RiskInput> = {},
): RiskInput {
  return {
    title: 'Membership database unrecoverable after an attack',
    description: 'Ransomware encrypts the host; no tested recovery; selections run on bad data.',
    category: 'cyber',
    ownerId,
    inherentLikelihood: 4,
    inherentImpact: 5,
    reviewOn: day(services, 90),
    ...extra,
  };
}

/** A DPIA taken through screening (high risk) and assessment to the SIRO's desk. */
export async function dpiaAwaitingSignOff(
  services: Services,
  author: Actor,
  dpo: Actor,
  residual: 'low' | 'medium' | 'high' = 'medium',
): Promise<Dpia> {
  const d = services.governance.dpias;
  const created = await d.create(author, {
    title: 'Matching council tax and benefits',
    description: 'Matching council tax records against benefit claims to find fraud.',
    reviewOn: day(services, 365),
  });
  await d.screen(author, created.id, { answers: answers(['matching']) });
  await d.saveAssessment(author, created.id, {
    necessity: 'Required to protect public funds; Art. 6(1)(e).',
    proportionality: 'Only the fields needed are matched; results reviewed by a person.',
    risks: [
      {
        description: 'A false match stops someone’s benefit',
        likelihood: 2,
        severity: 3,
        measures: 'Every match reviewed by an officer before action',
        residual,
      },
    ],
    submit: true,
  });
  return d.advise(dpo, created.id, {
    advice: 'Proceed with the review step.',
    recommendation: 'proceed',
  });
}
