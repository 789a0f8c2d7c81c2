// The "why?" page: any logged decision explained to a person — what was asked, what was decided
// under which rule or agreement clause, and what to do next. Linked from the audit log.
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../services.ts';
import { AccordError } from '../../errors.ts';

export function decisionPages(services: Services): FastifyPluginAsync {
  return async (app) => {
    // Anyone signed in may ask about their own decisions; the service decides whose they may see.
    const signedIn = { config: { page: 'signed-in' as const }, schema: { hide: true } };
    app.get('/decisions/:seq', signedIn, async (req, reply) => {
      const seq = Number((req.params as { seq: string }).seq);
      if (!Number.isInteger(seq) || seq < 0) throw new AccordError('NOT_FOUND');
      const x = await services.why.explain(req.actor!, seq);
      return reply.page('decisions/why.njk', {
        pageTitle: `Why: audit entry ${seq}`,
        backLink: '/audit',
        x,
      });
    });
  };
}
