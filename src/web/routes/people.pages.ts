// People of the organisation: the list, adding someone (with their one-time link), a person's
// page with their roles and training, reset links, disabling and enabling, single sign-on set-up.
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../services.ts';
import { field, may, submitForm } from '../pages.ts';

export function peoplePages(services: Services): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/people',
      { config: { page: 'people.read' }, schema: { hide: true } },
      async (req, reply) =>
        reply.page('people/list.njk', {
          pageTitle: 'People',
          people: await services.people.list(req.actor!),
          canManage: may(req.actor, 'people.manage'),
        }),
    );

    app.get(
      '/people/new',
      { config: { page: 'people.manage' }, schema: { hide: true } },
      async (_req, reply) =>
        reply.page('people/new.njk', { pageTitle: 'Add a person', backLink: '/people' }),
    );

    app.post(
      '/people/new',
      { config: { page: 'people.manage' }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(
          reply,
          'people/new.njk',
          { pageTitle: 'Add a person', backLink: '/people' },
          async () => {
            const { person, link } = await services.people.create(req.actor!, {
              email: field(req.body, 'email'),
              name: field(req.body, 'name'),
              jobTitle: field(req.body, 'jobTitle'),
            });
            return reply.page('people/link.njk', {
              pageTitle: 'Person added',
              person,
              link,
              purpose: 'invite',
            });
          },
        ),
    );

    app.get(
      '/people/:personId',
      { config: { page: 'people.read' }, schema: { hide: true } },
      async (req, reply) => {
        const actor = req.actor!;
        const id = (req.params as { personId: string }).personId;
        const person = await services.people.get(actor, id);
        return reply.page('people/person.njk', {
          pageTitle: person.name,
          backLink: '/people',
          person,
          grants: await services.roles.register(actor, { personId: id, status: 'all' }),
          training: may(actor, 'training.read', id)
            ? await services.training.completions(actor, id)
            : [],
          canManage: may(actor, 'people.manage') && id !== actor.personId,
          canGrant: may(actor, 'roles.grant') && id !== actor.personId,
        });
      },
    );

    app.post(
      '/people/:personId/reset-link',
      { config: { page: 'people.manage' }, schema: { hide: true } },
      async (req, reply) => {
        const id = (req.params as { personId: string }).personId;
        const { link, expiresInHours } = await services.people.issueResetLink(
          req.actor!,
          id,
          field(req.body, 'resetSecondFactor') === 'yes',
        );
        return reply.page('people/link.njk', {
          pageTitle: 'One-time link',
          person: await services.people.get(req.actor!, id),
          link,
          expiresInHours,
          purpose: 'reset',
        });
      },
    );

    for (const [path, status] of [
      ['disable', 'disabled'],
      ['enable', 'active'],
    ] as const) {
      app.get(
        `/people/:personId/${path}`,
        { config: { page: 'people.manage' }, schema: { hide: true } },
        async (req, reply) => {
          const person = await services.people.get(
            req.actor!,
            (req.params as { personId: string }).personId,
          );
          return reply.page('people/status.njk', {
            pageTitle: `${path === 'disable' ? 'Disable' : 'Enable'} ${person.name}’s account`,
            person,
            path,
            backLink: `/people/${person.id}`,
          });
        },
      );
      app.post(
        `/people/:personId/${path}`,
        { config: { page: 'people.manage' }, schema: { hide: true } },
        async (req, reply) => {
          const person = await services.people.get(
            req.actor!,
            (req.params as { personId: string }).personId,
          );
          return submitForm(
            reply,
            'people/status.njk',
            {
              pageTitle: `${path === 'disable' ? 'Disable' : 'Enable'} ${person.name}’s account`,
              person,
              path,
              backLink: `/people/${person.id}`,
            },
            async () => {
              await services.people.setStatus(
                req.actor!,
                person.id,
                status,
                field(req.body, 'reason'),
              );
              return reply.redirect(`/people/${person.id}`, 303);
            },
          );
        },
      );
    }

    app.get(
      '/people/sso',
      { config: { page: 'sso.manage' }, schema: { hide: true } },
      async (req, reply) =>
        reply.page('people/sso.njk', {
          pageTitle: 'Single sign-on',
          backLink: '/people',
          settings: await services.sso.settings(req.actor!),
          callback: `${services.config.publicUrl}/sign-in/sso/callback`,
        }),
    );

    app.post(
      '/people/sso',
      { config: { page: 'sso.manage' }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(
          reply,
          'people/sso.njk',
          {
            pageTitle: 'Single sign-on',
            backLink: '/people',
            settings: null,
            callback: `${services.config.publicUrl}/sign-in/sso/callback`,
          },
          async () => {
            await services.sso.configure(req.actor!, {
              label: field(req.body, 'label'),
              issuer: field(req.body, 'issuer'),
              clientId: field(req.body, 'clientId'),
              clientSecret: field(req.body, 'clientSecret'),
              enabled: field(req.body, 'enabled') === 'yes',
            });
            return reply.redirect('/people/sso', 303);
          },
        ),
    );
  };
}
