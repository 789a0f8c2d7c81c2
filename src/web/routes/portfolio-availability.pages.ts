// Availability: the overview, each application's availability page (public when the application
// says so), registered health-check hosts, incident and maintenance notices; and the roadmap.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import type { Actor } from '../../domain/policy/actor.ts';
import { AccordError } from '../../errors.ts';
import type { AvailabilityStatus } from '../../domain/portfolio/availability.service.ts';
import { HORIZONS, ROADMAP_STATUSES } from '../../domain/portfolio/roadmap.service.ts';
import { dateField, field, may, submitForm } from '../pages.ts';
import { common, formats } from './portfolio.pages.ts';

/** A day (YYYY-MM-DD) and a time (HH:MM) in UK time as an ISO instant; '' when both are empty. */
export function ukTime(day: string, time: string, name: string): string {
  if (!day && !time.trim()) return '';
  const t = time.trim() || '00:00';
  if (day === 'invalid' || !day || !/^([01]?\d|2[0-3]):[0-5]\d$/.test(t))
    throw new AccordError('VALIDATION_FAILED', 'Enter a real date and a time like 18:30.', [
      { field: name, message: 'Enter a real date and a time like 18:30' },
    ]);
  const [h, m] = t.split(':').map(Number) as [number, number];
  const guess = Date.parse(
    `${day}T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00Z`,
  );
  // London is UTC or UTC+1: take the offset London shows at that instant.
  const shown = new Date(guess).toLocaleString('en-GB', {
    timeZone: 'Europe/London',
    hour: '2-digit',
    hour12: false,
  });
  const offset = (Number(shown.slice(0, 2)) - new Date(guess).getUTCHours() + 24) % 24;
  return new Date(guess - offset * 3_600_000).toISOString();
}

const dayColour = (u: number | null): string =>
  u === null ? '#b1b4b6' : u >= 0.999 ? '#00703c' : u >= 0.99 ? '#f47738' : '#d4351c';

function statusData(s: AvailabilityStatus) {
  return {
    s,
    bars: s.days.map((d, i) => ({
      x: i * 7,
      fill: dayColour(d.uptime),
      day: d.day,
      text: d.uptime === null ? 'no checks' : `${(d.uptime * 100).toFixed(2)}% up`,
    })),
    active: s.notices.filter((n) => n.state === 'active'),
    upcoming: s.notices.filter((n) => n.state === 'upcoming'),
    past: s.notices.filter((n) => n.state === 'past'),
  };
}

export function portfolioAvailabilityPages(services: Services): FastifyPluginAsync {
  const p = services.portfolio;
  return async (app) => {
    app.get(
      '/portfolio/availability',
      { config: { page: 'portfolio.read' }, schema: { hide: true } },
      async (req, reply) =>
        reply.page('portfolio/availability.njk', {
          ...common,
          ...formats,
          pageTitle: 'Availability',
          all: await p.availability.overview(req.actor!),
          canManage: may(req.actor, 'portfolio.manage'),
        }),
    );

    const canSee = async (req: FastifyRequest, id: string): Promise<boolean> =>
      p.applications.get(req.actor!, id).then(
        () => true,
        () => false,
      );

    // Public for applications whose page is public; otherwise for the organisation, signed in.
    app.get(
      '/status/:appId',
      { config: { page: 'public' }, schema: { hide: true } },
      async (req, reply) => {
        const id = (req.params as { appId: string }).appId;
        let s: AvailabilityStatus;
        try {
          s = await p.availability.publicStatus(id);
        } catch (e) {
          if (!(e instanceof AccordError) || e.code !== 'NOT_FOUND') throw e;
          if (!req.actor)
            return reply.redirect(`/sign-in?next=${encodeURIComponent(req.url)}`, 303);
          s = await p.availability.status(req.actor, id);
        }
        const manage = may(req.actor, 'portfolio.manage') && (await canSee(req, id));
        return reply.page('portfolio/status.njk', {
          ...formats,
          pageTitle: `${s.application.name}: availability`,
          ...statusData(s),
          canManage: manage,
          posted: (req.query as { posted?: string }).posted,
        });
      },
    );

    const hostsPage = async (actor: Actor) => ({
      pageTitle: 'Health-check hosts',
      backLink: '/portfolio/availability',
      hosts: await p.availability.hosts(actor),
      canManage: may(actor, 'portfolio.manage'),
    });
    app.get(
      '/portfolio/hosts',
      { config: { page: 'portfolio.read' }, schema: { hide: true } },
      async (req, reply) => reply.page('portfolio/hosts.njk', await hostsPage(req.actor!)),
    );
    app.post(
      '/portfolio/hosts',
      { config: { page: 'portfolio.manage' }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(reply, 'portfolio/hosts.njk', await hostsPage(req.actor!), async () => {
          await p.availability.addHost(req.actor!, field(req.body, 'host'));
          return reply.redirect('/portfolio/hosts', 303);
        }),
    );
    app.post(
      '/portfolio/hosts/:hostId/remove',
      { config: { page: 'portfolio.manage' }, schema: { hide: true } },
      async (req, reply) => {
        await p.availability.removeHost(req.actor!, (req.params as { hostId: string }).hostId);
        return reply.redirect('/portfolio/hosts', 303);
      },
    );

    const noticeForm = async (actor: Actor, id: string) => {
      const a = await p.applications.get(actor, id);
      return { pageTitle: `Post a notice: ${a.name}`, backLink: `/status/${id}`, a };
    };
    app.get(
      '/portfolio/applications/:appId/notices/new',
      { config: { page: 'portfolio.manage' }, schema: { hide: true } },
      async (req, reply) =>
        reply.page('portfolio/notice.njk', {
          ...(await noticeForm(req.actor!, (req.params as { appId: string }).appId)),
          values: { kind: 'incident' },
        }),
    );
    app.post(
      '/portfolio/applications/:appId/notices/new',
      { config: { page: 'portfolio.manage' }, schema: { hide: true } },
      async (req, reply) => {
        const id = (req.params as { appId: string }).appId;
        return submitForm(
          reply,
          'portfolio/notice.njk',
          await noticeForm(req.actor!, id),
          async () => {
            const b = req.body;
            const startsAt = ukTime(dateField(b, 'startsAt'), field(b, 'startsTime'), 'startsAt');
            const endsAt = ukTime(dateField(b, 'endsAt'), field(b, 'endsTime'), 'endsAt');
            await p.availability.postNotice(req.actor!, id, {
              kind: field(b, 'kind'),
              title: field(b, 'title'),
              body: field(b, 'body'),
              startsAt: startsAt || undefined,
              endsAt: endsAt || null,
            });
            return reply.redirect(`/status/${id}?posted=1`, 303);
          },
        );
      },
    );
    app.post(
      '/portfolio/notices/:noticeId/resolve',
      { config: { page: 'portfolio.manage' }, schema: { hide: true } },
      async (req, reply) => {
        const n = await p.availability.resolveNotice(
          req.actor!,
          (req.params as { noticeId: string }).noticeId,
        );
        return reply.redirect(`/status/${n.appId}`, 303);
      },
    );

    // The roadmap.
    app.get(
      '/portfolio/roadmap',
      { config: { page: 'portfolio.read' }, schema: { hide: true } },
      async (req, reply) => {
        const items = await p.roadmap.list(req.actor!);
        const names = new Map((await p.applications.list(req.actor!)).map((a) => [a.id, a.name]));
        const columns = [...new Set(['now', 'next', ...items.map((i) => i.horizon), 'later'])].map(
          (h) => ({
            horizon: h,
            label: h === 'now' ? 'Now' : h === 'next' ? 'Next' : h === 'later' ? 'Later' : h,
            items: items
              .filter((i) => i.horizon === h)
              .map((i) => ({ ...i, appName: names.get(i.appId) ?? '' })),
          }),
        );
        return reply.page('portfolio/roadmap.njk', {
          pageTitle: 'Roadmap',
          columns,
          canManage: may(req.actor, 'portfolio.manage'),
        });
      },
    );

    const itemForm = async (actor: Actor, title: string) => ({
      pageTitle: title,
      backLink: '/portfolio/roadmap',
      apps: (await p.applications.list(actor)).map((a) => [a.id, a.name]),
      horizons: HORIZONS.map((h) => [h, h[0]!.toUpperCase() + h.slice(1)]),
      statuses: ROADMAP_STATUSES.map((s) => [s, s.replace('-', ' ')]),
    });
    const itemInput = (b: unknown) => {
      const ids = (name: string) =>
        field(b, name)
          .split(/[\s,]+/)
          .map((x) => x.trim())
          .filter(Boolean);
      const horizon =
        field(b, 'horizon') === 'quarter' ? field(b, 'quarter').trim() : field(b, 'horizon');
      return {
        appId: field(b, 'appId'),
        title: field(b, 'title'),
        description: field(b, 'description'),
        horizon,
        status: field(b, 'status') || 'planned',
        ticketIds: ids('ticketIds'),
        riskIds: ids('riskIds'),
      };
    };
    app.get(
      '/portfolio/roadmap/new',
      { config: { page: 'portfolio.manage' }, schema: { hide: true } },
      async (req, reply) =>
        reply.page('portfolio/roadmap-item.njk', {
          ...(await itemForm(req.actor!, 'Add to the roadmap')),
          values: {
            horizon: 'next',
            status: 'planned',
            appId: (req.query as { applicationId?: string }).applicationId,
          },
        }),
    );
    app.post(
      '/portfolio/roadmap/new',
      { config: { page: 'portfolio.manage' }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(
          reply,
          'portfolio/roadmap-item.njk',
          await itemForm(req.actor!, 'Add to the roadmap'),
          async () => {
            await p.roadmap.create(req.actor!, itemInput(req.body));
            return reply.redirect('/portfolio/roadmap', 303);
          },
        ),
    );
    app.get(
      '/portfolio/roadmap/:itemId/edit',
      { config: { page: 'portfolio.manage' }, schema: { hide: true } },
      async (req, reply) => {
        const id = (req.params as { itemId: string }).itemId;
        const item = (await p.roadmap.list(req.actor!)).find((i) => i.id === id);
        if (!item) throw new AccordError('NOT_FOUND');
        const quarter = !(HORIZONS as readonly string[]).includes(item.horizon);
        return reply.page('portfolio/roadmap-item.njk', {
          ...(await itemForm(req.actor!, 'Change a roadmap item')),
          values: {
            ...item,
            horizon: quarter ? 'quarter' : item.horizon,
            quarter: quarter ? item.horizon : '',
            ticketIds: item.ticketIds.join(', '),
            riskIds: item.riskIds.join(', '),
          },
        });
      },
    );
    app.post(
      '/portfolio/roadmap/:itemId/edit',
      { config: { page: 'portfolio.manage' }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(
          reply,
          'portfolio/roadmap-item.njk',
          await itemForm(req.actor!, 'Change a roadmap item'),
          async () => {
            await p.roadmap.update(
              req.actor!,
              (req.params as { itemId: string }).itemId,
              itemInput(req.body),
            );
            return reply.redirect('/portfolio/roadmap', 303);
          },
        ),
    );
  };
}
