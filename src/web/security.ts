// Web security: helmet's headers on every response, a Content-Security-Policy with a fresh nonce
// on every page, and CSRF protection on every state-changing form. The CSRF secret lives in an HttpOnly, SameSite=Strict
// cookie and each token is bound to the session, so a token from one session is useless in
// another. The JSON API is exempt: it takes bearer tokens only, never cookies.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import helmet from 'helmet';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import type { Config } from '../config.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The server-side session id once signed in ('' before). Binds CSRF tokens to the session. */
    sessionKey: string;
  }
  interface FastifyContextConfig {
    /** Set false on routes that authenticate by other means (signed webhooks). */
    csrf?: boolean;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What CSRF tokens are bound to: the session, or (before signing in) no one in particular. */
export function csrfUserInfo(req: FastifyRequest): string {
  return req.sessionKey || 'anonymous';
}

export function csrfExempt(req: FastifyRequest): boolean {
  return req.url.startsWith('/api/') || req.routeOptions.config?.csrf === false;
}

function cspDirectives(config: Config): Record<string, string[]> {
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    objectSrc: ["'none'"],
    ...(config.secureCookies ? { upgradeInsecureRequests: [] } : {}),
  };
}

const kebab = (k: string): string => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The Content-Security-Policy of a page: scripts and styles also need this page's nonce. */
export function pageCsp(config: Config, nonce: string): string {
  return Object.entries(cspDirectives(config))
    .map(([k, v]) => {
      const values = k === 'scriptSrc' || k === 'styleSrc' ? [...v, `'nonce-${nonce}'`] : v;
      return [kebab(k), ...values].join(' ');
    })
    .join('; ');
}

/** The headers a helmet middleware sets, captured once from a stand-in response. */
function staticHeaders(
  middleware: (req: IncomingMessage, res: ServerResponse, next: (e?: unknown) => void) => void,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (k: string, v: string) => void (headers[k.toLowerCase()] = String(v)),
    removeHeader: (k: string) => void delete headers[k.toLowerCase()],
  } as unknown as ServerResponse;
  middleware({ headers: {} } as IncomingMessage, res, (e) => {
    if (e) throw e instanceof Error ? e : new Error('helmet refused its options');
  });
  return headers;
}

export async function registerWebSecurity(
  app: FastifyInstance,
  config: Config,
  formSecret: Buffer,
): Promise<void> {
  // Every response gets helmet's headers, worked out once (they never change), with a CSP
  // without a nonce; pages (reply.page) replace the CSP with one carrying a fresh nonce, so API
  // calls do not pay for random bytes they never use.
  const headers = staticHeaders(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(config) },
      hsts: config.secureCookies ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      referrerPolicy: { policy: 'same-origin' },
    }),
  );
  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers);
    done();
  });
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: config.bodyLimitBytes });
  app.decorateRequest('sessionKey', '');
  await app.register(csrf, {
    // __Host- cookies are only accepted over HTTPS, from this host, for the whole site.
    cookieKey: config.secureCookies ? '__Host-accord-csrf' : 'accord-csrf',
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure: config.secureCookies },
    getUserInfo: (req: FastifyRequest) => csrfUserInfo(req),
    csrfOpts: { hmacKey: formSecret },
    getToken: (req: FastifyRequest) => {
      const body = req.body as Record<string, unknown> | undefined;
      const fromBody = body && typeof body === 'object' ? body._csrf : undefined;
      if (typeof fromBody === 'string') return fromBody;
      // File uploads are streamed, so their forms carry the token in the address instead.
      const fromQuery = (req.headers['content-type'] ?? '').startsWith('multipart/form-data')
        ? (req.query as Record<string, unknown>)._csrf
        : undefined;
      return typeof fromQuery === 'string'
        ? fromQuery
        : (req.headers['x-csrf-token'] as string | undefined);
    },
  });
  // Every unsafe request to a page route is checked: no route can forget to opt in.
  app.addHook('preHandler', (req, reply, done) => {
    if (!UNSAFE.has(req.method) || csrfExempt(req)) return done();
    app.csrfProtection(req, reply, done);
  });
}
