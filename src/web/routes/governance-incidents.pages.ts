// Incidents: anyone signed in reports one from any page (the layout's "Report an incident" link
// and a one-field form); the reporter sees its reference and the 72-hour clock; the DPO and SIRO
// triage, decide, record notifications, contain, learn and close; the ICO report export.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import type { Actor } from '../../domain/policy/actor.ts';
import type { Incident } from '../../domain/governance/incident.view.ts';
import {
  BREACH_TYPES,
  DATA_CATEGORIES,
  SUBJECT_CATEGORIES,
} from '../../domain/governance/incident.view.ts';
import { field, fields, submitForm } from '../pages.ts';
import { linkInputs, localTime, mayAll, numOrNull, yesNo } from './governance-forms.pages.ts';

const id = (req: FastifyRequest): string => (req.params as { incidentId: string }).incidentId;

export function governanceIncidentPages(services: Services): FastifyPluginAsync {
  const { incidents, icoReports, risks } = services.governance;

  const detail = async (actor: Actor, incident: Incident, extra: Record<string, unknown> = {}) => {
    const canManage = mayAll(actor, 'incidents.manage');
    return {
      pageTitle: `${incident.ref}: ${incident.summary}`,
      backLink: mayAll(actor, 'incidents.read') ? '/governance/incidents' : '/incidents',
      incident,
      canManage,
      triageOptions: canManage
        ? {
            breachTypes: Object.entries(BREACH_TYPES),
            dataCategories: [...DATA_CATEGORIES],
            subjectCategories: [...SUBJECT_CATEGORIES],
            choices: mayAll(actor, 'governance.read') ? await risks.linkChoices(actor) : [],
            linked: incident.links.map((l) => `${l.kind}:${l.id}`),
          }
        : null,
      ...extra,
    };
  };

  /** A DPO's form on the incident page: on problems the page is shown again with them. */
  const manage =
    (work: (actor: Actor, incidentId: string, body: unknown) => Promise<unknown>) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      const actor = req.actor!;
      const incident = await incidents.get(actor, id(req));
      return submitForm(
        reply,
        'governance/incidents/detail.njk',
        await detail(actor, incident),
        async () => {
          await work(actor, id(req), req.body);
          return reply.redirect(`/incidents/${id(req)}?saved=1`, 303);
        },
      );
    };

  return async (app) => {
    const reportPage = { pageTitle: 'Report an incident' };
    app.get(
      '/incidents/report',
      { config: { page: 'incidents.report' }, schema: { hide: true } },
      async (_req, reply) => reply.page('governance/incidents/report.njk', reportPage),
    );

    app.post(
      '/incidents/report',
      { config: { page: 'incidents.report' }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(reply, 'governance/incidents/report.njk', reportPage, async () => {
          // Awareness left empty means now.
          const i = await incidents.report(req.actor!, {
            summary: field(req.body, 'summary'),
            description: field(req.body, 'description'),
            awareAt: localTime(req.body, 'awareAt'),
          });
          return reply.redirect(`/incidents/${i.id}?reported=1`, 303);
        }),
    );

    // Everyone sees the incidents they reported; the DPO, SIRO and auditors see them all.
    const list = async (req: FastifyRequest, reply: FastifyReply) => {
      const all = mayAll(req.actor, 'incidents.read');
      return reply.page('governance/incidents/list.njk', {
        pageTitle: all ? 'Incidents and breaches' : 'Incidents you reported',
        backLink: all ? '/governance' : undefined,
        all,
        incidents: await incidents.list(req.actor!, { mine: !all }),
      });
    };
    app.get('/incidents', { config: { page: 'incidents.read' }, schema: { hide: true } }, list);
    app.get(
      '/governance/incidents',
      { config: { page: 'incidents.read' }, schema: { hide: true } },
      list,
    );

    app.get(
      '/incidents/:incidentId',
      { config: { page: 'incidents.read' }, schema: { hide: true } },
      async (req, reply) => {
        const q = req.query as { reported?: string; saved?: string };
        const incident = await incidents.get(req.actor!, id(req));
        return reply.page(
          'governance/incidents/detail.njk',
          await detail(req.actor!, incident, { reported: q.reported, saved: q.saved }),
        );
      },
    );

    app.get(
      '/incidents/:incidentId/ico-report',
      { config: { page: 'incidents.read' }, schema: { hide: true } },
      async (req, reply) => {
        const report = await icoReports.report(req.actor!, id(req));
        return reply.page('governance/incidents/ico-report.njk', {
          pageTitle: `${report.ref}: breach report for the ICO`,
          backLink: `/incidents/${report.incidentId}`,
          report,
        });
      },
    );

    const page = { config: { page: 'incidents.manage' as const }, schema: { hide: true } };
    app.post(
      '/incidents/:incidentId/triage',
      page,
      manage((actor, incidentId, body) => {
        const pd = yesNo(body, 'personalData');
        const cyber = yesNo(body, 'cyber');
        return incidents.triage(actor, incidentId, {
          personalData: pd as boolean,
          breachTypes: fields(body, 'breachTypes'),
          cyber: cyber ?? null,
          dataCategories: fields(body, 'dataCategories'),
          subjectCategories: fields(body, 'subjectCategories'),
          subjectsAffected: numOrNull(body, 'subjectsAffected'),
          recordsAffected: numOrNull(body, 'recordsAffected'),
          likelihood: field(body, 'likelihood') || null,
          severity: field(body, 'severity') || null,
          consequences: field(body, 'consequences'),
          links: linkInputs(body),
        });
      }),
    );

    app.post(
      '/incidents/:incidentId/decision',
      page,
      manage((actor, incidentId, body) =>
        incidents.decide(actor, incidentId, {
          notifyIco: yesNo(body, 'notifyIco') as boolean,
          reasoning: field(body, 'reasoning'),
          tellSubjects: yesNo(body, 'tellSubjects') as boolean,
          tellSubjectsReasoning: field(body, 'tellSubjectsReasoning'),
        }),
      ),
    );

    app.post(
      '/incidents/:incidentId/ico-notification',
      page,
      manage((actor, incidentId, body) =>
        incidents.recordNotification(actor, incidentId, {
          notifiedAt: localTime(body, 'notifiedAt'),
          reference: field(body, 'reference'),
          lateReason: field(body, 'lateReason'),
        }),
      ),
    );

    app.post(
      '/incidents/:incidentId/subjects-told',
      page,
      manage((actor, incidentId, body) =>
        incidents.recordSubjectsTold(actor, incidentId, {
          toldAt: localTime(body, 'toldAt'),
          how: field(body, 'how'),
        }),
      ),
    );

    app.post(
      '/incidents/:incidentId/response',
      page,
      manage((actor, incidentId, body) =>
        incidents.updateResponse(actor, incidentId, {
          containment: field(body, 'containment'),
          recovery: field(body, 'recovery'),
          lessons: field(body, 'lessons'),
          staffTrained: field(body, 'staffTrained') || 'unknown',
          otherBodiesTold: field(body, 'otherBodiesTold'),
        }),
      ),
    );

    app.post(
      '/incidents/:incidentId/close',
      page,
      manage((actor, incidentId) => incidents.close(actor, incidentId, {})),
    );
  };
}
