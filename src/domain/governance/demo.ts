// Demo governance data for a demo organisation: vendors (one with lapsed assurance), DPIAs at
// several stages (one signed by the SIRO, authored by the IAO), risks (one high and untreated),
// an incident whose 72-hour clock is running and one closed, the charter's contact details, and
// a first dashboard snapshot. Everything goes through the services, so it is checked and audited.
import type { Actor } from '../policy/actor.ts';
import { nodeActor } from '../policy/actor.ts';
import type { Governance } from './governance.ts';
import { SCREENING_IDS } from './dpia.screening.ts';

export interface DemoDeps {
  governance: Governance;
  orgs: { all(): Promise<{ id: string; name: string; kind: string }[]> };
  people: { list(actor: Actor): Promise<{ id: string; email: string }[]> };
  actors: { personActor(personId: string, opts?: { mfa?: boolean }): Promise<Actor | undefined> };
  clock: () => Date;
}

const answers = (yes: string[]) =>
  Object.fromEntries(SCREENING_IDS.map((id) => [id, yes.includes(id)]));

export async function seedGovernanceDemo(deps: DemoDeps, orgName: string): Promise<void> {
  const org = (await deps.orgs.all()).find((o) => o.name === orgName);
  if (!org) return;
  const g = deps.governance;
  const node = nodeActor(org.id);
  const people = await deps.people.list(node);
  const who = async (local: string): Promise<Actor> => {
    const p = people.find((x) => x.email.startsWith(`${local}@`));
    return (p && (await deps.actors.personActor(p.id, { mfa: true }))) || node;
  };
  const [siro, dpo, iao] = [await who('siro'), await who('dpo'), await who('iao')];
  const day = (offset: number): string =>
    new Date(deps.clock().getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  const police = org.kind === 'police';

  // Vendors and processors.
  const host = await g.vendors.create(dpo, {
    name: police ? 'Evidence Transfer Cloud Ltd' : 'Member Centre Hosting Ltd',
    services: police
      ? 'Hosts digital evidence shared with prosecutors'
      : 'Hosts the resident account portal',
    isProcessor: true,
    contractRef: police ? 'NP-2023-044' : 'NCC-2021-117',
    contractStart: day(-900),
    contractEnd: day(400),
    art28Terms: true,
    certifications: [{ scheme: 'ISO 27001', reference: 'IS 601234', expiresOn: day(-20) }],
    dataLocations: ['United Kingdom'],
    subProcessors: [{ name: 'Rackspace UK', service: 'Data centre', location: 'London' }],
    breachHistory: 'Ransomware attack on a shared platform two years ago; no data of ours taken.',
    exitPlan: 'Full export as CSV and documents within 30 days of notice.',
    purposes: police
      ? 'Sharing case evidence with the Crown Prosecution Service'
      : 'Residents managing their council accounts online',
    dataCategories: police
      ? ['Names', 'Criminal offence data', 'Video and images']
      : ['Names and addresses', 'Council tax accounts', 'Contact details'],
    subjectCategories: police ? ['Suspects', 'Victims', 'Witnesses'] : ['Residents'],
    retention: 'For the contract; deleted within 30 days after it ends',
    securityMeasures: 'Encryption at rest and in transit; MFA for administrators',
    nextReviewOn: day(60),
  });
  await g.vendors.create(dpo, {
    name: 'Civic Backup Services',
    services: 'Off-site encrypted backups',
    isProcessor: true,
    contractRef: 'CBS-77',
    art28Terms: true,
    certifications: [
      { scheme: 'Cyber Essentials Plus', reference: 'CE+ 99812', expiresOn: day(200) },
      { scheme: 'ISO 27001', reference: 'IS 700100', expiresOn: day(500) },
    ],
    dataLocations: ['United Kingdom', 'Ireland'],
    internationalTransfers: true,
    transferMechanism: 'adequacy',
    recoveryPlanTestedOn: day(-45),
    purposes: 'Restoring systems after an incident',
    dataCategories: ['Everything held in the backed-up systems'],
    subjectCategories: police
      ? ['Members of the public', 'Officers and staff']
      : ['Residents', 'Staff'],
    retention: 'Backups kept 35 days, then overwritten',
    securityMeasures: 'Encrypted with keys we hold',
    nextReviewOn: day(150),
  });

  // DPIAs: one signed (authored by the IAO, signed by the SIRO), one with the DPO, one screened out.
  const signed = await g.dpias.create(iao, {
    title: police
      ? 'Automatic number-plate recognition in the town centre'
      : 'Matching council tax against benefit claims',
    description: police
      ? 'Cameras read number plates entering the town centre and compare them with hotlists.'
      : 'Single person discount claims matched against benefit and electoral records to find fraud.',
  });
  await g.dpias.screen(iao, signed.id, {
    answers: answers([police ? 'public-monitoring' : 'matching']),
  });
  await g.dpias.saveAssessment(iao, signed.id, {
    necessity: police
      ? 'Detecting serious crime; DPA 2018 Part 3, s.35.'
      : 'Protecting public funds; Art. 6(1)(e).',
    proportionality:
      'Only the fields needed; matches checked by a person before any action; kept 90 days.',
    risks: [
      {
        description: police
          ? 'Movements of law-abiding drivers recorded'
          : 'A wrong match stops someone’s discount',
        likelihood: 2,
        severity: 2,
        measures: police
          ? 'Non-hits deleted after 90 days; access logged'
          : 'Every match reviewed by an officer; right of appeal',
        residual: 'low',
      },
    ],
    submit: true,
  });
  await g.dpias.advise(dpo, signed.id, {
    advice: 'Proceed with the review step and the 90-day limit.',
    recommendation: 'proceed',
  });
  await g.dpias.signOff(siro, signed.id, {
    decision: 'approved',
    reviewOn: day(330),
    note: 'Approved at the information governance board.',
  });
  await g.dpias.setSummary(iao, signed.id, {
    publicSummary: police
      ? 'We assessed cameras that read number plates in the town centre. Records that match nothing are deleted after 90 days.'
      : 'We assessed matching council tax discounts against other records to prevent fraud. A person checks every match before we act.',
    publish: true,
  });
  const pending = await g.dpias.create(iao, {
    title: police
      ? 'Social media monitoring for public order'
      : 'Social media scanning for safeguarding concerns',
    description: 'Tools that scan public posts for words suggesting a risk to someone.',
  });
  await g.dpias.screen(iao, pending.id, {
    answers: answers(['innovative-technology', 'tracking', 'vulnerable']),
  });
  await g.dpias.saveAssessment(iao, pending.id, {
    necessity: 'Early warning of risk to vulnerable people.',
    proportionality: 'Public posts only; no profiles kept.',
    risks: [
      {
        description: 'People wrongly flagged',
        likelihood: 3,
        severity: 3,
        measures: 'A person reviews every alert',
        residual: 'high',
      },
    ],
    submit: true,
  });
  const screened = await g.dpias.create(iao, {
    title: 'Reusing the mail system for ballots',
    description: 'Sending ballot papers through the existing mail system.',
  });
  await g.dpias.screen(iao, screened.id, {
    answers: answers([]),
    notes: 'Same data, same purpose as today.',
  });

  // Risks.
  await g.risks.setAppetite(siro, [
    { category: 'information', maxScore: 8 },
    { category: 'cyber', maxScore: 6 },
    { category: 'supplier', maxScore: 9 },
  ]);
  await g.risks.create(siro, {
    title: 'Records cannot be recovered after a cyber attack',
    description:
      'Ransomware encrypts the main system; the recovery plan has never been tested; services run on inaccurate data for months.',
    category: 'cyber',
    ownerId: siro.personId ?? '',
    inherentLikelihood: 4,
    inherentImpact: 5,
    reviewOn: day(30),
    links: [{ kind: 'vendor', id: host.id }],
  });
  const post = await g.risks.create(iao, {
    title: 'Sensitive data sent by post or on removable media',
    description:
      'Teams still post case files and USB sticks to partners; a loss exposes vulnerable people.',
    category: 'information',
    ownerId: iao.personId ?? '',
    inherentLikelihood: 4,
    inherentImpact: 4,
    residualLikelihood: 3,
    residualImpact: 4,
    treatment: 'treat',
    reviewOn: day(60),
    links: [{ kind: 'dpia', id: signed.id }],
  });
  await g.risks.addAction(iao, post.id, {
    description: 'Move every partner exchange onto Accord transfers',
    ownerId: iao.personId,
    dueOn: day(45),
  });
  await g.risks.create(dpo, {
    title: 'Hosting supplier’s certification has lapsed',
    description: 'The ISO 27001 certificate expired; assurance rests on the contract alone.',
    category: 'supplier',
    ownerId: dpo.personId ?? '',
    inherentLikelihood: 2,
    inherentImpact: 4,
    treatment: 'tolerate',
    treatmentNotes: 'Renewal audit booked; tolerated for 60 days.',
    reviewOn: day(14),
    links: [{ kind: 'vendor', id: host.id }],
  });

  // Incidents: one with the clock running, one closed.
  const reporter = await who('handler');
  const open = await g.incidents.report(reporter, {
    summary: police
      ? 'USB stick with witness statements lost'
      : 'Letter with benefit details sent to the wrong address',
    description: 'Reported by the team the next morning.',
    awareAt: new Date(deps.clock().getTime() - 30 * 3_600_000).toISOString(),
  });
  await g.incidents.triage(dpo, open.id, {
    personalData: true,
    breachTypes: ['confidentiality'],
    cyber: false,
    dataCategories: [
      'Basic personal identifiers (name, contact details)',
      police
        ? 'Criminal convictions and offences'
        : 'Economic and financial data (bank details, card numbers)',
    ],
    subjectCategories: [police ? 'Vulnerable adults' : 'Residents or service users'],
    subjectsAffected: police ? 12 : 1,
    recordsAffected: police ? 12 : 1,
    likelihood: 'possible',
    severity: 'significant',
    consequences: 'Distress; possible fraud or intimidation.',
  });
  await g.incidents.decide(dpo, open.id, {
    notifyIco: true,
    tellSubjects: false,
    tellSubjectsReasoning: '',
  });
  const closed = await g.incidents.report(reporter, {
    summary: 'Email to the wrong colleague',
    awareAt: new Date(deps.clock().getTime() - 20 * 86_400_000).toISOString(),
  });
  await g.incidents.triage(dpo, closed.id, {
    personalData: true,
    breachTypes: ['confidentiality'],
    dataCategories: ['Basic personal identifiers (name, contact details)'],
    likelihood: 'remote',
    severity: 'minimal',
  });
  await g.incidents.decide(dpo, closed.id, {
    notifyIco: false,
    reasoning: 'Recalled unread within minutes; the colleague has the same duties.',
    tellSubjects: false,
  });
  await g.incidents.updateResponse(dpo, closed.id, {
    containment: 'Email recalled and deleted',
    lessons: 'Turn off address autocomplete for external addresses',
    staffTrained: 'yes',
  });
  await g.incidents.close(dpo, closed.id);

  // The charter's contact details, and the dashboard's first snapshot.
  const domain = police ? 'northshire-police.example' : 'northshire-council.example';
  await g.charter.updateSettings(dpo, {
    icoRegistration: police ? 'Z7654321' : 'Z1234567',
    publicEmail: `information.rights@${domain}`,
    publicPhone: '01632 960000',
    publicAddress: police ? 'Police Headquarters, Northshire' : 'County Hall, Northshire',
    charterIntro: `${org.name} holds information about people to provide its services and meet its legal duties. This charter explains what we hold, why, whom we share it with and how long we keep it.`,
    requestInstructions:
      'Email or write to us saying what you want and enclosing proof of your identity. We reply within one calendar month.',
  });
  await g.dashboard.compute(node);
}
