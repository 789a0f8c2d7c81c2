// Logging: pino through Fastify, with request ids and nothing secret. Headers that carry
// credentials are never serialised, and URL segments that look like one-time tokens are masked.
import type { FastifyServerOptions } from 'fastify';
import type { Config } from './config.ts';

/** Masks path segments and query values that look like tokens (long random strings). */
export function safeUrl(url: string): string {
  const [pathPart = '', query] = url.split('?', 2);
  const p = pathPart.replace(/\/[A-Za-z0-9_-]{24,}(?=\/|$)/g, '/…');
  if (query === undefined) return p;
  const q = query.replace(
    /([^&=]*(?:token|code|secret|password|key|csrf|state)[^&=]*)=[^&]*/gi,
    '$1=…',
  );
  return `${p}?${q}`;
}

export function loggerOptions(config: Config): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.token',
        '*.secret',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; url: string; id: string; ip?: string }) => ({
        method: req.method,
        url: safeUrl(req.url),
        id: req.id,
        ip: req.ip,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}
