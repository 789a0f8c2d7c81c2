// /api/roles: the roles register; /api/duties: segregation-of-duties rules and exceptions.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../../services.ts';
import { ErrorResponse, IdParam, NullableDateTime, Reason, RoleSchema } from '../schemas.ts';
import { actorOf, errors } from './helpers.ts';

const Status = Type.Union([
  Type.Literal('current'),
  Type.Literal('upcoming'),
  Type.Literal('lapsed'),
  Type.Literal('revoked'),
]);
export const GrantSchema = Type.Object({
  id: Type.String(),
  personId: Type.String(),
  personName: Type.String(),
  role: RoleSchema,
  roleLabel: Type.String(),
  reason: Type.String(),
  grantedBy: Type.String(),
  grantedByName: Type.String(),
  grantedAt: Type.String(),
  validFrom: Type.String(),
  validUntil: Type.Union([Type.String(), Type.Null()]),
  exceptionId: Type.Union([Type.String(), Type.Null()]),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  revokedBy: Type.Union([Type.String(), Type.Null()]),
  revokeReason: Type.Union([Type.String(), Type.Null()]),
  status: Status,
  lapsesSoon: Type.Boolean(),
});
const RuleSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  kind: Type.Union([Type.Literal('roles'), Type.Literal('duties')]),
  members: Type.Array(Type.String()),
  active: Type.Boolean(),
  updatedAt: Type.String(),
  updatedBy: Type.String(),
});
const ExceptionSchema = Type.Object({
  id: Type.String(),
  ruleId: Type.String(),
  personId: Type.String(),
  justification: Type.String(),
  grantedBy: Type.String(),
  grantedAt: Type.String(),
  validUntil: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  inForce: Type.Boolean(),
});
const RuleBody = Type.Object(
  {
    name: Type.String({ maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    kind: Type.String(),
    members: Type.Array(Type.String({ maxLength: 50 }), { maxItems: 20 }),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export function rolesRoutes(services: Services): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['roles'];

    app.get(
      '/roles',
      {
        config: { permission: 'roles.read' },
        schema: {
          summary: 'The roles register (everyone in the organisation may read it)',
          tags,
          querystring: Type.Object(
            {
              role: Type.Optional(RoleSchema),
              status: Type.Optional(Type.Union([Status, Type.Literal('all')])),
              personId: Type.Optional(Type.String()),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Array(GrantSchema), ...errors(ErrorResponse) },
        },
      },
      async (req) => services.roles.register(actorOf(req), req.query),
    );

    app.get(
      '/roles/gaps',
      {
        config: { permission: 'roles.read' },
        schema: {
          summary: 'Roles every organisation needs that no one holds now (SIRO, DPO)',
          tags,
          response: {
            200: Type.Array(Type.Object({ role: RoleSchema, message: Type.String() })),
            ...errors(ErrorResponse),
          },
        },
      },
      async (req) => services.roles.gaps(actorOf(req)),
    );

    app.post(
      '/roles',
      {
        config: { permission: 'roles.grant' },
        schema: {
          summary:
            'Grant a role; refused with the rule named when it makes a forbidden combination',
          tags,
          body: Type.Object(
            {
              personId: Type.String(),
              role: Type.String(),
              reason: Type.String({ maxLength: 2000 }),
              validFrom: Type.Optional(Type.String()),
              validUntil: Type.Optional(NullableDateTime),
            },
            { additionalProperties: false },
          ),
          response: { 201: GrantSchema, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await services.roles.grant(actorOf(req), req.body)),
    );

    app.get(
      '/roles/:grantId',
      {
        config: { permission: 'roles.read' },
        schema: {
          summary: 'One grant',
          tags,
          params: IdParam('grantId'),
          response: { 200: GrantSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => services.roles.get(actorOf(req), req.params.grantId),
    );

    app.post(
      '/roles/:grantId/revoke',
      {
        config: { permission: 'roles.grant' },
        schema: {
          summary: 'Revoke a grant (history is kept)',
          tags,
          params: IdParam('grantId'),
          body: Reason,
          response: { 200: GrantSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => services.roles.revoke(actorOf(req), req.params.grantId, req.body.reason),
    );

    const dtags = ['duties'];
    app.get(
      '/duties',
      {
        config: { permission: 'duties.read' },
        schema: {
          summary: 'Segregation-of-duties rules and exceptions',
          tags: dtags,
          response: {
            200: Type.Object({
              rules: Type.Array(RuleSchema),
              exceptions: Type.Array(ExceptionSchema),
            }),
            ...errors(ErrorResponse),
          },
        },
      },
      async (req) => services.duties.list(actorOf(req)),
    );

    app.post(
      '/duties/rules',
      {
        config: { permission: 'duties.manage' },
        schema: {
          summary: 'Add a rule (SIRO)',
          tags: dtags,
          body: RuleBody,
          response: { 201: RuleSchema, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await services.duties.createRule(actorOf(req), req.body)),
    );

    app.put(
      '/duties/rules/:ruleId',
      {
        config: { permission: 'duties.manage' },
        schema: {
          summary: 'Change a rule (SIRO)',
          tags: dtags,
          params: IdParam('ruleId'),
          body: RuleBody,
          response: { 200: RuleSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => services.duties.updateRule(actorOf(req), req.params.ruleId, req.body),
    );

    app.post(
      '/duties/exceptions',
      {
        config: { permission: 'duties.manage' },
        schema: {
          summary:
            'Record an exception to a rule for one person, with a justification and an end date (SIRO)',
          tags: dtags,
          body: Type.Object(
            {
              ruleId: Type.String(),
              personId: Type.String(),
              justification: Type.String({ maxLength: 2000 }),
              validUntil: Type.String(),
            },
            { additionalProperties: false },
          ),
          response: { 201: ExceptionSchema, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) =>
        reply
          .code(201)
          .send(
            await services.duties.createException(actorOf(req), req.body, (ex, org, id) =>
              services.people.activePerson(ex, org, id),
            ),
          ),
    );

    app.post(
      '/duties/exceptions/:exceptionId/revoke',
      {
        config: { permission: 'duties.manage' },
        schema: {
          summary: 'End an exception now (SIRO)',
          tags: dtags,
          params: IdParam('exceptionId'),
          response: { 204: Type.Null(), ...errors(ErrorResponse) },
        },
      },
      async (req, reply) => {
        await services.duties.revokeException(actorOf(req), req.params.exceptionId);
        return reply.code(204).send(null);
      },
    );
  };
}
