// The applications register: the list with the live portfolio indicators, adding and changing an
// application, its page (delivery, vulnerabilities, availability, tickets, roadmap at a glance),
// CSV import, webhook set-up, and the service levels.
import type { FastifyPluginAsync } from 'fastify';
import multipart from '@fastify/multipart';
import type { Services } from '../../services.ts';
import type { Actor } from '../../domain/policy/actor.ts';
import type { Application } from '../../domain/portfolio/applications.service.ts';
import type { ApplicationInput } from '../../domain/portfolio/applications.validate.ts';
import {
  HOSTINGS,
  HOSTING_LABELS,
  LIFECYCLES,
  LIFECYCLE_LABELS,
} from '../../domain/portfolio/applications.validate.ts';
import { defaultPeriod } from '../../domain/portfolio/delivery.service.ts';
import { dateField, field, may, submitForm } from '../pages.ts';
import { portfolioAdminPages } from './portfolio-admin.pages.ts';
import { BAND_LABELS, BAND_TAGS, hours, percent, perWeek, pounds } from './portfolio-charts.ts';

/** What every portfolio page needs for its macros. */
export const common = { bandLabels: BAND_LABELS, bandTags: BAND_TAGS };
export const formats = { hours, percent, perWeek, pounds };

const lifecycleOptions = LIFECYCLES.map((l) => [l, LIFECYCLE_LABELS[l]] as [string, string]);
const hostingOptions = HOSTINGS.map((h) => [h, HOSTING_LABELS[h]] as [string, string]);
const DATES = ['phaseInOn', 'activeOn', 'phaseOutOn', 'endOfLifeOn'] as const;

/** An application as the form's values (dates split into day, month and year). */
function valuesOf(a: Application): Record<string, string> {
  const v: Record<string, string> = {
    name: a.name,
    description: a.description,
    businessOwnerId: a.businessOwnerId ?? '',
    productManagerId: a.productManagerId ?? '',
    critical: a.critical ? 'yes' : 'no',
    lifecycle: a.lifecycle,
    onboarded: a.onboarded ? 'yes' : 'no',
    budgetLine: a.budgetLine ?? '',
    annualCost: a.annualCost === null ? '' : String(a.annualCost),
    hosting: a.hosting,
    vendorName: a.vendorName ?? '',
    repositoryUrl: a.repositoryUrl ?? '',
    healthCheckUrl: a.healthCheckUrl ?? '',
    productionEnvironment: a.productionEnvironment,
    statusPublic: a.statusPublic ? 'yes' : 'no',
  };
  for (const d of DATES) {
    const iso = a[d];
    if (iso) {
      const [y, m, day] = iso.split('-');
      Object.assign(v, { [`${d}-day`]: day, [`${d}-month`]: m, [`${d}-year`]: y });
    }
  }
  return v;
}

/** The form's fields as an application input. */
function inputOf(body: unknown): ApplicationInput {
  const input: ApplicationInput = {
    name: field(body, 'name'),
    description: field(body, 'description'),
    businessOwnerId: field(body, 'businessOwnerId') || null,
    productManagerId: field(body, 'productManagerId') || null,
    critical: field(body, 'critical') === 'yes',
    lifecycle: field(body, 'lifecycle'),
    onboarded: field(body, 'onboarded') === 'yes',
    budgetLine: field(body, 'budgetLine'),
    annualCost: field(body, 'annualCost'),
    hosting: field(body, 'hosting'),
    vendorName: field(body, 'vendorName'),
    repositoryUrl: field(body, 'repositoryUrl'),
    healthCheckUrl: field(body, 'healthCheckUrl'),
    productionEnvironment: field(body, 'productionEnvironment') || 'production',
    statusPublic: field(body, 'statusPublic') === 'yes',
  };
  for (const d of DATES) {
    const v = dateField(body, d);
    input[d] = v === 'invalid' ? 'not a date' : v || null;
  }
  return input;
}

export function portfolioPages(services: Services): FastifyPluginAsync {
  const p = services.portfolio;
  return async (app) => {
    await app.register(multipart, { limits: { fileSize: 5_000_000, files: 1 } });

    app.get(
      '/portfolio',
      { config: { page: 'portfolio.read' }, schema: { hide: true } },
      async (req, reply) => {
        const q = req.query as { critical?: string; lifecycle?: string };
        const all = await p.applications.list(req.actor!);
        const apps = all.filter(
          (a) =>
            (!q.critical || (q.critical === 'yes') === a.critical) &&
            (!q.lifecycle || q.lifecycle === a.lifecycle),
        );
        return reply.page('portfolio/index.njk', {
          ...common,
          ...formats,
          pageTitle: 'Application portfolio',
          apps,
          total: all.length,
          indicators: await p.applications.indicators(req.actor!),
          filter: { critical: q.critical ?? '', lifecycle: q.lifecycle ?? '' },
          lifecycleOptions,
          lifecycleLabels: LIFECYCLE_LABELS,
          canManage: may(req.actor, 'portfolio.manage'),
        });
      },
    );

    const form = async (actor: Actor, title: string, back: string) => ({
      pageTitle: title,
      backLink: back,
      people: (await services.people.list(actor))
        .filter((x) => x.status === 'active')
        .map((x) => [x.id, x.name]),
      lifecycleOptions,
      hostingOptions,
    });

    app.get(
      '/portfolio/new',
      { config: { page: 'portfolio.manage' }, schema: { hide: true } },
      async (req, reply) =>
        reply.page('portfolio/application-form.njk', {
          ...(await form(req.actor!, 'Add an application', '/portfolio')),
          values: {
            lifecycle: 'active',
            hosting: 'on-premises',
            critical: 'no',
            onboarded: 'no',
            statusPublic: 'no',
            productionEnvironment: 'production',
          },
        }),
    );

    app.post(
      '/portfolio/new',
      { config: { page: 'portfolio.manage' }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(
          reply,
          'portfolio/application-form.njk',
          await form(req.actor!, 'Add an application', '/portfolio'),
          async () => {
            const a = await p.applications.create(req.actor!, inputOf(req.body));
            return reply.redirect(`/portfolio/applications/${a.id}?saved=1`, 303);
          },
        ),
    );

    app.get(
      '/portfolio/applications/:appId',
      { config: { page: 'portfolio.read' }, schema: { hide: true } },
      async (req, reply) => {
        const actor = req.actor!;
        const id = (req.params as { appId: string }).appId;
        const a = await p.applications.get(actor, id);
        const now = services.clock();
        const period = {
          from: new Date(now.getTime() - 90 * 86_400_000).toISOString(),
          to: defaultPeriod(now).to,
          unit: 'month' as const,
        };
        return reply.page('portfolio/application.njk', {
          ...common,
          ...formats,
          pageTitle: a.name,
          backLink: '/portfolio',
          a,
          saved: (req.query as { saved?: string }).saved,
          lifecycleLabels: LIFECYCLE_LABELS,
          hostingLabels: HOSTING_LABELS,
          delivery: await p.delivery.forApplication(actor, id, period),
          vulns: (await p.vulnerabilities.list(actor, id, 'open')).summary,
          status: await p.availability.status(actor, id),
          tickets: may(actor, 'tickets.read')
            ? await p.tickets.forApplication(actor, id, 'open')
            : null,
          canManage: may(actor, 'portfolio.manage'),
          canIngest: may(actor, 'portfolio.ingest'),
          publicUrl: services.config.publicUrl,
        });
      },
    );

    const editForm = async (actor: Actor, id: string) => {
      const a = await p.applications.get(actor, id);
      return { ...(await form(actor, `Change ${a.name}`, `/portfolio/applications/${id}`)), a };
    };

    app.get(
      '/portfolio/applications/:appId/edit',
      { config: { page: 'portfolio.manage' }, schema: { hide: true } },
      async (req, reply) => {
        const data = await editForm(req.actor!, (req.params as { appId: string }).appId);
        return reply.page('portfolio/application-form.njk', { ...data, values: valuesOf(data.a) });
      },
    );

    app.post(
      '/portfolio/applications/:appId/edit',
      { config: { page: 'portfolio.manage' }, schema: { hide: true } },
      async (req, reply) => {
        const id = (req.params as { appId: string }).appId;
        return submitForm(
          reply,
          'portfolio/application-form.njk',
          await editForm(req.actor!, id),
          async () => {
            await p.applications.update(req.actor!, id, inputOf(req.body));
            return reply.redirect(`/portfolio/applications/${id}?saved=1`, 303);
          },
        );
      },
    );

    await app.register(portfolioAdminPages(services));
  };
}
