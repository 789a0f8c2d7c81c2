// Authentication and the route-level half of authorisation, for every route.
// - The API takes bearer tokens only (no cookies, so no CSRF); pages take the session cookie.
// - Every API route must declare `config.permission` (an action) or `config.public`; one that
//   declares neither refuses to register, so a route cannot forget its rule.
// - The coarse check (may this actor ever do this?) runs before the body is read; the service
//   then decides again on the actual resource (another organisation's is 404).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { AccordError } from '../errors.ts';
import type { Actor } from '../domain/policy/actor.ts';
import { decide } from '../domain/policy/decide.ts';
import { isAction } from '../domain/policy/permissions.ts';
import type { Action } from '../domain/policy/permissions.ts';
import { AccessDenied, settleRefusal } from '../domain/policy/gate.ts';
import type { LoadedSession } from '../domain/identity/signin.service.ts';
import type { Services } from '../services.ts';

export interface RouteRule {
  method: string;
  url: string;
  permission: Action | null;
  public: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every API route and the rule it declared (the authorisation matrix test walks this). */
    apiRules: RouteRule[];
  }
  interface FastifyRequest {
    actor: Actor | null;
    /** The session behind the cookie, even while it still owes a second factor. */
    session: LoadedSession | null;
  }
  interface FastifyContextConfig {
    /** API: the action a caller must be allowed. */
    permission?: Action;
    /** API: no token needed (health, published proofs). */
    public?: boolean;
    /** Pages: who may see it — anyone, anyone part-way through signing in, anyone signed in, or an action. */
    page?: 'public' | 'signing-in' | 'signed-in' | Action;
  }
}

export const sessionCookie = (secure: boolean): string =>
  secure ? '__Host-accord-session' : 'accord-session';

const isApi = (url: string): boolean => url.startsWith('/api/');

export async function registerAuth(app: FastifyInstance, services: Services): Promise<void> {
  const cookieName = sessionCookie(services.config.secureCookies);
  const rules: RouteRule[] = [];
  app.decorate('apiRules', rules);
  app.decorateRequest('actor', null);
  app.decorateRequest('session', null);

  app.addHook('onRoute', (route) => {
    const cfg = (route.config ?? {}) as {
      permission?: string;
      public?: boolean;
      page?: string;
      rateLimit?: unknown;
    };
    const where = `${String(route.method)} ${route.url}`;
    if (isApi(route.url)) {
      if (!cfg.public && !cfg.permission)
        throw new Error(
          `API route ${where} declares no permission: set config.permission or config.public`,
        );
      if (cfg.permission && !isAction(cfg.permission))
        throw new Error(`API route ${where} names an unknown action ${cfg.permission}`);
      for (const method of [route.method].flat()) {
        if (method !== 'HEAD')
          rules.push({
            method,
            url: route.url,
            permission: (cfg.permission as Action | undefined) ?? null,
            public: cfg.public === true,
          });
      }
      // Every API client is limited, by token (or address when it has none).
      cfg.rateLimit ??= { max: services.config.apiRateLimit, timeWindow: '1 minute' };
      route.config = cfg as typeof route.config;
    } else if (
      cfg.page &&
      cfg.page !== 'public' &&
      cfg.page !== 'signing-in' &&
      cfg.page !== 'signed-in' &&
      !isAction(cfg.page)
    ) {
      throw new Error(`Page ${where} names an unknown action ${cfg.page}`);
    }
  });

  await app.register(rateLimit, {
    global: false,
    // By token where a token is needed; by address on public routes, where an Authorization
    // header proves nothing and a fresh one per request would otherwise dodge the limit.
    keyGenerator: (req) =>
      req.headers.authorization && !(req.routeOptions.config as { public?: boolean }).public
        ? `t:${req.headers.authorization.slice(7, 40)}`
        : `ip:${req.ip}`,
    errorResponseBuilder: (_req, ctx) =>
      Object.assign(
        new AccordError('RATE_LIMITED', `Too many requests: try again in ${ctx.after}.`),
        { headers: { 'retry-after': String(Math.ceil(ctx.ttl / 1000)) } },
      ),
  });

  app.addHook('onRequest', async (req) => {
    if (req.url.startsWith('/static/')) return;
    if (isApi(req.url)) {
      // Before the body is even read: an unauthenticated or unauthorised caller costs no parsing.
      const cfg = req.routeOptions.config ?? {};
      if (cfg.public || !cfg.permission) return;
      const h = req.headers.authorization;
      if (h?.startsWith('Bearer '))
        req.actor = (await services.actors.fromToken(h.slice(7).trim(), { ip: req.ip })) ?? null;
      if (!req.actor) {
        throw new AccordError(
          'UNAUTHENTICATED',
          h
            ? 'The API token is unknown, expired or revoked.'
            : 'Send an API token: Authorization: Bearer accord_…',
        );
      }
      await coarseCheck(services, req.actor, cfg.permission);
      return;
    }
    const s = await services.actors.fromSession(req.cookies[cookieName]);
    if (s) {
      req.session = s.loaded;
      req.actor = s.actor;
      req.sessionKey = s.loaded.session.session_id;
    }
  });

  app.addHook('preValidation', async (req, reply) => {
    if (isApi(req.url)) return;
    const page = (req.routeOptions.config ?? {}).page;
    if (!page || page === 'public') return;
    if (page === 'signing-in') {
      if (!req.session) return redirectToSignIn(req, reply);
      return;
    }
    if (!req.actor) {
      if (req.session?.pending)
        return reply.redirect(
          req.session.pending === 'code' ? '/sign-in/code' : '/sign-in/second-factor',
          303,
        );
      return redirectToSignIn(req, reply);
    }
    if (page !== 'signed-in') await coarseCheck(services, req.actor, page);
  });
}

/** May this actor ever do this, in their own organisation? Refusals are audited. */
async function coarseCheck(services: Services, actor: Actor, action: Action): Promise<void> {
  const d = decide(actor, action, { orgId: actor.orgId, ownerPersonId: actor.personId });
  if (d.allow) return;
  const entry = {
    orgId: actor.orgId,
    actor: actor.ref,
    action,
    target: null,
    outcome: 'deny',
    details: { rule: d.rule, reason: d.reason },
  };
  throw await settleRefusal(services, new AccessDenied(d, entry));
}

function redirectToSignIn(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.url)}` : '';
  return reply.redirect(`/sign-in${next}`, 303);
}
