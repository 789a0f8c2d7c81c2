// /api/incidents: reporting a suspected incident, triage, the decisions on notifying, the
// 72-hour clock, closing, and the export for the ICO's breach report form.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../../services.ts';
import { ErrorResponse, IdParam } from '../schemas.ts';
import { actorOf, errors } from './helpers.ts';
import {
  IcoReportSchema,
  IncidentSchema,
  LinkInput,
  LongText,
  Nullable,
  ShortList,
} from './governance.schemas.ts';

const Time = Type.String({ maxLength: 40, description: 'An ISO-8601 instant' });

export function governanceIncidentRoutes(services: Services): FastifyPluginAsync {
  const { incidents, icoReports } = services.governance;
  return async (base) => {
    const app = base.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['incidents'];
    const Params = IdParam('incidentId');
    const one = { 200: IncidentSchema, ...errors(ErrorResponse) };

    app.post(
      '/incidents',
      {
        config: { permission: 'incidents.report' },
        schema: {
          summary: 'Report a suspected incident (anyone); the 72-hour clock starts at awareness',
          tags,
          body: Type.Object(
            {
              summary: Type.String({ maxLength: 300 }),
              description: Type.Optional(LongText(10_000)),
              howDiscovered: Type.Optional(LongText(4000)),
              awareAt: Type.Optional(Nullable(Time)),
              occurredAt: Type.Optional(Nullable(Time)),
            },
            { additionalProperties: false },
          ),
          response: { 201: IncidentSchema, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) => reply.code(201).send(await incidents.report(actorOf(req), req.body)),
    );

    app.get(
      '/incidents',
      {
        config: { permission: 'incidents.read' },
        schema: {
          summary: 'Incidents (DPO, SIRO, auditors); with mine=true, the ones you reported',
          tags,
          querystring: Type.Object(
            {
              mine: Type.Optional(Type.Boolean()),
              status: Type.Optional(Type.String({ maxLength: 10 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Array(IncidentSchema), ...errors(ErrorResponse) },
        },
      },
      async (req) => incidents.list(actorOf(req), req.query),
    );

    app.get(
      '/incidents/:incidentId',
      {
        config: { permission: 'incidents.read' },
        schema: {
          summary: 'One incident with its clock (its reporter may always see it)',
          tags,
          params: Params,
          response: one,
        },
      },
      async (req) => incidents.get(actorOf(req), req.params.incidentId),
    );

    app.post(
      '/incidents/:incidentId/triage',
      {
        config: { permission: 'incidents.manage' },
        schema: {
          summary: 'Triage: personal data involved, what and whose, likelihood and severity',
          tags,
          params: Params,
          body: Type.Object(
            {
              personalData: Type.Boolean(),
              breachTypes: Type.Optional(ShortList),
              cyber: Type.Optional(Nullable(Type.Boolean())),
              dataCategories: Type.Optional(ShortList),
              subjectCategories: Type.Optional(ShortList),
              subjectsAffected: Type.Optional(Nullable(Type.Number())),
              recordsAffected: Type.Optional(Nullable(Type.Number())),
              likelihood: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
              severity: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
              consequences: Type.Optional(LongText(4000)),
              links: Type.Optional(Type.Array(LinkInput, { maxItems: 50 })),
            },
            { additionalProperties: false },
          ),
          response: one,
        },
      },
      async (req) => incidents.triage(actorOf(req), req.params.incidentId, req.body),
    );

    app.post(
      '/incidents/:incidentId/decision',
      {
        config: { permission: 'incidents.manage' },
        schema: {
          summary: 'Decide on telling the ICO and the people affected (reasoning when not)',
          tags,
          params: Params,
          body: Type.Object(
            {
              notifyIco: Type.Boolean(),
              reasoning: Type.Optional(LongText(4000)),
              tellSubjects: Type.Boolean(),
              tellSubjectsReasoning: Type.Optional(LongText(4000)),
            },
            { additionalProperties: false },
          ),
          response: one,
        },
      },
      async (req) => incidents.decide(actorOf(req), req.params.incidentId, req.body),
    );

    app.post(
      '/incidents/:incidentId/ico-notification',
      {
        config: { permission: 'incidents.manage' },
        schema: {
          summary: 'Record when the ICO was told and its reference (after 72 hours: why)',
          tags,
          params: Params,
          body: Type.Object(
            {
              notifiedAt: Time,
              reference: Type.String({ maxLength: 100 }),
              lateReason: Type.Optional(LongText(4000)),
            },
            { additionalProperties: false },
          ),
          response: one,
        },
      },
      async (req) => incidents.recordNotification(actorOf(req), req.params.incidentId, req.body),
    );

    app.post(
      '/incidents/:incidentId/subjects-told',
      {
        config: { permission: 'incidents.manage' },
        schema: {
          summary: 'Record when and how the people affected were told',
          tags,
          params: Params,
          body: Type.Object({ toldAt: Time, how: LongText(2000) }, { additionalProperties: false }),
          response: one,
        },
      },
      async (req) => incidents.recordSubjectsTold(actorOf(req), req.params.incidentId, req.body),
    );

    app.put(
      '/incidents/:incidentId/response',
      {
        config: { permission: 'incidents.manage' },
        schema: {
          summary: 'Containment, recovery, lessons, training of the staff involved, others told',
          tags,
          params: Params,
          body: Type.Object(
            {
              containment: Type.Optional(LongText(10_000)),
              recovery: Type.Optional(LongText(10_000)),
              lessons: Type.Optional(LongText(10_000)),
              staffTrained: Type.Optional(Type.String({ maxLength: 10 })),
              otherBodiesTold: Type.Optional(LongText(4000)),
            },
            { additionalProperties: false },
          ),
          response: one,
        },
      },
      async (req) => incidents.updateResponse(actorOf(req), req.params.incidentId, req.body),
    );

    app.post(
      '/incidents/:incidentId/close',
      {
        config: { permission: 'incidents.manage' },
        schema: {
          summary: 'Close (refused, listing what is missing, until every decision is recorded)',
          tags,
          params: Params,
          body: Type.Object(
            { lessons: Type.Optional(LongText(10_000)) },
            { additionalProperties: false },
          ),
          response: one,
        },
      },
      async (req) => incidents.close(actorOf(req), req.params.incidentId, req.body),
    );

    app.get(
      '/incidents/:incidentId/ico-report',
      {
        config: { permission: 'incidents.read' },
        schema: {
          summary: 'The answers for the ICO’s personal data breach report form',
          tags,
          params: Params,
          response: { 200: IcoReportSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => icoReports.report(actorOf(req), req.params.incidentId),
    );
  };
}
