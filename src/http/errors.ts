// Maps every error to the catalogue: `{ "error": { "code", "message", "problems"? } }` for the
// API, a GOV.UK error page for the web. Unexpected errors are logged with their stack and reach
// the client only as INTERNAL with the request id — never a stack trace.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AccordError, isAccordError } from '../errors.ts';
import type { ErrorCode, Problem } from '../errors.ts';

/** Requests answered with JSON rather than pages. */
export function wantsJson(req: FastifyRequest): boolean {
  const url = req.url;
  return (
    url.startsWith('/api/') ||
    url === '/api' ||
    url.startsWith('/healthz') ||
    url.startsWith('/metrics') ||
    url.startsWith('/openapi.json')
  );
}

interface AjvIssue {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

function problemsFromValidation(e: FastifyError): Problem[] {
  const issues = (e.validation ?? []) as AjvIssue[];
  const where = e.validationContext ?? 'body';
  return issues.map((i) => {
    const missing = i.params?.missingProperty as string | undefined;
    const extra = i.params?.additionalProperty as string | undefined;
    const path = `${i.instancePath ?? ''}${missing ? `/${missing}` : ''}${extra ? `/${extra}` : ''}`
      .replace(/^\//, '')
      .replace(/\//g, '.');
    const message = extra ? `${extra} is not a known field` : (i.message ?? 'is not valid');
    return { field: path ? `${where}.${path}` : where, message };
  });
}

/** Turns anything thrown into an AccordError (unknown errors become INTERNAL). */
export function toAccordError(e: unknown): AccordError {
  if (isAccordError(e)) return e;
  const fe = e as FastifyError & { statusCode?: number };
  if (fe.validation)
    return new AccordError(
      'VALIDATION_FAILED',
      'The request is not valid.',
      problemsFromValidation(fe),
    );
  const byCode: Record<string, ErrorCode> = {
    FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
    FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
    FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_JSON',
    FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_JSON',
    FST_CSRF_INVALID_TOKEN: 'CSRF_INVALID',
    FST_CSRF_MISSING_SECRET: 'CSRF_INVALID',
  };
  const mapped = fe.code ? byCode[fe.code] : undefined;
  if (mapped) return new AccordError(mapped);
  if (e instanceof SyntaxError && fe.statusCode === 400) return new AccordError('BAD_JSON');
  if (fe.statusCode === 429) return new AccordError('RATE_LIMITED');
  if (fe.statusCode === 404) return new AccordError('NOT_FOUND');
  if (fe.statusCode === 405) return new AccordError('METHOD_NOT_ALLOWED');
  if (fe.statusCode === 400) return new AccordError('VALIDATION_FAILED', fe.message);
  return new AccordError('INTERNAL');
}

export function errorBody(err: AccordError): {
  error: { code: string; message: string; problems?: Problem[] };
} {
  return {
    error: {
      code: err.code,
      message: err.message,
      ...(err.problems.length ? { problems: err.problems } : {}),
    },
  };
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(async (e: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const err = toAccordError(e);
    if (err.code === 'INTERNAL') req.log.error({ err: e }, 'unhandled error');
    else req.log.info({ code: err.code }, err.message);
    reply.code(err.status);
    if (err.code === 'RATE_LIMITED') {
      const retry = (e as { headers?: Record<string, string> }).headers?.['retry-after'];
      if (retry) reply.header('retry-after', retry);
    }
    if (wantsJson(req) || !reply.page) return reply.send(errorBody(err));
    return reply.page(
      err.status === 404
        ? 'errors/404.njk'
        : err.status >= 500
          ? 'errors/500.njk'
          : 'errors/problem.njk',
      {
        pageTitle:
          err.status === 404
            ? 'Page not found'
            : err.status >= 500
              ? 'Sorry, there is a problem with Accord'
              : 'There is a problem',
        error: err,
        requestId: req.id,
      },
    );
  });
  app.setNotFoundHandler(async (req) => {
    throw new AccordError(
      'NOT_FOUND',
      req.url.startsWith('/api')
        ? `There is no API route ${req.method} ${req.url.split('?')[0]}.`
        : undefined,
    );
  });
}
