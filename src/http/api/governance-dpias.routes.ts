// /api/dpias: DPIAs from screening to the SIRO's sign-off.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../../services.ts';
import { SCREENING_QUESTIONS } from '../../domain/governance/dpia.screening.ts';
import { ErrorResponse, IdParam, Reason } from '../schemas.ts';
import { actorOf, errors } from './helpers.ts';
import { DayOrNull, DpiaSchema, LongText } from './governance.schemas.ts';

const Params = IdParam('dpiaId');
const Risk = Type.Object(
  {
    description: LongText(2000),
    likelihood: Type.Integer({ description: '1 remote, 2 possible, 3 probable' }),
    severity: Type.Integer({ description: '1 minimal, 2 significant, 3 severe' }),
    measures: LongText(4000),
    residual: Type.String({ description: 'low, medium or high, after the measures' }),
  },
  { additionalProperties: false },
);

export function governanceDpiaRoutes(services: Services): FastifyPluginAsync {
  const dpias = services.governance.dpias;
  return async (base) => {
    const app = base.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['dpias'];
    const one = { 200: DpiaSchema, ...errors(ErrorResponse) };

    app.get(
      '/dpias',
      {
        config: { permission: 'governance.read' },
        schema: {
          summary: 'DPIAs, newest first',
          tags,
          querystring: Type.Object(
            { status: Type.Optional(Type.String({ maxLength: 20 })) },
            { additionalProperties: false },
          ),
          response: { 200: Type.Array(DpiaSchema), ...errors(ErrorResponse) },
        },
      },
      async (req) => dpias.list(actorOf(req), req.query),
    );

    app.get(
      '/dpias/screening-questions',
      {
        config: { permission: 'governance.read' },
        schema: {
          summary: 'The screening questions: the ICO’s high-risk indicators',
          tags,
          response: {
            200: Type.Array(
              Type.Object({
                id: Type.String(),
                question: Type.String(),
                hint: Type.String(),
                source: Type.String(),
              }),
            ),
            ...errors(ErrorResponse),
          },
        },
      },
      async () => [...SCREENING_QUESTIONS],
    );

    app.post(
      '/dpias',
      {
        config: { permission: 'dpia.write' },
        schema: {
          summary: 'Start a DPIA (you are its author)',
          tags,
          body: Type.Object(
            {
              title: Type.String({ maxLength: 200 }),
              description: LongText(),
              reviewOn: DayOrNull,
            },
            { additionalProperties: false },
          ),
          response: { 201: DpiaSchema, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) => reply.code(201).send(await dpias.create(actorOf(req), req.body)),
    );

    app.get(
      '/dpias/:dpiaId',
      {
        config: { permission: 'governance.read' },
        schema: { summary: 'One DPIA', tags, params: Params, response: one },
      },
      async (req) => dpias.get(actorOf(req), req.params.dpiaId),
    );

    app.put(
      '/dpias/:dpiaId/screening',
      {
        config: { permission: 'dpia.write' },
        schema: {
          summary: 'Answer the screening questions (any yes: a full DPIA is required)',
          tags,
          params: Params,
          body: Type.Object(
            {
              answers: Type.Record(Type.String({ maxLength: 60 }), Type.Boolean()),
              notes: Type.Optional(LongText(4000)),
              fullAnyway: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
          response: one,
        },
      },
      async (req) => dpias.screen(actorOf(req), req.params.dpiaId, req.body),
    );

    app.put(
      '/dpias/:dpiaId/assessment',
      {
        config: { permission: 'dpia.write' },
        schema: {
          summary: 'Save the assessment; with submit, send it to the DPO for advice',
          tags,
          params: Params,
          body: Type.Object(
            {
              title: Type.Optional(Type.String({ maxLength: 200 })),
              description: Type.Optional(LongText()),
              necessity: Type.Optional(LongText()),
              proportionality: Type.Optional(LongText()),
              consultation: Type.Optional(LongText()),
              risks: Type.Optional(Type.Array(Risk, { maxItems: 50 })),
              submit: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
          response: one,
        },
      },
      async (req) => dpias.saveAssessment(actorOf(req), req.params.dpiaId, req.body),
    );

    app.post(
      '/dpias/:dpiaId/advice',
      {
        config: { permission: 'dpia.advise' },
        schema: {
          summary: 'The DPO’s advice and recommendation',
          tags,
          params: Params,
          body: Type.Object(
            { advice: LongText(), recommendation: Type.String({ maxLength: 30 }) },
            { additionalProperties: false },
          ),
          response: one,
        },
      },
      async (req) => dpias.advise(actorOf(req), req.params.dpiaId, req.body),
    );

    app.post(
      '/dpias/:dpiaId/sign-off',
      {
        config: { permission: 'dpia.sign' },
        schema: {
          summary: 'The SIRO approves or rejects (never the DPIA’s author)',
          tags,
          params: Params,
          body: Type.Object(
            {
              decision: Type.String({ maxLength: 20 }),
              note: Type.Optional(LongText(4000)),
              reviewOn: DayOrNull,
              adviceFollowed: Type.Optional(Type.Boolean()),
              overruleReason: Type.Optional(LongText(4000)),
            },
            { additionalProperties: false },
          ),
          response: one,
        },
      },
      async (req) => dpias.signOff(actorOf(req), req.params.dpiaId, req.body),
    );

    app.post(
      '/dpias/:dpiaId/ico-consultation',
      {
        config: { permission: 'dpia.advise' },
        schema: {
          summary: 'Record the ICO’s answer to prior consultation (Art. 36)',
          tags,
          params: Params,
          body: Type.Object(
            {
              consultedOn: Type.String({ maxLength: 10 }),
              reference: Type.String({ maxLength: 100 }),
              outcome: LongText(4000),
            },
            { additionalProperties: false },
          ),
          response: one,
        },
      },
      async (req) => dpias.recordIcoConsultation(actorOf(req), req.params.dpiaId, req.body),
    );

    app.post(
      '/dpias/:dpiaId/review',
      {
        config: { permission: 'dpia.write' },
        schema: {
          summary: 'Record a review of a signed DPIA and the next review date',
          tags,
          params: Params,
          body: Type.Object(
            { nextReviewOn: Type.String({ maxLength: 10 }), note: Type.Optional(LongText(4000)) },
            { additionalProperties: false },
          ),
          response: one,
        },
      },
      async (req) => dpias.review(actorOf(req), req.params.dpiaId, req.body),
    );

    app.post(
      '/dpias/:dpiaId/reopen',
      {
        config: { permission: 'dpia.write' },
        schema: {
          summary: 'Reopen for change (advice and sign-off must be given again)',
          tags,
          params: Params,
          body: Reason,
          response: one,
        },
      },
      async (req) => dpias.reopen(actorOf(req), req.params.dpiaId, req.body.reason),
    );

    app.put(
      '/dpias/:dpiaId/summary',
      {
        config: { permission: 'dpia.write' },
        schema: {
          summary: 'The summary published on the information charter once signed',
          tags,
          params: Params,
          body: Type.Object(
            { publicSummary: LongText(4000), publish: Type.Boolean() },
            { additionalProperties: false },
          ),
          response: one,
        },
      },
      async (req) => dpias.setSummary(actorOf(req), req.params.dpiaId, req.body),
    );
  };
}
