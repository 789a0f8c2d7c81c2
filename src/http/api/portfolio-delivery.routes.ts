// /api/portfolio: delivery events in (the JSON event API and CSV import; signed webhooks are in
// portfolio-webhooks.routes.ts) and the DORA measures out.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../../services.ts';
import { defaultPeriod } from '../../domain/portfolio/delivery.service.ts';
import type { Period } from '../../domain/portfolio/delivery.service.ts';
import { ErrorResponse, IdParam } from '../schemas.ts';
import { actorOf, errors } from './helpers.ts';

const NNum = Type.Union([Type.Number(), Type.Null()]);
const NStr = Type.Union([Type.String(), Type.Null()]);
const Band = Type.Union([
  Type.Literal('elite'),
  Type.Literal('high'),
  Type.Literal('medium'),
  Type.Literal('low'),
  Type.Null(),
]);
export const MeasuresSchema = Type.Object({
  deployments: Type.Integer(),
  deploymentsPerWeek: Type.Number(),
  changes: Type.Integer(),
  leadTimeHours: NNum,
  attempts: Type.Integer(),
  failures: Type.Integer(),
  changeFailureRate: NNum,
  recoveries: Type.Integer(),
  recoveryHours: NNum,
  reworkDeployments: Type.Integer(),
  reworkRate: NNum,
  bands: Type.Object({
    deploymentFrequency: Band,
    leadTime: Band,
    changeFailureRate: Band,
    recovery: Band,
  }),
});
const Trend = Type.Array(Type.Object({ label: Type.String(), measures: MeasuresSchema }));
const PeriodQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    unit: Type.Optional(
      Type.Union([Type.Literal('week'), Type.Literal('month'), Type.Literal('quarter')]),
    ),
  },
  { additionalProperties: false },
);
const PeriodFields = {
  from: Type.String(),
  to: Type.String(),
  unit: Type.String(),
};
const Stored = Type.Object({
  received: Type.Integer(),
  stored: Type.Integer(),
  duplicates: Type.Integer(),
});
const EventBody = Type.Object(
  {
    type: Type.Union([
      Type.Literal('deployment'),
      Type.Literal('change'),
      Type.Literal('incident'),
    ]),
    application: Type.String({ minLength: 1, maxLength: 200, description: 'Id or name' }),
    id: Type.Optional(Type.String({ maxLength: 200 })),
    at: Type.Optional(Type.String({ maxLength: 40 })),
    sha: Type.Optional(Type.String({ maxLength: 64 })),
    committedAt: Type.Optional(Type.String({ maxLength: 40 })),
    headSha: Type.Optional(Type.String({ maxLength: 64 })),
    environment: Type.Optional(Type.String({ maxLength: 100 })),
    status: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure')])),
    rework: Type.Optional(Type.Boolean()),
    changes: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 1000 })),
    openedAt: Type.Optional(Type.String({ maxLength: 40 })),
    resolvedAt: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);

export function periodOf(
  services: Services,
  q: { from?: string; to?: string; unit?: string },
): Period {
  const d = defaultPeriod(services.clock(), (q.unit as Period['unit'] | undefined) ?? 'month');
  return { from: q.from ?? d.from, to: q.to ?? d.to, unit: d.unit };
}

export function portfolioDeliveryRoutes(services: Services): FastifyPluginAsync {
  const p = services.portfolio;
  return async (base) => {
    const app = base.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['delivery'];
    app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );

    app.post(
      '/portfolio/events',
      {
        config: { permission: 'portfolio.ingest' },
        schema: {
          summary:
            'Send deployment, change and incident events (CI pipelines, other tools): all stored or none; repeats count once',
          tags,
          body: Type.Object(
            { events: Type.Array(EventBody, { minItems: 1, maxItems: 5000 }) },
            { additionalProperties: false },
          ),
          response: { 201: Stored, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await p.delivery.ingest(actorOf(req), req.body.events)),
    );

    app.post(
      '/portfolio/events/import',
      {
        config: { permission: 'portfolio.ingest' },
        schema: {
          summary:
            'Import events from CSV (application, type, id, at, sha, committed_at, environment, status, resolved_at, rework, changes): all rows or none',
          tags,
          consumes: ['text/csv'],
          body: Type.String({ maxLength: 20_000_000 }),
          response: { 201: Stored, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await p.delivery.importCsv(actorOf(req), req.body)),
    );

    app.get(
      '/portfolio/delivery',
      {
        config: { permission: 'portfolio.read' },
        schema: {
          summary:
            'DORA measures rolled up across the portfolio and per application, with their trend (default: the last 12 months by month)',
          tags,
          querystring: PeriodQuery,
          response: {
            200: Type.Object({
              ...PeriodFields,
              portfolio: MeasuresSchema,
              trend: Trend,
              applications: Type.Array(
                Type.Object({
                  id: Type.String(),
                  name: Type.String(),
                  critical: Type.Boolean(),
                  measures: MeasuresSchema,
                  openIncidents: Type.Integer(),
                  unrestored: Type.Boolean(),
                }),
              ),
            }),
            ...errors(ErrorResponse),
          },
        },
      },
      async (req: FastifyRequest<{ Querystring: { from?: string; to?: string; unit?: string } }>) =>
        p.delivery.report(actorOf(req), periodOf(services, req.query)),
    );

    app.get(
      '/portfolio/applications/:applicationId/delivery',
      {
        config: { permission: 'portfolio.read' },
        schema: {
          summary: 'One application’s DORA measures, trend and latest events',
          tags,
          params: IdParam('applicationId'),
          querystring: PeriodQuery,
          response: {
            200: Type.Object({
              ...PeriodFields,
              application: Type.Object({
                id: Type.String(),
                name: Type.String(),
                productionEnvironment: Type.String(),
              }),
              measures: MeasuresSchema,
              trend: Trend,
              openIncidents: Type.Integer(),
              unrestored: Type.Boolean(),
              recent: Type.Array(
                Type.Object({
                  kind: Type.String(),
                  source: Type.String(),
                  occurredAt: Type.String(),
                  ref: NStr,
                  sha: NStr,
                  environment: NStr,
                  status: NStr,
                }),
              ),
              deliveries: Type.Array(
                Type.Object({
                  source: Type.String(),
                  deliveryId: Type.String(),
                  event: Type.String(),
                  receivedAt: Type.String(),
                  events: Type.Integer(),
                }),
              ),
            }),
            ...errors(ErrorResponse),
          },
        },
      },
      async (req) =>
        p.delivery.forApplication(
          actorOf(req),
          req.params.applicationId,
          periodOf(services, req.query),
        ),
    );
  };
}
