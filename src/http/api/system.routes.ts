// /healthz, /metrics and /openapi.json.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Services } from '../../services.ts';
import { isAccordError } from '../../errors.ts';

export function systemRoutes(services: Services): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/healthz',
      {
        schema: {
          summary: 'Whether this node and its database are working',
          tags: ['system'],
          response: {
            200: Type.Object({
              status: Type.Literal('ok'),
              database: Type.String(),
              auditEntries: Type.Integer(),
            }),
            503: Type.Object({ status: Type.Literal('unavailable'), database: Type.String() }),
          },
        },
      },
      async (_req, reply) => {
        try {
          await services.store.ping();
          return {
            status: 'ok' as const,
            database: services.store.dialect,
            auditEntries: await services.audit.size(),
          };
        } catch (e) {
          reply.code(503);
          return {
            status: 'unavailable' as const,
            database: isAccordError(e) ? e.code : 'DATABASE_UNAVAILABLE',
          };
        }
      },
    );

    app.get(
      '/metrics',
      { schema: { summary: 'Prometheus metrics', tags: ['system'], produces: ['text/plain'] } },
      async (_req, reply) => {
        const registry = app.metricsRegistry;
        return reply.type(registry.contentType).send(await registry.metrics());
      },
    );

    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  };
}
