// /api/organisation, /api/me, /api/people: accounts of the caller's organisation.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../../services.ts';
import { ErrorResponse, IdParam, Reason, RoleSchema } from '../schemas.ts';
import { actorOf, errors } from './helpers.ts';

export const PersonSchema = Type.Object({
  id: Type.String(),
  orgId: Type.String(),
  email: Type.String(),
  name: Type.String(),
  jobTitle: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  hasPassword: Type.Boolean(),
  secondFactor: Type.Boolean(),
  lockedUntil: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  demo: Type.Boolean(),
});

const OrganisationSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  externalId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  demo: Type.Boolean(),
});

const NewPersonBody = Type.Object(
  {
    email: Type.String({ maxLength: 320 }),
    name: Type.String({ maxLength: 200 }),
    jobTitle: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  },
  { additionalProperties: false },
);

export function peopleRoutes(services: Services): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['people'];

    app.get(
      '/organisation',
      {
        config: { permission: 'org.read' },
        schema: {
          summary: 'Your organisation',
          tags,
          response: { 200: OrganisationSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => services.orgs.mine(actorOf(req)),
    );

    app.get(
      '/me',
      {
        config: { permission: 'org.read' },
        schema: {
          summary:
            'Who the token acts as: person or partner system, roles, training, and whether it can reach personal data now',
          tags,
          response: {
            200: Type.Object({
              kind: Type.String(),
              orgId: Type.String(),
              personId: Type.Union([Type.String(), Type.Null()]),
              name: Type.String(),
              roles: Type.Array(RoleSchema),
              scopes: Type.Union([Type.Array(Type.String()), Type.Null()]),
              training: Type.Object({
                current: Type.Boolean(),
                lapsed: Type.Array(
                  Type.Object({ course: Type.String(), expiredOn: Type.String() }),
                ),
                missing: Type.Array(Type.String()),
              }),
              personalData: Type.Object({ allow: Type.Boolean(), reason: Type.String() }),
            }),
            ...errors(ErrorResponse),
          },
        },
      },
      async (req) => {
        const a = actorOf(req);
        const d = await services.access.personalData(a);
        return {
          kind: a.kind,
          orgId: a.orgId,
          personId: a.personId,
          name: a.name,
          roles: [...a.roles],
          scopes: a.scopes ? [...a.scopes] : null,
          training: a.training,
          personalData: { allow: d.allow, reason: d.reason },
        };
      },
    );

    app.get(
      '/people',
      {
        config: { permission: 'people.read' },
        schema: {
          summary: 'People of your organisation',
          tags,
          response: { 200: Type.Array(PersonSchema), ...errors(ErrorResponse) },
        },
      },
      async (req) => services.people.list(actorOf(req)),
    );

    app.post(
      '/people',
      {
        config: { permission: 'people.manage' },
        schema: {
          summary: 'Add a person; returns a one-time link for them to set a password',
          tags,
          body: NewPersonBody,
          response: {
            201: Type.Object({ person: PersonSchema, link: Type.String() }),
            ...errors(ErrorResponse),
          },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await services.people.create(actorOf(req), req.body)),
    );

    app.get(
      '/people/:personId',
      {
        config: { permission: 'people.read' },
        schema: {
          summary: 'One person',
          tags,
          params: IdParam('personId'),
          response: { 200: PersonSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => services.people.get(actorOf(req), req.params.personId),
    );

    for (const [path, status] of [
      ['disable', 'disabled'],
      ['enable', 'active'],
    ] as const) {
      app.post(
        `/people/:personId/${path}`,
        {
          config: { permission: 'people.manage' },
          schema: {
            summary: `${path === 'disable' ? 'Disable an account (ends its sessions, tokens and roles)' : 'Enable an account'}`,
            tags,
            params: IdParam('personId'),
            body: Reason,
            response: { 200: PersonSchema, ...errors(ErrorResponse) },
          },
        },
        async (req) =>
          services.people.setStatus(actorOf(req), req.params.personId, status, req.body.reason),
      );
    }

    app.post(
      '/people/:personId/reset-link',
      {
        config: { permission: 'people.manage' },
        schema: {
          summary:
            'Issue a one-time link to set a new password (no mail server: give it to the person)',
          tags,
          params: IdParam('personId'),
          body: Type.Object(
            { resetSecondFactor: Type.Optional(Type.Boolean()) },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({ link: Type.String(), expiresInHours: Type.Integer() }),
            ...errors(ErrorResponse),
          },
        },
      },
      async (req) =>
        services.people.issueResetLink(
          actorOf(req),
          req.params.personId,
          req.body.resetSecondFactor === true,
        ),
    );
  };
}
