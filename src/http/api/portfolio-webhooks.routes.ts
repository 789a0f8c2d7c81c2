// /api/portfolio/webhooks/{github,gitlab}/:applicationId: delivery events from GitHub and GitLab.
// These routes take no API token: each delivery is authenticated by its signature (GitHub's
// X-Hub-Signature-256 HMAC over the raw body, GitLab's X-Gitlab-Token) against the
// application's webhook secret. The raw body is kept (the HMAC is over the exact bytes sent).
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../../services.ts';
import { ErrorResponse, IdParam } from '../schemas.ts';

const Result = Type.Object({
  outcome: Type.Union([Type.Literal('accepted'), Type.Literal('duplicate')]),
  event: Type.String(),
  events: Type.Integer({ description: 'New events stored (0 for a redelivery)' }),
});

export function portfolioWebhookRoutes(services: Services): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<TypeBoxTypeProvider>();
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer', bodyLimit: 5 * 1024 * 1024 },
      (_req, body, done) => done(null, body),
    );
    // Deliveries still queued are committed before the app closes.
    app.addHook('onClose', async () => services.portfolio.webhooks.flush());
    for (const source of ['github', 'gitlab'] as const) {
      app.post(
        `/portfolio/webhooks/${source}/:applicationId`,
        {
          config: { public: true },
          bodyLimit: 5 * 1024 * 1024,
          schema: {
            summary:
              source === 'github'
                ? 'GitHub webhook (deployment_status, push, issues labelled incident), signed with X-Hub-Signature-256; 202 once verified and queued'
                : 'GitLab webhook (deployment, push, merge request, incident issues), with X-Gitlab-Token; 202 once verified and queued',
            tags: ['delivery'],
            params: IdParam('applicationId'),
            response: {
              202: Result,
              400: ErrorResponse,
              401: ErrorResponse,
              413: ErrorResponse,
              415: ErrorResponse,
              429: ErrorResponse,
            },
          },
        },
        async (req, reply) => {
          const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
          const r = await services.portfolio.webhooks.receive(
            source,
            req.params.applicationId,
            req.headers,
            raw,
            { ip: req.ip },
          );
          return reply.code(202).send(r);
        },
      );
    }
  };
}
