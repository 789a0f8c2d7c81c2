import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../helpers/db.ts';
import { createTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';

forEachDialect('system routes', (dialect) => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp(dialect, { ACCORD_BODY_LIMIT: '2048' });
  });
  after(async () => t.close());

  test('/healthz checks the database', async () => {
    const r = await t.app.inject({ url: '/healthz' });
    assert.equal(r.statusCode, 200);
    assert.equal(r.json().status, 'ok');
    assert.equal(r.json().database, dialect);
  });

  test('/metrics exposes request counts and latency by route, audit size and checkpoint age', async () => {
    await t.app.inject({ url: '/healthz' });
    await t.services.audit.checkpoint();
    const r = await t.app.inject({ url: '/metrics' });
    assert.equal(r.statusCode, 200);
    assert.match(r.headers['content-type'] as string, /^text\/plain/);
    assert.match(
      r.body,
      /accord_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/,
    );
    assert.match(
      r.body,
      /accord_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/healthz",status="200"\}/,
    );
    assert.match(r.body, /accord_audit_log_entries \d+/);
    assert.match(r.body, /accord_audit_checkpoint_age_seconds \d/);
  });

  test('/openapi.json is OpenAPI 3.1 generated from the route schemas', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json();
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.paths['/api/audit/proof/{seq}'].get.responses['200']);
    assert.ok(doc.paths['/healthz']);
    assert.equal(doc.paths['/'], undefined, 'pages are not API');
  });

  test('every response carries a request id and security headers', async () => {
    const r = await t.app.inject({ url: '/', headers: { 'x-request-id': 'forged\nline' } });
    assert.match(r.headers['x-request-id'] as string, /^[0-9a-f-]{36}$/);
    assert.equal(r.headers['x-frame-options'], 'SAMEORIGIN');
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
  });

  test('pages carry a CSP with a fresh nonce that their scripts use', async () => {
    const a = await t.app.inject({ url: '/' });
    const b = await t.app.inject({ url: '/' });
    const csp = a.headers['content-security-policy'] as string;
    const nonce = /script-src 'self' 'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce, csp);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /object-src 'none'/);
    assert.ok(a.body.includes(`nonce="${nonce}"`));
    assert.notEqual(
      nonce,
      /nonce-([^']+)/.exec(b.headers['content-security-policy'] as string)?.[1],
    );
    assert.doesNotMatch(a.body, /GDS Transport|govuk-crest|crown/i);
  });

  test('bad input gets a stable code and a clear message, never a stack trace', async () => {
    const cases = [
      { req: { method: 'GET' as const, url: '/api/nothing-here' }, status: 404, code: 'NOT_FOUND' },
      {
        req: { method: 'GET' as const, url: '/api/audit/proof/abc' },
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        req: { method: 'GET' as const, url: '/api/audit/proof/999999' },
        status: 404,
        code: 'AUDIT_NO_SUCH_ENTRY',
      },
      {
        req: { method: 'GET' as const, url: '/api/audit/consistency?first=5&second=2' },
        status: 400,
        code: 'AUDIT_BAD_RANGE',
      },
      {
        req: {
          method: 'POST' as const,
          url: '/api/audit/proof/1',
          headers: { 'content-type': 'application/json' },
          payload: '{"broken',
        },
        status: 400,
        code: 'BAD_JSON',
      },
      {
        req: {
          method: 'POST' as const,
          url: '/api/audit/proof/1',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({ x: 'y'.repeat(5000) }),
        },
        status: 413,
        code: 'BODY_TOO_LARGE',
      },
    ];
    for (const c of cases) {
      const r = await t.app.inject(c.req);
      assert.equal(r.statusCode, c.status, `${c.req.method} ${c.req.url}: ${r.body}`);
      const body = r.json();
      assert.equal(body.error.code, c.code, c.req.url);
      assert.ok(body.error.message.length > 0);
      assert.doesNotMatch(r.body, /at .*\.ts:\d+|node_modules/);
    }
    const v = (await t.app.inject({ url: '/api/audit/proof/abc' })).json();
    assert.deepEqual(v.error.problems, [{ field: 'params.seq', message: 'must be integer' }]);
  });

  test('an unknown page gets the GOV.UK-style 404 page', async () => {
    const r = await t.app.inject({ url: '/no/such/page' });
    assert.equal(r.statusCode, 404);
    assert.match(r.headers['content-type'] as string, /text\/html/);
    assert.match(r.body, /<h1 class="govuk-heading-l">Page not found<\/h1>/);
  });

  test('a form post without a valid CSRF token is refused', async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'a=1',
    });
    assert.equal(r.statusCode, 403);
    assert.match(r.body, /The form has expired/);
  });

  test('the start page tells a newcomer what Accord is and what to do next', async () => {
    const r = await t.app.inject({ url: '/' });
    assert.equal(r.statusCode, 200);
    assert.match(r.body, /Share personal data lawfully, securely and provably/);
    assert.match(r.body, /href="\/sign-in"/);
    assert.match(r.body, /class="govuk-skip-link"/);
  });
});
