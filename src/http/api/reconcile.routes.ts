// /api/reconciliations, /api/variances, /api/overrides and /api/records/:recordId/accuracy:
// comparing two sources about the same people, the variance list (filterable, CSV), overrides
// with second approval, and accuracy flags on records.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../../services.ts';
import { ErrorResponse, IdParam } from '../schemas.ts';
import { actorOf, errors } from './helpers.ts';
import {
  DecisionInputSchema,
  FlagInputSchema,
  FlagSchema,
  OverrideInputSchema,
  OverrideSchema,
  RunInputSchema,
  RunSchema,
  VarianceQuerySchema,
  VarianceSchema,
} from './reconcile.schemas.ts';

const tags = ['reconciliation'];
const RunParam = IdParam('runId');
const VarianceParam = IdParam('varianceId');
const RecordParam = IdParam('recordId');

export function reconcileRoutes(services: Services): FastifyPluginAsync {
  const { reconciliations, variances, overrides, accuracy } = services.reconcile;
  return async (base) => {
    const app = base.withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      '/reconciliations',
      {
        config: { permission: 'reconcile.read' },
        schema: {
          summary: 'Reconciliation runs, newest first',
          tags,
          response: { 200: Type.Array(RunSchema), ...errors(ErrorResponse) },
        },
      },
      async (req) => reconciliations.list(actorOf(req)),
    );
    app.post(
      '/reconciliations',
      {
        config: { permission: 'reconcile.run' },
        schema: {
          summary:
            'Compare a list (an asset) with a feed (another asset or a CSV) by membership number and record linkage',
          tags,
          body: RunInputSchema,
          response: { 201: RunSchema, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await reconciliations.start(actorOf(req), req.body)),
    );
    app.get(
      '/reconciliations/:runId',
      {
        config: { permission: 'reconcile.read' },
        schema: {
          summary: 'One run',
          tags,
          params: RunParam,
          response: { 200: RunSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => reconciliations.get(actorOf(req), req.params.runId),
    );
    app.get(
      '/reconciliations/:runId/variances',
      {
        config: { permission: 'reconcile.read' },
        schema: {
          summary: 'A run’s variances, filtered by kind and state, a page at a time',
          tags,
          params: RunParam,
          querystring: VarianceQuerySchema,
          response: {
            200: Type.Object({
              variances: Type.Array(VarianceSchema),
              total: Type.Integer(),
              page: Type.Integer(),
              pageSize: Type.Integer(),
            }),
            ...errors(ErrorResponse),
          },
        },
      },
      async (req) => {
        const p = await variances.list(actorOf(req), req.params.runId, req.query);
        return { variances: p.variances, total: p.total, page: p.page, pageSize: p.pageSize };
      },
    );
    app.get(
      '/reconciliations/:runId/variances.csv',
      {
        config: { permission: 'reconcile.read' },
        schema: {
          summary: 'A run’s variances as CSV (optionally of one kind)',
          tags,
          params: RunParam,
          querystring: Type.Omit(VarianceQuerySchema, ['page', 'pageSize']),
          produces: ['text/csv'],
          response: { 200: Type.String(), ...errors(ErrorResponse) },
        },
      },
      async (req, reply) => {
        const query = req.query as { kind?: string; state?: string };
        const csv = await variances.csv(actorOf(req), req.params.runId, query);
        return reply
          .type('text/csv; charset=utf-8')
          .header(
            'content-disposition',
            `attachment; filename="variances-${req.params.runId}${query.kind ? `-${query.kind}` : ''}.csv"`,
          )
          .send(csv);
      },
    );
    app.get(
      '/variances/:varianceId',
      {
        config: { permission: 'reconcile.read' },
        schema: {
          summary: 'One variance with its override history (newest first)',
          tags,
          params: VarianceParam,
          response: {
            200: Type.Object({
              variance: VarianceSchema,
              overrides: Type.Array(OverrideSchema),
            }),
            ...errors(ErrorResponse),
          },
        },
      },
      async (req) => {
        const v = await variances.get(actorOf(req), req.params.varianceId);
        return { variance: v.variance, overrides: v.overrides };
      },
    );
    app.post(
      '/variances/:varianceId/overrides',
      {
        config: { permission: 'reconcile.override' },
        schema: {
          summary:
            'Override a variance with a justification and evidence (one that changes eligibility waits for a second person)',
          tags,
          params: VarianceParam,
          body: OverrideInputSchema,
          response: { 201: OverrideSchema, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) =>
        reply
          .code(201)
          .send(await overrides.override(actorOf(req), req.params.varianceId, req.body)),
    );
    app.get(
      '/overrides',
      {
        config: { permission: 'reconcile.read' },
        schema: {
          summary: 'Overrides waiting for a second person’s approval',
          tags,
          response: { 200: Type.Array(OverrideSchema), ...errors(ErrorResponse) },
        },
      },
      async (req) => overrides.awaiting(actorOf(req)),
    );
    app.post(
      '/overrides/:overrideId/decision',
      {
        config: { permission: 'reconcile.approve' },
        schema: {
          summary: 'Approve or reject an override (never one you made yourself)',
          tags,
          params: IdParam('overrideId'),
          body: DecisionInputSchema,
          response: { 200: OverrideSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => overrides.decide(actorOf(req), req.params.overrideId, req.body),
    );
    app.get(
      '/records/:recordId/accuracy',
      {
        config: { permission: 'records.read' },
        schema: {
          summary: 'A record’s accuracy flags, newest first',
          tags,
          params: RecordParam,
          response: { 200: Type.Array(FlagSchema), ...errors(ErrorResponse) },
        },
      },
      async (req) => accuracy.history(actorOf(req), req.params.recordId),
    );
    app.put(
      '/records/:recordId/accuracy',
      {
        config: { permission: 'records.flag' },
        schema: {
          summary: 'Mark a record disputed or verified, with a note (cleared withdraws the flag)',
          tags,
          params: RecordParam,
          body: FlagInputSchema,
          response: { 200: FlagSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => accuracy.setFlag(actorOf(req), req.params.recordId, req.body),
    );
  };
}
