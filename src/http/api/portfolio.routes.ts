// /api/portfolio: the applications register (with CSV import and webhook secrets), the live
// portfolio indicators, service levels, and the hosts health checks may call.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../../services.ts';
import { ErrorResponse, IdParam } from '../schemas.ts';
import { actorOf, errors } from './helpers.ts';
import { portfolioSettingsRoutes } from './portfolio-settings.routes.ts';

const Str = Type.String();
const NStr = Type.Union([Type.String(), Type.Null()]);
const NNum = Type.Union([Type.Number(), Type.Null()]);

export const ApplicationSchema = Type.Object({
  id: Str,
  name: Str,
  description: Str,
  businessOwnerId: NStr,
  businessOwnerName: NStr,
  productManagerId: NStr,
  productManagerName: NStr,
  critical: Type.Boolean(),
  lifecycle: Str,
  phaseInOn: NStr,
  activeOn: NStr,
  phaseOutOn: NStr,
  endOfLifeOn: NStr,
  pastEndOfLife: Type.Boolean(),
  onboarded: Type.Boolean(),
  budgetLine: NStr,
  annualCost: NNum,
  hosting: Str,
  vendorId: NStr,
  vendorName: NStr,
  assetIds: Type.Array(Str),
  repositoryUrl: NStr,
  healthCheckUrl: NStr,
  statusPublic: Type.Boolean(),
  productionEnvironment: Str,
  webhookConfigured: Type.Boolean(),
  createdAt: Str,
  updatedAt: Str,
});

const opt = <T extends Parameters<typeof Type.Optional>[0]>(t: T) => Type.Optional(t);
const NDate = Type.Union([Type.String({ maxLength: 10 }), Type.Null()]);
const ApplicationFields = {
  description: opt(Type.String({ maxLength: 5000 })),
  businessOwnerId: opt(NStr),
  productManagerId: opt(NStr),
  critical: opt(Type.Boolean()),
  lifecycle: opt(Type.String({ maxLength: 20 })),
  phaseInOn: opt(NDate),
  activeOn: opt(NDate),
  phaseOutOn: opt(NDate),
  endOfLifeOn: opt(NDate),
  onboarded: opt(Type.Boolean()),
  budgetLine: opt(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  annualCost: opt(
    Type.Union([Type.Number({ minimum: 0 }), Type.String({ maxLength: 30 }), Type.Null()]),
  ),
  hosting: opt(Type.String({ maxLength: 20 })),
  vendorId: opt(NStr),
  vendorName: opt(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  assetIds: opt(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100 })),
  repositoryUrl: opt(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
  healthCheckUrl: opt(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
  statusPublic: opt(Type.Boolean()),
  productionEnvironment: opt(Type.String({ maxLength: 100 })),
};

const IndicatorsSchema = Type.Object({
  applications: Type.Integer(),
  critical: Type.Integer(),
  onboarded: Type.Integer(),
  onboardedShare: NNum,
  withBudgetLine: Type.Integer(),
  attributedCost: Type.Number(),
  itBudget: NNum,
  budgetShare: NNum,
  criticalPastEndOfLife: Type.Array(Type.Object({ id: Str, name: Str, endOfLifeOn: NStr })),
  criticalWithoutOwner: Type.Array(Type.Object({ id: Str, name: Str })),
});

export function portfolioRoutes(services: Services): FastifyPluginAsync {
  const p = services.portfolio;
  return async (base) => {
    const app = base.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['portfolio'];
    app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );

    app.get(
      '/portfolio/applications',
      {
        config: { permission: 'portfolio.read' },
        schema: {
          summary: 'The applications register',
          tags,
          response: { 200: Type.Array(ApplicationSchema), ...errors(ErrorResponse) },
        },
      },
      async (req) => p.applications.list(actorOf(req)),
    );

    app.post(
      '/portfolio/applications',
      {
        config: { permission: 'portfolio.manage' },
        schema: {
          summary: 'Add an application',
          tags,
          body: Type.Object(
            { name: Type.String({ maxLength: 200 }), ...ApplicationFields },
            { additionalProperties: false },
          ),
          response: { 201: ApplicationSchema, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await p.applications.create(actorOf(req), req.body)),
    );

    app.post(
      '/portfolio/applications/import',
      {
        config: { permission: 'portfolio.manage' },
        schema: {
          summary:
            'Import applications from CSV (a row naming an existing application updates it): all rows or none',
          tags,
          consumes: ['text/csv'],
          body: Type.String({ maxLength: 5_000_000 }),
          response: {
            201: Type.Object({ created: Type.Integer(), updated: Type.Integer() }),
            ...errors(ErrorResponse),
          },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await p.importApplications(actorOf(req), req.body)),
    );

    app.get(
      '/portfolio/applications/:applicationId',
      {
        config: { permission: 'portfolio.read' },
        schema: {
          summary: 'One application',
          tags,
          params: IdParam('applicationId'),
          response: { 200: ApplicationSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => p.applications.get(actorOf(req), req.params.applicationId),
    );

    app.put(
      '/portfolio/applications/:applicationId',
      {
        config: { permission: 'portfolio.manage' },
        schema: {
          summary: 'Change an application (fields left out keep their value)',
          tags,
          params: IdParam('applicationId'),
          body: Type.Object(
            { name: opt(Type.String({ maxLength: 200 })), ...ApplicationFields },
            { additionalProperties: false },
          ),
          response: { 200: ApplicationSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => p.applications.update(actorOf(req), req.params.applicationId, req.body),
    );

    app.post(
      '/portfolio/applications/:applicationId/webhook-secret',
      {
        config: { permission: 'portfolio.manage' },
        schema: {
          summary:
            'Set a new webhook secret for GitHub (X-Hub-Signature-256) and GitLab (X-Gitlab-Token); shown once',
          tags,
          params: IdParam('applicationId'),
          response: { 201: Type.Object({ secret: Str }), ...errors(ErrorResponse) },
        },
      },
      async (req, reply) =>
        reply
          .code(201)
          .send(await p.applications.rotateWebhookSecret(actorOf(req), req.params.applicationId)),
    );

    app.get(
      '/portfolio/indicators',
      {
        config: { permission: 'portfolio.read' },
        schema: {
          summary:
            'Portfolio indicators, computed now: share onboarded, share of budget attributed, critical applications past end of life or without an owner',
          tags,
          response: { 200: IndicatorsSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => p.applications.indicators(actorOf(req)),
    );

    await app.register(portfolioSettingsRoutes(services));
  };
}
