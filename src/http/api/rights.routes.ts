// /api/rights/requests (subject rights requests, bundles, erasure, restriction, rectification)
// and /api/retention (the dry-run listing, sweeps, legal holds). Identifiers go in bodies only.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../../services.ts';
import { ErrorResponse, IdParam } from '../schemas.ts';
import { actorOf, errors } from './helpers.ts';
import * as S from './rights.schemas.ts';

const tags = ['rights'];

export function rightsRoutes(services: Services): FastifyPluginAsync {
  const r = services.rights;
  return async (base) => {
    const app = base.withTypeProvider<TypeBoxTypeProvider>();
    const requestParams = IdParam('requestId');

    app.get(
      '/rights/requests',
      {
        config: { permission: 'rights.read' },
        schema: {
          summary: 'The request queue, with deadlines, days left and overdue flags',
          tags,
          querystring: Type.Object({
            state: Type.Optional(
              Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('all')]),
            ),
          }),
          response: { 200: Type.Array(S.RequestSummarySchema), ...errors(ErrorResponse) },
        },
      },
      async (req) => r.requests.list(actorOf(req), req.query.state ?? 'open'),
    );
    app.post(
      '/rights/requests',
      {
        config: { permission: 'rights.manage' },
        schema: {
          summary: 'Log a request: what is asked, how and when it arrived, who it is about',
          tags,
          body: S.LogRequestBody,
          response: { 201: S.RequestSchema, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) => reply.code(201).send(await r.requests.log(actorOf(req), req.body)),
    );
    app.get(
      '/rights/requests/:requestId',
      {
        config: { permission: 'rights.read' },
        schema: {
          summary: 'One request with its timeline',
          tags,
          params: requestParams,
          response: { 200: S.RequestSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => r.requests.get(actorOf(req), req.params.requestId),
    );
    app.post(
      '/rights/requests/:requestId/moves',
      {
        config: { permission: 'rights.manage' },
        schema: {
          summary:
            'Move a request: pause for identity or clarification, resume, start, complete, refuse',
          tags,
          params: requestParams,
          body: S.MoveBody,
          response: { 200: S.RequestSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => r.requests.move(actorOf(req), req.params.requestId, req.body),
    );
    app.post(
      '/rights/requests/:requestId/extension',
      {
        config: { permission: 'rights.manage' },
        schema: {
          summary: 'Extend the deadline by up to two further months, with the reason',
          tags,
          params: requestParams,
          body: S.ExtendBody,
          response: { 200: S.RequestSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) =>
        r.requests.extend(actorOf(req), req.params.requestId, req.body.months, req.body.reason),
    );
    app.get(
      '/rights/requests/:requestId/bundle',
      {
        config: { permission: 'rights.manage' },
        schema: {
          summary: 'Produce the subject-access bundle (JSON), with marked passages withheld',
          tags,
          params: requestParams,
          response: { 200: S.BundleSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => r.bundles.produce(actorOf(req), req.params.requestId),
    );
    app.post(
      '/rights/requests/:requestId/redactions',
      {
        config: { permission: 'rights.manage' },
        schema: {
          summary: 'Mark a passage of free text to withhold from the bundle',
          tags,
          params: requestParams,
          body: S.RedactionBody,
          response: { 201: Type.Array(S.RedactionSchema), ...errors(ErrorResponse) },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await r.bundles.redact(actorOf(req), req.params.requestId, req.body)),
    );
    app.post(
      '/rights/requests/:requestId/erasure',
      {
        config: { permission: 'rights.manage' },
        schema: {
          summary:
            'Erase the person’s records; each one kept says why (legal hold, retention rule)',
          tags,
          params: requestParams,
          response: { 200: S.OutcomesSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => r.rightsActions.erase(actorOf(req), req.params.requestId),
    );
    app.post(
      '/rights/requests/:requestId/restriction',
      {
        config: { permission: 'rights.manage' },
        schema: {
          summary: 'Restrict (or lift the restriction of) processing of the person’s records',
          tags,
          params: requestParams,
          body: S.RestrictBody,
          response: { 200: S.OutcomesSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) =>
        r.rightsActions.restrict(
          actorOf(req),
          req.params.requestId,
          req.body.reason ?? '',
          req.body.lift === true,
        ),
    );
    app.post(
      '/rights/requests/:requestId/rectification',
      {
        config: { permission: 'rights.manage' },
        schema: {
          summary: 'Correct a record: a new version; the old one is kept for the audit trail',
          tags,
          params: requestParams,
          body: S.RectifyBody,
          response: { 200: S.OutcomesSchema.items, ...errors(ErrorResponse) },
        },
      },
      async (req) =>
        r.rightsActions.rectify(
          actorOf(req),
          req.params.requestId,
          req.body.recordId,
          req.body.changes,
          req.body.reason,
        ),
    );

    app.get(
      '/retention/due',
      {
        config: { permission: 'retention.read' },
        schema: {
          summary: 'What a sweep would delete or pseudonymise today (a dry run)',
          tags,
          response: { 200: S.SweepSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => r.retention.preview(actorOf(req)),
    );
    app.post(
      '/retention/sweeps',
      {
        config: { permission: 'retention.run' },
        schema: {
          summary:
            'Run the retention sweep (or a dry run); each asset’s certificate goes to the audit log',
          tags,
          body: S.SweepBody,
          response: { 200: S.SweepSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => r.retention.run(actorOf(req), { dryRun: req.body.dryRun === true }),
    );
    app.get(
      '/retention/holds',
      {
        config: { permission: 'retention.read' },
        schema: {
          summary: 'Legal holds, current and lifted',
          tags,
          response: { 200: Type.Array(S.HoldSchema), ...errors(ErrorResponse) },
        },
      },
      async (req) => r.holds.list(actorOf(req)),
    );
    app.post(
      '/retention/holds',
      {
        config: { permission: 'holds.manage' },
        schema: {
          summary: 'Set a legal hold on a record, a subject or an asset',
          tags,
          body: S.HoldBody,
          response: { 201: S.HoldSchema, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) => reply.code(201).send(await r.holds.set(actorOf(req), req.body)),
    );
    app.post(
      '/retention/holds/:holdId/lift',
      {
        config: { permission: 'holds.manage' },
        schema: {
          summary: 'Lift a legal hold, with the reason',
          tags,
          params: IdParam('holdId'),
          body: Type.Object(
            { reason: Type.String({ maxLength: 2000 }) },
            { additionalProperties: false },
          ),
          response: { 200: S.HoldSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => r.holds.lift(actorOf(req), req.params.holdId, req.body.reason),
    );
  };
}
