// The roles register (filters, warnings for grants about to lapse, gaps), granting a role and
// revoking one; and the segregation-of-duties rules with their exceptions.
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../services.ts';
import { AccordError } from '../../errors.ts';
import { ROLES, ROLE_INFO } from '../../domain/policy/roles.ts';
import { DUTIES } from '../../domain/roles/duties.service.ts';
import type { GrantStatus } from '../../domain/roles/roles.service.ts';
import type { Actor } from '../../domain/policy/actor.ts';
import { dateField, field, fields, may, submitForm } from '../pages.ts';

const roleOptions = ROLES.map((r) => [r, ROLE_INFO[r].label] as [string, string]);

/** A form date (YYYY-MM-DD) as the start of that day in London (UTC in winter, BST in summer). */
function dayStart(day: string, fieldName: string): string | undefined {
  if (day === '') return undefined;
  if (day === 'invalid')
    throw new AccordError('VALIDATION_FAILED', 'Enter a real date.', [
      { field: fieldName, message: 'Enter a real date, like 31 3 2027' },
    ]);
  return new Date(`${day}T00:00:00Z`).toISOString();
}

export function rolesPages(services: Services): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/roles',
      { config: { page: 'roles.read' }, schema: { hide: true } },
      async (req, reply) => {
        const q = req.query as { role?: string; status?: string };
        const status = (
          ['current', 'upcoming', 'lapsed', 'revoked', 'all'].includes(q.status ?? '')
            ? q.status
            : 'current'
        ) as GrantStatus | 'all';
        const role = ROLES.find((r) => r === q.role);
        const grants = await services.roles.register(req.actor!, { role, status });
        return reply.page('roles/register.njk', {
          pageTitle: 'Roles register',
          grants,
          gaps: await services.roles.gaps(req.actor!),
          filter: { role: role ?? '', status },
          lapsing: grants.filter((g) => g.lapsesSoon),
          roleOptions,
          canGrant: may(req.actor, 'roles.grant'),
        });
      },
    );

    const grantForm = async (actor: Actor, personId?: string) => ({
      pageTitle: 'Grant a role',
      backLink: '/roles',
      roleOptions,
      people: (await services.people.list(actor))
        .filter((p) => p.status === 'active' && p.id !== actor.personId)
        .map((p) => [p.id, p.name]),
      values: { personId },
    });

    app.get(
      '/roles/grant',
      { config: { page: 'roles.grant' }, schema: { hide: true } },
      async (req, reply) =>
        reply.page(
          'roles/grant.njk',
          await grantForm(req.actor!, (req.query as { personId?: string }).personId),
        ),
    );

    app.post(
      '/roles/grant',
      { config: { page: 'roles.grant' }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(reply, 'roles/grant.njk', await grantForm(req.actor!), async () => {
          const g = await services.roles.grant(req.actor!, {
            personId: field(req.body, 'personId'),
            role: field(req.body, 'role'),
            reason: field(req.body, 'reason'),
            validFrom: dayStart(dateField(req.body, 'validFrom'), 'validFrom'),
            validUntil: dayStart(dateField(req.body, 'validUntil'), 'validUntil') ?? null,
          });
          return reply.redirect(`/roles/${g.id}?granted=1`, 303);
        }),
    );

    app.get(
      '/roles/:grantId',
      { config: { page: 'roles.read' }, schema: { hide: true } },
      async (req, reply) => {
        const grant = await services.roles.get(
          req.actor!,
          (req.params as { grantId: string }).grantId,
        );
        return reply.page('roles/grant-detail.njk', {
          pageTitle: `${grant.roleLabel}: ${grant.personName}`,
          backLink: '/roles',
          grant,
          granted: (req.query as { granted?: string }).granted,
          canRevoke:
            may(req.actor, 'roles.grant') &&
            (grant.status === 'current' || grant.status === 'upcoming'),
        });
      },
    );

    app.post(
      '/roles/:grantId/revoke',
      { config: { page: 'roles.grant' }, schema: { hide: true } },
      async (req, reply) => {
        const grantId = (req.params as { grantId: string }).grantId;
        const grant = await services.roles.get(req.actor!, grantId);
        return submitForm(
          reply,
          'roles/grant-detail.njk',
          {
            pageTitle: `${grant.roleLabel}: ${grant.personName}`,
            backLink: '/roles',
            grant,
            canRevoke: true,
          },
          async () => {
            await services.roles.revoke(req.actor!, grantId, field(req.body, 'reason'));
            return reply.redirect(`/roles/${grantId}`, 303);
          },
        );
      },
    );

    // Segregation of duties.
    const dutiesPage = async (actor: Actor) => {
      const { rules, exceptions } = await services.duties.list(actor);
      const names = new Map(
        (may(actor, 'people.read') ? await services.people.list(actor) : []).map((p) => [
          p.id,
          p.name,
        ]),
      );
      return {
        pageTitle: 'Segregation of duties',
        rules,
        exceptions: exceptions.map((e) => ({
          ...e,
          personName: names.get(e.personId) ?? 'someone in your organisation',
          ruleName: rules.find((r) => r.id === e.ruleId)?.name,
        })),
        canManage: may(actor, 'duties.manage'),
      };
    };

    app.get(
      '/duties',
      { config: { page: 'duties.read' }, schema: { hide: true } },
      async (req, reply) => reply.page('duties/duties.njk', await dutiesPage(req.actor!)),
    );

    const ruleForm = {
      pageTitle: 'Add a rule',
      backLink: '/duties',
      roleOptions,
      dutyOptions: [...DUTIES],
    };
    app.get(
      '/duties/rules/new',
      { config: { page: 'duties.manage' }, schema: { hide: true } },
      async (_req, reply) =>
        reply.page('duties/rule.njk', { ...ruleForm, values: { kind: 'roles' } }),
    );
    app.post(
      '/duties/rules/new',
      { config: { page: 'duties.manage' }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(reply, 'duties/rule.njk', ruleForm, async () => {
          const kind = field(req.body, 'kind');
          await services.duties.createRule(req.actor!, {
            name: field(req.body, 'name'),
            description: field(req.body, 'description'),
            kind,
            members: fields(req.body, kind === 'duties' ? 'duties' : 'roles'),
          });
          return reply.redirect('/duties', 303);
        }),
    );

    app.post(
      '/duties/rules/:ruleId/active',
      { config: { page: 'duties.manage' }, schema: { hide: true } },
      async (req, reply) => {
        const ruleId = (req.params as { ruleId: string }).ruleId;
        const rule = (await services.duties.list(req.actor!)).rules.find((r) => r.id === ruleId);
        if (!rule) throw new AccordError('NOT_FOUND');
        await services.duties.updateRule(req.actor!, ruleId, {
          ...rule,
          active: field(req.body, 'active') === 'yes',
        });
        return reply.redirect('/duties', 303);
      },
    );

    const exceptionForm = async (actor: Actor) => ({
      pageTitle: 'Record an exception',
      backLink: '/duties',
      ruleOptions: (await services.duties.list(actor)).rules
        .filter((r) => r.active)
        .map((r) => [r.id, r.name]),
      people: (await services.people.list(actor))
        .filter((p) => p.status === 'active')
        .map((p) => [p.id, p.name]),
    });
    app.get(
      '/duties/exceptions/new',
      { config: { page: 'duties.manage' }, schema: { hide: true } },
      async (req, reply) => reply.page('duties/exception.njk', await exceptionForm(req.actor!)),
    );
    app.post(
      '/duties/exceptions/new',
      { config: { page: 'duties.manage' }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(reply, 'duties/exception.njk', await exceptionForm(req.actor!), async () => {
          const until = dateField(req.body, 'validUntil');
          await services.duties.createException(
            req.actor!,
            {
              ruleId: field(req.body, 'ruleId'),
              personId: field(req.body, 'personId'),
              justification: field(req.body, 'justification'),
              validUntil:
                until === 'invalid'
                  ? 'invalid'
                  : until && new Date(`${until}T23:59:59Z`).toISOString(),
            },
            (ex, org, id) => services.people.activePerson(ex, org, id),
          );
          return reply.redirect('/duties', 303);
        }),
    );

    app.post(
      '/duties/exceptions/:exceptionId/revoke',
      { config: { page: 'duties.manage' }, schema: { hide: true } },
      async (req, reply) => {
        await services.duties.revokeException(
          req.actor!,
          (req.params as { exceptionId: string }).exceptionId,
        );
        return reply.redirect('/duties', 303);
      },
    );
  };
}
