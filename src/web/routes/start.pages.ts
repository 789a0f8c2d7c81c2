// The start page: what Accord is and what to do next.
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../services.ts';

export function startPages(_services: Services): FastifyPluginAsync {
  return async (app) => {
    app.get('/', { config: { page: 'public' }, schema: { hide: true } }, async (_req, reply) =>
      reply.page('pages/start.njk', { pageTitle: 'Welcome' }),
    );
  };
}
