// Administering the portfolio: webhook secrets for GitHub and GitLab (shown once), importing the
// register from CSV, and the service levels and IT budget.
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../services.ts';
import type { Actor } from '../../domain/policy/actor.ts';
import { AccordError } from '../../errors.ts';
import { APPLICATION_COLUMNS } from '../../domain/portfolio/applications.import.ts';
import { PRIORITIES, PRIORITY_LABELS } from '../../domain/portfolio/settings.service.ts';
import { field, may, submitForm } from '../pages.ts';

export function portfolioAdminPages(services: Services): FastifyPluginAsync {
  const p = services.portfolio;
  return async (app) => {
    const webhookPage = async (actor: Actor, id: string) => {
      const a = await p.applications.get(actor, id);
      return {
        pageTitle: `Webhooks for ${a.name}`,
        backLink: `/portfolio/applications/${id}`,
        a,
        githubUrl: `${services.config.publicUrl}/api/portfolio/webhooks/github/${id}`,
        gitlabUrl: `${services.config.publicUrl}/api/portfolio/webhooks/gitlab/${id}`,
      };
    };

    app.get(
      '/portfolio/applications/:appId/webhook',
      { config: { page: 'portfolio.manage' }, schema: { hide: true } },
      async (req, reply) =>
        reply.page(
          'portfolio/webhook.njk',
          await webhookPage(req.actor!, (req.params as { appId: string }).appId),
        ),
    );

    app.post(
      '/portfolio/applications/:appId/webhook',
      { config: { page: 'portfolio.manage' }, schema: { hide: true } },
      async (req, reply) => {
        const id = (req.params as { appId: string }).appId;
        const { secret } = await p.applications.rotateWebhookSecret(req.actor!, id);
        return reply.page('portfolio/webhook.njk', {
          ...(await webhookPage(req.actor!, id)),
          secret,
        });
      },
    );

    const importForm = {
      pageTitle: 'Import applications',
      backLink: '/portfolio',
      columns: APPLICATION_COLUMNS,
    };
    app.get(
      '/portfolio/import',
      { config: { page: 'portfolio.manage' }, schema: { hide: true } },
      async (_req, reply) => reply.page('portfolio/import.njk', importForm),
    );

    // The file arrives as multipart/form-data; its CSRF token comes in the form's address.
    app.post(
      '/portfolio/import',
      { config: { page: 'portfolio.manage' }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(reply, 'portfolio/import.njk', importForm, async () => {
          const file = req.isMultipart() ? await req.file() : undefined;
          const text = file ? (await file.toBuffer()).toString('utf8') : '';
          if (!text.trim())
            throw new AccordError('VALIDATION_FAILED', 'Choose a CSV file.', [
              { field: 'file', message: 'Choose a CSV file to import' },
            ]);
          const r = await p.importApplications(req.actor!, text);
          return reply.page('portfolio/imported.njk', {
            pageTitle: 'Applications imported',
            backLink: '/portfolio',
            what: `${r.created} application${r.created === 1 ? '' : 's'} added and ${r.updated} updated.`,
            next: '/portfolio',
          });
        }),
    );

    const settingsPage = async (actor: Actor) => ({
      pageTitle: 'Service levels',
      settings: await p.settings.get(actor),
      priorities: PRIORITIES.map((x) => [x, PRIORITY_LABELS[x]]),
      canManage: may(actor, 'portfolio.manage'),
    });
    app.get(
      '/portfolio/settings',
      { config: { page: 'portfolio.read' }, schema: { hide: true } },
      async (req, reply) => {
        const data = await settingsPage(req.actor!);
        const s = data.settings;
        const values: Record<string, string> = {
          itBudget: s.itBudget === null ? '' : String(s.itBudget),
        };
        for (const [k, v] of Object.entries(s.vulnerabilityDays))
          values[`vulnerabilityDays.${k}`] = String(v);
        for (const [k, v] of Object.entries(s.ticketLevels)) {
          values[`ticketLevels.${k}.respondHours`] = String(v.respondHours);
          values[`ticketLevels.${k}.fixHours`] = String(v.fixHours);
        }
        return reply.page('portfolio/settings.njk', {
          ...data,
          values,
          saved: (req.query as { saved?: string }).saved,
        });
      },
    );

    app.post(
      '/portfolio/settings',
      { config: { page: 'portfolio.manage' }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(reply, 'portfolio/settings.njk', await settingsPage(req.actor!), async () => {
          const num = (name: string): number => {
            const v = field(req.body, name).trim();
            return /^\d+$/.test(v) ? Number(v) : NaN;
          };
          await p.settings.update(req.actor!, {
            itBudget: field(req.body, 'itBudget') || null,
            vulnerabilityDays: Object.fromEntries(
              ['critical', 'high', 'medium', 'low'].map((k) => [k, num(`vulnerabilityDays.${k}`)]),
            ),
            ticketLevels: Object.fromEntries(
              PRIORITIES.map((k) => [
                k,
                {
                  respondHours: num(`ticketLevels.${k}.respondHours`),
                  fixHours: num(`ticketLevels.${k}.fixHours`),
                },
              ]),
            ),
          });
          return reply.redirect('/portfolio/settings?saved=1', 303);
        }),
    );
  };
}
