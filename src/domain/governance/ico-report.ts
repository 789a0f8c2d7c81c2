// The export for the ICO's personal data breach report form: the form's questions, section by
// section, answered from the incident, the organisation and its DPO. Exported as JSON (API) and a
// printable page; the DPO copies the answers into the ICO's form or attaches the page.
import type { DomainContext } from '../context.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import { formatLondon } from './breach-clock.ts';
import type { OrgFacts } from './facts.ts';
import * as repo from './governance.repository.ts';
import type { IncidentService } from './incident.service.ts';
import { BREACH_TYPES } from './incident.view.ts';
import type { Incident } from './incident.view.ts';

export interface IcoReport {
  incidentId: string;
  ref: string;
  generatedAt: string;
  sections: { title: string; fields: { question: string; answer: string }[] }[];
}

const SECTORS: Record<string, string> = {
  council: 'Local government',
  police: 'Criminal justice (police)',
  health: 'Health',
  fire: 'Fire and rescue',
  party: 'Political party',
  other: 'Other',
};

const yesNo = (b: boolean | null, unknown = 'Not yet known'): string =>
  b === null ? unknown : b ? 'Yes' : 'No';
const when = (iso: string | null): string => (iso ? formatLondon(iso) : 'Not yet known');
const orNone = (s: string | null | undefined, none = 'Not recorded'): string => s?.trim() || none;

function subjectsTold(i: Incident): string {
  if (i.tellSubjects === null) return 'Not yet decided';
  if (!i.tellSubjects)
    return `No. ${orNone(i.tellSubjectsReasoning, 'The risk to them is not high.')}`;
  return i.subjectsToldAt
    ? `Yes, on ${formatLondon(i.subjectsToldAt)}: ${orNone(i.subjectsToldHow)}`
    : 'Yes: we are going to tell them';
}

export class IcoReportService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly incidents: IncidentService,
    private readonly facts: OrgFacts,
  ) {}

  async report(actor: Actor, incidentId: string): Promise<IcoReport> {
    const { i, org, s } = await withAccess(this.ctx, actor, async (gate) => {
      const incident = await this.incidents.forReport(gate, incidentId);
      gate.record('incident.ico-report.exported', `incident:${incidentId}`, { ref: incident.ref });
      return {
        i: incident,
        org: await this.facts.orgName(gate.tx, actor.orgId),
        s: await repo.settings(gate.tx, actor.orgId),
      };
    });
    const dpo = (await this.facts.holders(actor.orgId, ['dpo'])).get('dpo') ?? [];
    const late = i.clock.status === 'notified-late' || i.clock.status === 'overdue';
    return {
      incidentId: i.id,
      ref: i.ref,
      generatedAt: this.ctx.clock().toISOString(),
      sections: [
        {
          title: 'Report type',
          fields: [
            {
              question: 'Is this an initial or a follow-up report?',
              answer: i.icoReference
                ? `Follow-up report (ICO case ${i.icoReference})`
                : 'Initial report',
            },
            {
              question: 'If you are reporting more than 72 hours after becoming aware, why?',
              answer: late
                ? orNone(i.lateReason, 'Reasons not yet recorded')
                : 'Not applicable: within 72 hours',
            },
            { question: 'Our reference', answer: i.ref },
          ],
        },
        {
          title: 'About your organisation',
          fields: [
            { question: 'Organisation name', answer: org.name },
            {
              question: 'Data protection fee registration number',
              answer: orNone(s?.ico_registration),
            },
            { question: 'Sector', answer: SECTORS[org.kind] ?? org.kind },
            {
              question: 'Data protection officer',
              answer: dpo.map((p) => p.name).join(', ') || 'None appointed',
            },
            { question: 'Contact email', answer: orNone(s?.public_email) },
            { question: 'Contact telephone', answer: orNone(s?.public_phone) },
            { question: 'Address', answer: orNone(s?.public_address) },
          ],
        },
        {
          title: 'About the breach',
          fields: [
            {
              question: 'What has happened?',
              answer: [i.summary, i.description].filter(Boolean).join('\n\n'),
            },
            {
              question: 'How did you find out about the breach?',
              answer: orNone(i.howDiscovered),
            },
            { question: 'When did the breach happen?', answer: when(i.occurredAt) },
            { question: 'When did you discover the breach?', answer: formatLondon(i.awareAt) },
            {
              question: 'Deadline to report (72 hours from discovery)',
              answer: i.clock.deadlineLondon,
            },
            { question: 'Was the breach caused by a cyber incident?', answer: yesNo(i.cyber) },
            {
              question: 'Type of breach',
              answer:
                i.breachTypes
                  .map((t) => BREACH_TYPES[t as keyof typeof BREACH_TYPES] ?? t)
                  .join('\n') || 'Not yet known',
            },
          ],
        },
        {
          title: 'Personal data and people affected',
          fields: [
            {
              question: 'Categories of personal data included',
              answer: i.dataCategories.join('\n') || 'Not yet known',
            },
            {
              question: 'Does it include special category or criminal offence data?',
              answer: i.specialCategories ? 'Yes' : 'No',
            },
            {
              question: 'Approximate number of personal data records concerned',
              answer: i.recordsAffected?.toLocaleString('en-GB') ?? 'Not yet known',
            },
            {
              question: 'How many data subjects could be affected?',
              answer: i.subjectsAffected?.toLocaleString('en-GB') ?? 'Not yet known',
            },
            {
              question: 'Categories of data subjects affected',
              answer: i.subjectCategories.join('\n') || 'Not yet known',
            },
          ],
        },
        {
          title: 'Consequences',
          fields: [
            {
              question: 'Potential consequences for the people affected',
              answer: orNone(i.consequences),
            },
            {
              question: 'Likelihood that people will experience significant consequences',
              answer:
                i.likelihood && i.severity
                  ? `Likelihood ${i.likelihood}, severity ${i.severity}. ${i.riskAdvice ?? ''}`.trim()
                  : 'Not yet assessed',
            },
            {
              question:
                'Had the staff members involved received data protection training in the last two years?',
              answer:
                i.staffTrained === 'unknown'
                  ? 'Not known'
                  : i.staffTrained === 'yes'
                    ? 'Yes'
                    : 'No',
            },
          ],
        },
        {
          title: 'Taking action',
          fields: [
            {
              question: 'Actions taken or proposed to contain the breach and limit its effects',
              answer: orNone(i.containment),
            },
            { question: 'Recovery', answer: orNone(i.recovery) },
            {
              question: 'Have you told the data subjects about the breach?',
              answer: subjectsTold(i),
            },
            {
              question: 'Have you told, or are you planning to tell, any other organisations?',
              answer: orNone(i.otherBodiesTold, 'No'),
            },
            { question: 'Lessons learned', answer: orNone(i.lessons) },
          ],
        },
      ],
    };
  }
}
