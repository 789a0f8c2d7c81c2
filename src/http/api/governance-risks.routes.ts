// /api/risks: the risk register, its heat map and appetite.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../../services.ts';
import { heatMap } from '../../domain/governance/risk.view.ts';
import { ErrorResponse, IdParam, Reason } from '../schemas.ts';
import { actorOf, errors } from './helpers.ts';
import { LinkInput, LongText, Nullable, RiskSchema } from './governance.schemas.ts';

const RiskBody = Type.Object(
  {
    title: Type.String({ maxLength: 200 }),
    description: LongText(),
    category: Type.String({ maxLength: 30 }),
    ownerId: Type.String({ maxLength: 100 }),
    inherentLikelihood: Type.Number({ description: '1 (rare) to 5 (almost certain)' }),
    inherentImpact: Type.Number({ description: '1 (negligible) to 5 (severe)' }),
    residualLikelihood: Type.Optional(Nullable(Type.Number())),
    residualImpact: Type.Optional(Nullable(Type.Number())),
    treatment: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
    treatmentNotes: Type.Optional(LongText(4000)),
    reviewOn: Type.String({ maxLength: 10 }),
    links: Type.Optional(Type.Array(LinkInput, { maxItems: 50 })),
  },
  { additionalProperties: false },
);

const NextReview = Type.Object(
  {
    nextReviewOn: Type.String({ maxLength: 10 }),
    note: Type.Optional(LongText(4000)),
    residualLikelihood: Type.Optional(Nullable(Type.Number())),
    residualImpact: Type.Optional(Nullable(Type.Number())),
  },
  { additionalProperties: false },
);

const Appetite = Type.Array(
  Type.Object({ category: Type.String(), maxScore: Nullable(Type.Integer()) }),
);

export function governanceRiskRoutes(services: Services): FastifyPluginAsync {
  const { risks } = services.governance;
  return async (base) => {
    const app = base.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['risks'];
    const Params = IdParam('riskId');
    const one = { 200: RiskSchema, ...errors(ErrorResponse) };

    app.get(
      '/risks',
      {
        config: { permission: 'governance.read' },
        schema: {
          summary: 'The risk register',
          tags,
          querystring: Type.Object(
            {
              status: Type.Optional(Type.String({ maxLength: 10 })),
              category: Type.Optional(Type.String({ maxLength: 30 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Array(RiskSchema), ...errors(ErrorResponse) },
        },
      },
      async (req) => risks.list(actorOf(req), req.query),
    );

    app.get(
      '/risks/heat-map',
      {
        config: { permission: 'governance.read' },
        schema: {
          summary: 'Open risks on the 5 × 5 grid (rows from likelihood 5 down to 1)',
          tags,
          response: {
            200: Type.Array(
              Type.Array(
                Type.Object({
                  likelihood: Type.Integer(),
                  impact: Type.Integer(),
                  score: Type.Integer(),
                  rating: Type.String(),
                  refs: Type.Array(Type.String()),
                }),
              ),
            ),
            ...errors(ErrorResponse),
          },
        },
      },
      async (req) => heatMap(await risks.list(actorOf(req), { status: 'open' })),
    );

    app.get(
      '/risks/appetite',
      {
        config: { permission: 'governance.read' },
        schema: {
          summary: 'The highest residual score accepted per category',
          tags,
          response: { 200: Appetite, ...errors(ErrorResponse) },
        },
      },
      async (req) => risks.appetite(actorOf(req)),
    );

    app.put(
      '/risks/appetite',
      {
        config: { permission: 'risks.appetite' },
        schema: {
          summary: 'Set the appetite (SIRO)',
          tags,
          body: Type.Array(
            Type.Object(
              { category: Type.String({ maxLength: 30 }), maxScore: Type.Number() },
              { additionalProperties: false },
            ),
            { maxItems: 20 },
          ),
          response: { 200: Appetite, ...errors(ErrorResponse) },
        },
      },
      async (req) => risks.setAppetite(actorOf(req), req.body),
    );

    app.post(
      '/risks',
      {
        config: { permission: 'risks.manage' },
        schema: {
          summary: 'Add a risk',
          tags,
          body: RiskBody,
          response: { 201: RiskSchema, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) => reply.code(201).send(await risks.create(actorOf(req), req.body)),
    );

    app.get(
      '/risks/:riskId',
      {
        config: { permission: 'governance.read' },
        schema: { summary: 'One risk', tags, params: Params, response: one },
      },
      async (req) => risks.get(actorOf(req), req.params.riskId),
    );

    app.put(
      '/risks/:riskId',
      {
        config: { permission: 'risks.manage' },
        schema: { summary: 'Change a risk', tags, params: Params, body: RiskBody, response: one },
      },
      async (req) => risks.update(actorOf(req), req.params.riskId, req.body),
    );

    app.post(
      '/risks/:riskId/actions',
      {
        config: { permission: 'risks.manage' },
        schema: {
          summary: 'Add an action to the treatment',
          tags,
          params: Params,
          body: Type.Object(
            {
              description: LongText(2000),
              ownerId: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
              dueOn: Type.String({ maxLength: 10 }),
            },
            { additionalProperties: false },
          ),
          response: { 201: RiskSchema, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await risks.addAction(actorOf(req), req.params.riskId, req.body)),
    );

    app.post(
      '/risks/:riskId/actions/:actionId/done',
      {
        config: { permission: 'risks.manage' },
        schema: {
          summary: 'Mark an action done',
          tags,
          params: Type.Object({
            riskId: Type.String({ maxLength: 100 }),
            actionId: Type.String({ maxLength: 100 }),
          }),
          response: one,
        },
      },
      async (req) => risks.completeAction(actorOf(req), req.params.riskId, req.params.actionId),
    );

    app.post(
      '/risks/:riskId/review',
      {
        config: { permission: 'risks.manage' },
        schema: {
          summary: 'Record a review (and the residual score now)',
          tags,
          params: Params,
          body: NextReview,
          response: one,
        },
      },
      async (req) => risks.review(actorOf(req), req.params.riskId, req.body),
    );

    app.post(
      '/risks/:riskId/close',
      {
        config: { permission: 'risks.manage' },
        schema: { summary: 'Close a risk', tags, params: Params, body: Reason, response: one },
      },
      async (req) => risks.close(actorOf(req), req.params.riskId, req.body.reason),
    );
  };
}
