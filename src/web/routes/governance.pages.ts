// The compliance dashboard with its trends, the records of processing (page and CSV), the
// charter's settings, and the public information charter of each organisation (no sign-in).
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../services.ts';
import { AccordError } from '../../errors.ts';
import type { Actor } from '../../domain/policy/actor.ts';
import { lineChart } from '../../domain/governance/charts.ts';
import { display } from '../../domain/governance/dashboard.service.ts';
import { field, may, submitForm } from '../pages.ts';

export function governancePages(services: Services): FastifyPluginAsync {
  const { dashboard, ropa, charter } = services.governance;
  return async (app) => {
    app.get(
      '/governance',
      { config: { page: 'governance.read' }, schema: { hide: true } },
      async (req, reply) => {
        const actor = req.actor!;
        const d = await dashboard.compute(actor);
        const t = await dashboard.trends(actor, 90);
        const trends = Object.fromEntries(
          t.trends.map((x) => [
            x.id,
            {
              svg: lineChart(x.points, { from: t.from, to: t.to, unit: x.unit, title: x.title }),
              points: x.points.map((p) => ({ ...p, display: display(x.unit, p.value) })),
            },
          ]),
        );
        return reply.page('governance/dashboard.njk', {
          pageTitle: 'Compliance dashboard',
          dashboard: d,
          trends,
          trendFrom: t.from,
          trendTo: t.to,
        });
      },
    );

    app.get(
      '/governance/ropa',
      { config: { page: 'governance.read' }, schema: { hide: true } },
      async (req, reply) =>
        reply.page('governance/ropa.njk', {
          pageTitle: 'Records of processing activities',
          backLink: '/governance',
          doc: await ropa.document(req.actor!),
        }),
    );

    app.get(
      '/governance/ropa.csv',
      { config: { page: 'governance.read' }, schema: { hide: true } },
      async (req, reply) =>
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="records-of-processing.csv"')
          .header('cache-control', 'no-store')
          .send(await ropa.csv(req.actor!)),
    );

    const settingsPage = (actor: Actor) => ({
      pageTitle: 'Information charter',
      backLink: '/governance',
      orgId: actor.orgId,
      publicUrl: services.config.publicUrl,
      canManage: may(actor, 'charter.manage'),
    });

    app.get(
      '/governance/charter',
      { config: { page: 'governance.read' }, schema: { hide: true } },
      async (req, reply) =>
        reply.page('governance/charter/settings.njk', {
          ...settingsPage(req.actor!),
          values: await charter.settings(req.actor!),
          saved: (req.query as { saved?: string }).saved,
        }),
    );

    app.post(
      '/governance/charter',
      { config: { page: 'charter.manage' }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(reply, 'governance/charter/settings.njk', settingsPage(req.actor!), async () => {
          await charter.updateSettings(req.actor!, {
            icoRegistration: field(req.body, 'icoRegistration'),
            publicEmail: field(req.body, 'publicEmail'),
            publicPhone: field(req.body, 'publicPhone'),
            publicAddress: field(req.body, 'publicAddress'),
            charterIntro: field(req.body, 'charterIntro'),
            requestInstructions: field(req.body, 'requestInstructions'),
          });
          return reply.redirect('/governance/charter?saved=1', 303);
        }),
    );

    app.get(
      '/charter',
      { config: { page: 'public' }, schema: { hide: true } },
      async (_req, reply) =>
        reply.page('governance/charter/index.njk', {
          pageTitle: 'Information charters',
          organisations: (await services.orgs.all()).map((o) => ({ id: o.id, name: o.name })),
        }),
    );

    app.get(
      '/charter/:orgId',
      { config: { page: 'public' }, schema: { hide: true } },
      async (req, reply) => {
        const c = await charter.publicCharter((req.params as { orgId: string }).orgId);
        if (!c) throw new AccordError('NOT_FOUND');
        return reply.page('governance/charter/public.njk', {
          pageTitle: `${c.organisation}: information charter`,
          charter: c,
        });
      },
    );
  };
}
