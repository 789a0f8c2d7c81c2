// /api/portfolio/settings (service levels and the IT budget) and /api/portfolio/health-hosts (the
// hosts health checks may call).
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../../services.ts';
import { ErrorResponse, IdParam } from '../schemas.ts';
import { actorOf, errors } from './helpers.ts';

const Str = Type.String();
const NStr = Type.Union([Type.String(), Type.Null()]);
const NNum = Type.Union([Type.Number(), Type.Null()]);
const opt = <T extends Parameters<typeof Type.Optional>[0]>(t: T) => Type.Optional(t);

const Levels = Type.Object({ respondHours: Type.Integer(), fixHours: Type.Integer() });
const SettingsSchema = Type.Object({
  itBudget: NNum,
  vulnerabilityDays: Type.Object({
    critical: Type.Integer(),
    high: Type.Integer(),
    medium: Type.Integer(),
    low: Type.Integer(),
  }),
  ticketLevels: Type.Object({ P1: Levels, P2: Levels, P3: Levels, P4: Levels }),
  updatedAt: NStr,
});

const HostSchema = Type.Object({ id: Str, host: Str, addedBy: Str, addedAt: Str });

export function portfolioSettingsRoutes(services: Services): FastifyPluginAsync {
  const p = services.portfolio;
  return async (base) => {
    const app = base.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['portfolio'];

    app.get(
      '/portfolio/settings',
      {
        config: { permission: 'portfolio.read' },
        schema: {
          summary: 'Service levels (vulnerabilities, tickets) and the IT budget',
          tags,
          response: { 200: SettingsSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => p.settings.get(actorOf(req)),
    );

    app.put(
      '/portfolio/settings',
      {
        config: { permission: 'portfolio.manage' },
        schema: {
          summary: 'Change service levels or the IT budget',
          tags,
          body: Type.Object(
            {
              itBudget: opt(Type.Union([Type.Number({ minimum: 0 }), Type.String(), Type.Null()])),
              vulnerabilityDays: opt(Type.Record(Type.String(), Type.Integer())),
              ticketLevels: opt(
                Type.Record(
                  Type.String(),
                  Type.Object(
                    { respondHours: opt(Type.Integer()), fixHours: opt(Type.Integer()) },
                    { additionalProperties: false },
                  ),
                ),
              ),
            },
            { additionalProperties: false },
          ),
          response: { 200: SettingsSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => p.settings.update(actorOf(req), req.body),
    );

    app.get(
      '/portfolio/health-hosts',
      {
        config: { permission: 'portfolio.read' },
        schema: {
          summary: 'Hosts an administrator has registered for health checks',
          tags,
          response: { 200: Type.Array(HostSchema), ...errors(ErrorResponse) },
        },
      },
      async (req) => p.availability.hosts(actorOf(req)),
    );

    app.post(
      '/portfolio/health-hosts',
      {
        config: { permission: 'portfolio.manage' },
        schema: {
          summary: 'Register a host (name, or name:port) health checks may call',
          tags,
          body: Type.Object(
            { host: Type.String({ maxLength: 260 }) },
            { additionalProperties: false },
          ),
          response: { 201: HostSchema, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await p.availability.addHost(actorOf(req), req.body.host)),
    );

    app.post(
      '/portfolio/health-hosts/:hostId/remove',
      {
        config: { permission: 'portfolio.manage' },
        schema: {
          summary: 'Remove a registered host: applications on it are no longer checked',
          tags,
          params: IdParam('hostId'),
          response: { 204: Type.Null(), ...errors(ErrorResponse) },
        },
      },
      async (req, reply) => {
        await p.availability.removeHost(actorOf(req), req.params.hostId);
        return reply.code(204).send(null);
      },
    );
  };
}
