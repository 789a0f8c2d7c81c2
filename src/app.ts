// Builds the Fastify app. It never listens: server.ts does, and tests use app.inject().
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { loggerOptions } from './log.ts';
import type { Services } from './services.ts';
import { registerErrorHandling } from './http/errors.ts';
import { registerMetrics } from './http/metrics.ts';
import { systemRoutes } from './http/api/system.routes.ts';
import { auditRoutes } from './http/api/audit.routes.ts';
import { peopleRoutes } from './http/api/people.routes.ts';
import { rolesRoutes } from './http/api/roles.routes.ts';
import { trainingRoutes } from './http/api/training.routes.ts';
import { tokensRoutes } from './http/api/tokens.routes.ts';
import { portfolioRoutes } from './http/api/portfolio.routes.ts';
import { portfolioDeliveryRoutes } from './http/api/portfolio-delivery.routes.ts';
import { portfolioWebhookRoutes } from './http/api/portfolio-webhooks.routes.ts';
import { portfolioVulnerabilityRoutes } from './http/api/portfolio-vulnerabilities.routes.ts';
import { portfolioAvailabilityRoutes } from './http/api/portfolio-availability.routes.ts';
import { portfolioHelpdeskRoutes } from './http/api/portfolio-helpdesk.routes.ts';
import { recordsRoutes } from './http/api/records.routes.ts';
import { agreementsRoutes } from './http/api/agreements.routes.ts';
import { reconcileRoutes } from './http/api/reconcile.routes.ts';
import { rightsRoutes } from './http/api/rights.routes.ts';
import { governanceDpiaRoutes } from './http/api/governance-dpias.routes.ts';
import { governanceRiskRoutes } from './http/api/governance-risks.routes.ts';
import { governanceVendorRoutes } from './http/api/governance-vendors.routes.ts';
import { governanceIncidentRoutes } from './http/api/governance-incidents.routes.ts';
import { governanceRoutes, governanceSchedule } from './http/api/governance.routes.ts';
import { exchangeRoutes, exchangeSchedule } from './http/api/exchange.routes.ts';
import { correctionsRoutes, correctionsSchedule } from './http/api/corrections.routes.ts';
import { federationRoutes, federationSchedule } from './http/api/federation.routes.ts';
import { registerAuth } from './http/auth.ts';
import { registerAssets } from './web/assets.ts';
import { registerPages } from './web/render.ts';
import { registerWebSecurity } from './web/security.ts';
import { startPages } from './web/routes/start.pages.ts';
import { signInPages } from './web/routes/signin.pages.ts';
import { accountPages } from './web/routes/account.pages.ts';
import { peoplePages } from './web/routes/people.pages.ts';
import { rolesPages } from './web/routes/roles.pages.ts';
import { trainingPages } from './web/routes/training.pages.ts';
import { auditPages } from './web/routes/audit.pages.ts';
import { portfolioPages } from './web/routes/portfolio.pages.ts';
import { portfolioDeliveryPages } from './web/routes/portfolio-delivery.pages.ts';
import { portfolioAvailabilityPages } from './web/routes/portfolio-availability.pages.ts';
import { portfolioHelpdeskPages } from './web/routes/portfolio-helpdesk.pages.ts';
import { assetPages } from './web/routes/assets.pages.ts';
import { recordsPages } from './web/routes/records.pages.ts';
import { reconcilePages } from './web/routes/reconcile.pages.ts';
import { rightsPages } from './web/routes/rights.pages.ts';
import { retentionPages } from './web/routes/retention.pages.ts';
import { governancePages } from './web/routes/governance.pages.ts';
import { governanceDpiaPages } from './web/routes/governance-dpias.pages.ts';
import { governanceRiskPages } from './web/routes/governance-risks.pages.ts';
import { governanceVendorPages } from './web/routes/governance-vendors.pages.ts';
import { governanceIncidentPages } from './web/routes/governance-incidents.pages.ts';
import { agreementPages } from './web/routes/agreements.pages.ts';
import { agreementBuilderPages } from './web/routes/agreements-builder.pages.ts';
import { decisionPages } from './web/routes/decisions.pages.ts';
import { exchangePages } from './web/routes/exchange.pages.ts';
import { exchangeNewPages } from './web/routes/exchange-new.pages.ts';
import { correctionsPages } from './web/routes/corrections.pages.ts';
import { navigationFor } from './web/pages.ts';

export type App = FastifyInstance;

export async function buildApp(
  services: Services,
  opts: { https?: { key: string; cert: string } } = {},
): Promise<App> {
  const { config } = services;
  const app = Fastify({
    ...(opts.https ? { https: opts.https } : {}),
    logger: loggerOptions(config),
    bodyLimit: config.bodyLimitBytes,
    // Our own ids: an incoming X-Request-Id is not trusted (it would let callers forge log lines).
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    trustProxy: config.env === 'production',
    ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: 'array' } },
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Accord API',
        version: '1',
        description:
          'Lawful, secure and provable sharing of personal data. Errors are `{ "error": { "code", "message", "problems"? } }` with the codes listed in docs/errors.md.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An Accord API token.' },
        },
      },
    },
  });

  registerErrorHandling(app);
  registerMetrics(app, services);
  await registerWebSecurity(app, config, services.formSecret);
  await registerAuth(app, services);
  await registerAssets(app);
  registerPages(app, config, [
    (reply) => ({
      demo: config.demo,
      actor: reply.request.actor,
      signedIn: reply.request.session !== null,
      navigation: navigationFor(reply.request),
    }),
  ]);

  await app.register(systemRoutes(services));
  await app.register(auditRoutes(services), { prefix: '/api/audit' });
  await app.register(peopleRoutes(services), { prefix: '/api' });
  await app.register(rolesRoutes(services), { prefix: '/api' });
  await app.register(trainingRoutes(services), { prefix: '/api' });
  await app.register(tokensRoutes(services), { prefix: '/api' });
  await app.register(portfolioRoutes(services), { prefix: '/api' });
  await app.register(portfolioDeliveryRoutes(services), { prefix: '/api' });
  await app.register(portfolioWebhookRoutes(services), { prefix: '/api' });
  await app.register(portfolioVulnerabilityRoutes(services), { prefix: '/api' });
  await app.register(portfolioAvailabilityRoutes(services), { prefix: '/api' });
  await app.register(portfolioHelpdeskRoutes(services), { prefix: '/api' });
  await app.register(recordsRoutes(services), { prefix: '/api' });
  await app.register(agreementsRoutes(services), { prefix: '/api' });
  await app.register(reconcileRoutes(services), { prefix: '/api' });
  await app.register(rightsRoutes(services), { prefix: '/api' });
  await app.register(governanceDpiaRoutes(services), { prefix: '/api' });
  await app.register(governanceRiskRoutes(services), { prefix: '/api' });
  await app.register(governanceVendorRoutes(services), { prefix: '/api' });
  await app.register(governanceIncidentRoutes(services), { prefix: '/api' });
  await app.register(governanceRoutes(services), { prefix: '/api' });
  await app.register(governanceSchedule(services));
  await app.register(exchangeRoutes(services), { prefix: '/api' });
  await app.register(exchangeSchedule(services));
  await app.register(correctionsRoutes(services), { prefix: '/api' });
  await app.register(correctionsSchedule(services));
  await app.register(federationRoutes(services));
  await app.register(federationSchedule(services));
  await app.register(startPages(services));
  await app.register(signInPages(services));
  await app.register(accountPages(services));
  await app.register(peoplePages(services));
  await app.register(rolesPages(services));
  await app.register(trainingPages(services));
  await app.register(auditPages(services));
  await app.register(agreementBuilderPages(services));
  await app.register(agreementPages(services));
  await app.register(decisionPages(services));
  await app.register(portfolioPages(services));
  await app.register(portfolioDeliveryPages(services));
  await app.register(portfolioAvailabilityPages(services));
  await app.register(portfolioHelpdeskPages(services));
  await app.register(assetPages(services));
  await app.register(recordsPages(services));
  await app.register(reconcilePages(services));
  await app.register(rightsPages(services));
  await app.register(retentionPages(services));
  await app.register(governancePages(services));
  await app.register(governanceDpiaPages(services));
  await app.register(governanceRiskPages(services));
  await app.register(governanceVendorPages(services));
  await app.register(governanceIncidentPages(services));
  await app.register(exchangeNewPages(services));
  await app.register(exchangePages(services));
  await app.register(correctionsPages(services));
  return app;
}
