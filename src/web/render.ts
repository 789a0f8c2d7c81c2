// Page rendering: Nunjucks with GOV.UK Frontend's templates, autoescaped, one environment per
// app. `reply.page()` adds what every page needs: the CSP nonce, a CSRF token, the signed-in
// person and the navigation.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { dateItems } from './pages.ts';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import { csrfUserInfo, pageCsp } from './security.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

declare module 'fastify' {
  interface FastifyInstance {
    assetVersion: string;
  }
  interface FastifyReply {
    /** Renders a page template with the common page context. */
    page(template: string, data?: Record<string, unknown>): FastifyReply;
  }
}

export interface PageContextExtra {
  (reply: FastifyReply): Record<string, unknown>;
}

export function createViews(): nunjucks.Environment {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader(
      [path.join(root, 'src/web/views'), path.join(root, 'node_modules/govuk-frontend/dist')],
      { noCache: false },
    ),
    { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true },
  );
  env.addFilter('date', (iso: unknown) =>
    typeof iso === 'string' && iso
      ? new Date(iso).toLocaleString('en-GB', {
          dateStyle: 'medium',
          timeStyle: 'short',
          timeZone: 'Europe/London',
        })
      : '',
  );
  env.addFilter('json', (v: unknown) => JSON.stringify(v, null, 2));
  env.addFilter('day', (iso: unknown) =>
    typeof iso === 'string' && iso
      ? new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso).toLocaleDateString('en-GB', {
          day: 'numeric',
          month: 'long',
          year: 'numeric',
          timeZone: 'Europe/London',
        })
      : '',
  );
  env.addGlobal('dateItems', dateItems);
  // Lawful bases as radios or checkboxes, each with its guidance as a hint.
  env.addGlobal(
    'basisRadios',
    (
      list: { code: string; label: string; guidance: string }[],
      chosen: unknown,
      mark: 'checked' = 'checked',
    ) => {
      const picked = new Set((Array.isArray(chosen) ? chosen : [chosen]).map(String));
      return list.map((b) => ({
        value: b.code,
        text: b.label,
        hint: { text: b.guidance },
        [mark]: picked.has(b.code),
      }));
    },
  );
  // Items for checkboxes, radios and selects: [value, text] pairs, with what was chosen marked.
  env.addGlobal(
    'choiceItems',
    (
      options: ([string, string] | string)[],
      chosen: unknown,
      mark: 'checked' | 'selected' = 'checked',
    ) => {
      const picked = new Set(
        (Array.isArray(chosen)
          ? chosen
          : chosen === undefined || chosen === null
            ? []
            : [chosen]
        ).map(String),
      );
      return options.map((o) => {
        const [value, text] = Array.isArray(o) ? o : [o, o];
        return { value, text, [mark]: picked.has(value) };
      });
    },
  );
  return env;
}

/** Registers reply.page(); `extra` contributes per-request context (user, navigation). */
export function registerPages(
  app: FastifyInstance,
  config: Config,
  extra: PageContextExtra[] = [],
): void {
  const views = createViews();
  app.decorateReply(
    'page',
    function page(this: FastifyReply, template: string, data: Record<string, unknown> = {}) {
      // eslint-disable-next-line @typescript-eslint/no-this-alias -- decorators receive the reply as `this`
      const reply: FastifyReply = this;
      const nonce = randomBytes(16).toString('base64');
      reply.header('content-security-policy', pageCsp(config, nonce));
      const ctx: Record<string, unknown> = {
        cspNonce: nonce,
        csrfToken: reply.generateCsrf({ userInfo: csrfUserInfo(reply.request) }),
        assetVersion: app.assetVersion,
        currentPath: reply.request.url.split('?')[0],
        requestId: reply.request.id,
        ...(Object.assign({}, ...extra.map((fn) => fn(reply))) as Record<string, unknown>),
        ...data,
      };
      const html = views.render(template, ctx);
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
    },
  );
}
