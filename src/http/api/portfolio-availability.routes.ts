// /api/portfolio: availability (status, 90-day uptime, notices) and the roadmap; /api/status: the
// public availability of applications whose page is public.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../../services.ts';
import { ErrorResponse, IdParam } from '../schemas.ts';
import { actorOf, errors } from './helpers.ts';

const Str = Type.String();
const NStr = Type.Union([Type.String(), Type.Null()]);
const NNum = Type.Union([Type.Number(), Type.Null()]);
const NoticeSchema = Type.Object({
  id: Str,
  appId: Str,
  kind: Str,
  title: Str,
  body: Str,
  startsAt: Str,
  endsAt: NStr,
  resolvedAt: NStr,
  state: Str,
});
const ItemSchema = Type.Object({
  id: Str,
  appId: Str,
  title: Str,
  description: Str,
  horizon: Str,
  status: Str,
  ticketIds: Type.Array(Str),
  riskIds: Type.Array(Str),
  updatedAt: Str,
});
const StatusSchema = Type.Object({
  application: Type.Object({
    id: Str,
    name: Str,
    statusPublic: Type.Boolean(),
    monitored: Type.Boolean(),
  }),
  status: Str,
  lastCheckedAt: NStr,
  lastLatencyMs: NNum,
  since: NStr,
  uptime90: NNum,
  days: Type.Array(
    Type.Object({ day: Str, uptime: NNum, checks: Type.Integer(), averageLatencyMs: NNum }),
  ),
  outages: Type.Array(Type.Object({ from: Str, to: NStr })),
  notices: Type.Array(NoticeSchema),
  roadmap: Type.Array(ItemSchema),
});
const ItemBody = {
  title: Type.Optional(Type.String({ maxLength: 200 })),
  description: Type.Optional(Type.String({ maxLength: 5000 })),
  horizon: Type.Optional(Type.String({ maxLength: 10 })),
  status: Type.Optional(Type.String({ maxLength: 20 })),
  ticketIds: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100 })),
  riskIds: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100 })),
};

export function portfolioAvailabilityRoutes(services: Services): FastifyPluginAsync {
  const p = services.portfolio;
  return async (base) => {
    const app = base.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['availability'];

    app.get(
      '/status/:applicationId',
      {
        config: { public: true },
        schema: {
          summary: 'Public availability of an application whose page is public',
          tags,
          params: IdParam('applicationId'),
          response: { 200: StatusSchema, 404: ErrorResponse, 429: ErrorResponse },
        },
      },
      async (req) => p.availability.publicStatus(req.params.applicationId),
    );

    app.get(
      '/portfolio/availability',
      {
        config: { permission: 'portfolio.read' },
        schema: {
          summary: 'Every application’s current status and 90-day uptime',
          tags,
          response: { 200: Type.Array(StatusSchema), ...errors(ErrorResponse) },
        },
      },
      async (req) => p.availability.overview(actorOf(req)),
    );

    app.get(
      '/portfolio/applications/:applicationId/availability',
      {
        config: { permission: 'portfolio.read' },
        schema: {
          summary: 'Current status, 90-day uptime, outages, notices and roadmap of one application',
          tags,
          params: IdParam('applicationId'),
          response: { 200: StatusSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => p.availability.status(actorOf(req), req.params.applicationId),
    );

    app.post(
      '/portfolio/applications/:applicationId/notices',
      {
        config: { permission: 'portfolio.manage' },
        schema: {
          summary: 'Post an incident or a planned maintenance notice',
          tags,
          params: IdParam('applicationId'),
          body: Type.Object(
            {
              kind: Type.Union([Type.Literal('incident'), Type.Literal('maintenance')]),
              title: Type.String({ maxLength: 200 }),
              body: Type.Optional(Type.String({ maxLength: 5000 })),
              startsAt: Type.Optional(Type.String({ maxLength: 40 })),
              endsAt: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()])),
            },
            { additionalProperties: false },
          ),
          response: { 201: NoticeSchema, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) =>
        reply
          .code(201)
          .send(await p.availability.postNotice(actorOf(req), req.params.applicationId, req.body)),
    );

    app.post(
      '/portfolio/notices/:noticeId/resolve',
      {
        config: { permission: 'portfolio.manage' },
        schema: {
          summary: 'Mark an incident resolved (or end a maintenance notice now)',
          tags,
          params: IdParam('noticeId'),
          response: { 200: NoticeSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => p.availability.resolveNotice(actorOf(req), req.params.noticeId),
    );

    const rtags = ['roadmap'];
    app.get(
      '/portfolio/roadmap',
      {
        config: { permission: 'portfolio.read' },
        schema: {
          summary: 'The roadmap (now, next, later or by quarter), optionally for one application',
          tags: rtags,
          querystring: Type.Object(
            { applicationId: Type.Optional(Type.String({ maxLength: 100 })) },
            { additionalProperties: false },
          ),
          response: { 200: Type.Array(ItemSchema), ...errors(ErrorResponse) },
        },
      },
      async (req) => p.roadmap.list(actorOf(req), req.query.applicationId),
    );

    app.post(
      '/portfolio/roadmap',
      {
        config: { permission: 'portfolio.manage' },
        schema: {
          summary: 'Add a roadmap item',
          tags: rtags,
          body: Type.Object(
            { appId: Type.String({ maxLength: 100 }), ...ItemBody },
            { additionalProperties: false },
          ),
          response: { 201: ItemSchema, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) => reply.code(201).send(await p.roadmap.create(actorOf(req), req.body)),
    );

    app.put(
      '/portfolio/roadmap/:itemId',
      {
        config: { permission: 'portfolio.manage' },
        schema: {
          summary: 'Change a roadmap item',
          tags: rtags,
          params: IdParam('itemId'),
          body: Type.Object(
            { appId: Type.Optional(Type.String({ maxLength: 100 })), ...ItemBody },
            { additionalProperties: false },
          ),
          response: { 200: ItemSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => p.roadmap.update(actorOf(req), req.params.itemId, req.body),
    );
  };
}
