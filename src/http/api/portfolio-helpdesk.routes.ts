// /api/helpdesk: tickets against applications, with service levels; access requests that grant a
// role once approved.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../../services.ts';
import { ErrorResponse, IdParam, Reason } from '../schemas.ts';
import { actorOf, errors } from './helpers.ts';

const Str = Type.String();
const NStr = Type.Union([Type.String(), Type.Null()]);
const Clock = Type.Union([
  Type.Literal('met'),
  Type.Literal('breached'),
  Type.Literal('running'),
  Type.Literal('at-risk'),
]);
export const TicketSchema = Type.Object({
  id: Str,
  reference: Str,
  number: Type.Integer(),
  appId: Str,
  appName: Str,
  kind: Str,
  kindLabel: Str,
  restricted: Type.Boolean(),
  title: Str,
  description: NStr,
  priority: Str,
  status: Str,
  open: Type.Boolean(),
  raisedBy: Str,
  raisedByName: Str,
  raisedAt: Str,
  assigneeId: NStr,
  assigneeName: NStr,
  respondDueAt: Str,
  fixDueAt: Str,
  respondedAt: NStr,
  resolvedAt: NStr,
  closedAt: NStr,
  respond: Clock,
  fix: Clock,
  breached: Type.Boolean(),
  requestedRole: NStr,
  requestedRoleLabel: NStr,
  requestedFor: NStr,
  requestedForName: NStr,
  decision: NStr,
  decidedBy: NStr,
  decidedAt: NStr,
  grantId: NStr,
  comments: Type.Array(
    Type.Object({
      id: Str,
      author: Str,
      authorName: Str,
      body: Str,
      internal: Type.Boolean(),
      createdAt: Str,
    }),
  ),
});

export function portfolioHelpdeskRoutes(services: Services): FastifyPluginAsync {
  const p = services.portfolio;
  return async (base) => {
    const app = base.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['help desk'];
    const Id = IdParam('ticketId');

    app.get(
      '/helpdesk/tickets',
      {
        config: { permission: 'tickets.read' },
        schema: {
          summary:
            'The ticket queue (everyone in the organisation sees it), optionally for one application',
          tags,
          querystring: Type.Object(
            {
              applicationId: Type.Optional(Type.String({ maxLength: 100 })),
              state: Type.Optional(
                Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('all')]),
              ),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              tickets: Type.Array(TicketSchema),
              open: Type.Integer(),
              breached: Type.Integer(),
            }),
            ...errors(ErrorResponse),
          },
        },
      },
      async (req) =>
        p.tickets.queue(actorOf(req), {
          appId: req.query.applicationId,
          state: req.query.state ?? 'open',
        }),
    );

    app.post(
      '/helpdesk/tickets',
      {
        config: { permission: 'tickets.raise' },
        schema: {
          summary:
            'Raise a ticket: a fault, a request, an access request or a data-protection query',
          tags,
          body: Type.Object(
            {
              appId: Type.String({ maxLength: 100 }),
              kind: Type.String({ maxLength: 30 }),
              title: Type.String({ maxLength: 200 }),
              description: Type.String({ maxLength: 20_000 }),
              priority: Type.Optional(Type.String({ maxLength: 2 })),
              requestedRole: Type.Optional(Type.String({ maxLength: 30 })),
              requestedFor: Type.Optional(Type.String({ maxLength: 100 })),
            },
            { additionalProperties: false },
          ),
          response: { 201: TicketSchema, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) => reply.code(201).send(await p.tickets.raise(actorOf(req), req.body)),
    );

    app.get(
      '/helpdesk/tickets/:ticketId',
      {
        config: { permission: 'tickets.read' },
        schema: {
          summary: 'One ticket with its comments (internal notes for the service desk only)',
          tags,
          params: Id,
          response: { 200: TicketSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => p.tickets.get(actorOf(req), req.params.ticketId),
    );

    app.post(
      '/helpdesk/tickets/:ticketId/comments',
      {
        config: { permission: 'tickets.raise' },
        schema: {
          summary: 'Comment on a ticket; internal notes are for the service desk',
          tags,
          params: Id,
          body: Type.Object(
            { body: Type.String({ maxLength: 10_000 }), internal: Type.Optional(Type.Boolean()) },
            { additionalProperties: false },
          ),
          response: { 201: TicketSchema, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) =>
        reply
          .code(201)
          .send(
            await p.tickets.comment(
              actorOf(req),
              req.params.ticketId,
              req.body.body,
              req.body.internal,
            ),
          ),
    );

    app.post(
      '/helpdesk/tickets/:ticketId/status',
      {
        config: { permission: 'tickets.raise' },
        schema: {
          summary: 'Close your ticket, or reopen it once resolved',
          tags,
          params: Id,
          body: Type.Object(
            { status: Type.Union([Type.Literal('closed'), Type.Literal('in-progress')]) },
            { additionalProperties: false },
          ),
          response: { 200: TicketSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => p.tickets.update(actorOf(req), req.params.ticketId, req.body),
    );

    app.post(
      '/helpdesk/tickets/:ticketId/triage',
      {
        config: { permission: 'tickets.work' },
        schema: {
          summary: 'Change priority (deadlines follow), status or assignee (service desk)',
          tags,
          params: Id,
          body: Type.Object(
            {
              priority: Type.Optional(Type.String({ maxLength: 2 })),
              status: Type.Optional(Type.String({ maxLength: 20 })),
              assigneeId: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
            },
            { additionalProperties: false },
          ),
          response: { 200: TicketSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => p.tickets.update(actorOf(req), req.params.ticketId, req.body),
    );

    app.post(
      '/helpdesk/tickets/:ticketId/approve',
      {
        config: { permission: 'tickets.work' },
        schema: {
          summary:
            'Approve an access request: the role is granted in the roles register (segregation-of-duties rules apply)',
          tags,
          params: Id,
          body: Type.Optional(
            Type.Object(
              { note: Type.Optional(Type.String({ maxLength: 2000 })) },
              { additionalProperties: false },
            ),
          ),
          response: { 200: TicketSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => p.access.approve(actorOf(req), req.params.ticketId, req.body?.note ?? ''),
    );

    app.post(
      '/helpdesk/tickets/:ticketId/refuse',
      {
        config: { permission: 'tickets.work' },
        schema: {
          summary: 'Refuse an access request, saying why',
          tags,
          params: Id,
          body: Reason,
          response: { 200: TicketSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => p.access.refuse(actorOf(req), req.params.ticketId, req.body.reason),
    );
  };
}
