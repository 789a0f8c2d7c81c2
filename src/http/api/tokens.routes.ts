// /api/tokens: API tokens for yourself, and (administrators) for partner systems.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../../services.ts';
import { ErrorResponse, IdParam } from '../schemas.ts';
import { actorOf, errors } from './helpers.ts';

export const TokenSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  personId: Type.Union([Type.String(), Type.Null()]),
  prefix: Type.String(),
  scopes: Type.Array(Type.String()),
  createdBy: Type.String(),
  createdAt: Type.String(),
  expiresAt: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('revoked')]),
});

export function tokensRoutes(services: Services): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['tokens'];
    app.get(
      '/tokens',
      {
        config: { permission: 'tokens.manage' },
        schema: {
          summary: 'Your tokens (and, for administrators, partner-system tokens)',
          tags,
          response: { 200: Type.Array(TokenSchema), ...errors(ErrorResponse) },
        },
      },
      async (req) => services.tokens.list(actorOf(req)),
    );

    app.post(
      '/tokens',
      {
        config: { permission: 'tokens.manage' },
        schema: {
          summary: 'Create a token; its secret is in this response only',
          tags,
          body: Type.Object(
            {
              name: Type.String({ maxLength: 200 }),
              scopes: Type.Array(Type.String(), { maxItems: 50 }),
              expiresInDays: Type.Integer(),
              system: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
          response: {
            201: Type.Object({ token: TokenSchema, secret: Type.String() }),
            ...errors(ErrorResponse),
          },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await services.tokens.create(actorOf(req), req.body)),
    );

    app.post(
      '/tokens/:tokenId/revoke',
      {
        config: { permission: 'tokens.manage' },
        schema: {
          summary: 'Revoke a token',
          tags,
          params: IdParam('tokenId'),
          response: { 200: TokenSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => services.tokens.revoke(actorOf(req), req.params.tokenId),
    );
  };
}
