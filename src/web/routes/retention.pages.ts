// The retention page: what a sweep would delete or pseudonymise today (a dry run), running it,
// the destruction certificates of past sweeps, and legal holds (set and lifted with a reason).
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { HOLD_SCOPES, HOLD_SCOPE_LABELS } from '../../domain/rights/holds.service.ts';
import { field, may, submitForm } from '../pages.ts';
import { doneOf, withDone } from '../flash.ts';

const scopeOptions = HOLD_SCOPES.map((s) => [s, HOLD_SCOPE_LABELS[s]] as [string, string]);

export function retentionPages(services: Services): FastifyPluginAsync {
  const r = services.rights;
  return async (app) => {
    const page = async (req: FastifyRequest) => {
      const actor = req.actor!;
      return {
        pageTitle: 'Retention and legal holds',
        due: await r.retention.preview(actor),
        holds: await r.holds.list(actor),
        certificates: await r.retention.certificates(actor),
        assets: (await services.assets.list(actor)).map((a) => [a.id, a.name]),
        canRun: may(actor, 'retention.run'),
        canHold: may(actor, 'holds.manage'),
        scopeOptions,
        done: doneOf(req),
      };
    };
    app.get(
      '/retention',
      { config: { page: 'retention.read' }, schema: { hide: true } },
      async (req, reply) => reply.page('rights/retention.njk', await page(req)),
    );
    app.post(
      '/retention/run',
      { config: { page: 'retention.run' }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(reply, 'rights/retention.njk', await page(req), async () => {
          const report = await r.retention.run(req.actor!);
          const message = `Sweep done: ${report.processed} record(s) deleted or pseudonymised, ${report.held} kept under legal hold. Certificates are in the audit log.`;
          return reply.redirect(withDone('/retention', message), 303);
        }),
    );
    app.post(
      '/retention/holds',
      { config: { page: 'holds.manage' }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(reply, 'rights/retention.njk', await page(req), async () => {
          await r.holds.set(req.actor!, {
            scope: field(req.body, 'scope'),
            targetId:
              field(req.body, 'scope') === 'asset'
                ? field(req.body, 'assetId')
                : field(req.body, 'targetId'),
            reason: field(req.body, 'reason'),
          });
          return reply.redirect(withDone('/retention', 'Legal hold set.'), 303);
        }),
    );
    app.post(
      '/retention/holds/:holdId/lift',
      { config: { page: 'holds.manage' }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(reply, 'rights/retention.njk', await page(req), async () => {
          await r.holds.lift(
            req.actor!,
            (req.params as { holdId: string }).holdId,
            field(req.body, 'liftReason'),
          );
          return reply.redirect(withDone('/retention', 'Legal hold lifted.'), 303);
        }),
    );
  };
}
