// Home (what you can do, and what needs attention) and My account (second factor, sessions,
// API tokens).
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../services.ts';
import { decide } from '../../domain/policy/decide.ts';
import type { Actor } from '../../domain/policy/actor.ts';
import { SCOPES } from '../../domain/policy/permissions.ts';
import { ROLE_INFO } from '../../domain/policy/roles.ts';
import { field, fields, may, submitForm } from '../pages.ts';

export function accountPages(services: Services): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/home',
      { config: { page: 'signed-in' }, schema: { hide: true } },
      async (req, reply) => {
        const actor = req.actor!;
        // Where you stand, shown without touching personal data (so nothing to record).
        const personal = decide(actor, 'personal-data.access', { orgId: actor.orgId });
        const mine = await services.roles.register(actor, {
          personId: actor.personId ?? undefined,
          status: 'current',
        });
        return reply.page('account/home.njk', {
          pageTitle: 'Home',
          org: await services.orgs.mine(actor),
          personal,
          myGrants: mine,
          gaps: may(actor, 'roles.read') ? await services.roles.gaps(actor) : [],
          roleInfo: ROLE_INFO,
        });
      },
    );

    const accountData = async (actor: Actor) => ({
      pageTitle: 'Your account',
      person: await services.people.get(actor, actor.personId!),
      training: await services.training.completions(actor, actor.personId!),
      sessions: await services.signIn.sessionsOf(actor.personId!),
      tokens: await services.tokens.list(actor),
      scopes: SCOPES,
      personal: decide(actor, 'personal-data.access', { orgId: actor.orgId }),
    });

    app.get(
      '/account',
      { config: { page: 'signed-in' }, schema: { hide: true } },
      async (req, reply) =>
        reply.page('account/account.njk', {
          ...(await accountData(req.actor!)),
          currentSession: req.session?.session.session_id,
        }),
    );

    app.post(
      '/account/sign-out-everywhere',
      { config: { page: 'signed-in' }, schema: { hide: true } },
      async (req, reply) => {
        await services.signIn.signOutEverywhere(req.actor!.personId!);
        return reply.redirect('/sign-in?done=signed-out', 303);
      },
    );

    app.post(
      '/account/tokens',
      { config: { page: 'tokens.manage' }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(reply, 'account/account.njk', await accountData(req.actor!), async () => {
          const { token, secret } = await services.tokens.create(req.actor!, {
            name: field(req.body, 'name'),
            scopes: fields(req.body, 'scopes'),
            expiresInDays: Number(field(req.body, 'expiresInDays') || '0'),
          });
          return reply.page('account/token-created.njk', {
            pageTitle: 'Your new API token',
            token,
            secret,
          });
        }),
    );

    app.post(
      '/account/tokens/:tokenId/revoke',
      { config: { page: 'tokens.manage' }, schema: { hide: true } },
      async (req, reply) => {
        await services.tokens.revoke(req.actor!, (req.params as { tokenId: string }).tokenId);
        return reply.redirect('/account#tokens', 303);
      },
    );
  };
}
