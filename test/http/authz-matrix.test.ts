// The authorisation matrix: every API route × every role (and a person with no role, and a
// partner-system token) × own and other organisation, each with its expected status. The routes
// come from the app itself: a new route without an entry here fails, and so does one whose
// declared permission is not the one expected.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../helpers/db.ts';
import { createTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture, Who } from '../helpers/people.ts';
import { ROLES } from '../../src/domain/policy/roles.ts';
import { nodeActor } from '../../src/domain/policy/actor.ts';
import { MATRIX as CORE } from './matrix-routes.ts';
import { RECORDS_MATRIX } from './matrix-records.ts';

// Each module keeps its entries in its own file.
const MATRIX = { ...CORE, ...RECORDS_MATRIX };

const CALLERS: (Who | 'system')[] = [...ROLES, 'member', 'system'];

forEachDialect('authorisation matrix', (dialect) => {
  let t: TestApp;
  let a: OrgFixture;
  let b: OrgFixture;
  before(async () => {
    t = await createTestApp(dialect);
    a = await setupOrg(t.services, 'Alpha Council');
    b = await setupOrg(t.services, 'Beta Police');
  });
  after(async () => t.close());

  test('every API route has a matrix entry and declares the expected permission', () => {
    const routes = t.app.apiRules.filter((r) => !r.public);
    assert.ok(routes.length >= 20, `only ${routes.length} protected routes found`);
    for (const r of routes) {
      const key = `${r.method} ${r.url}`;
      const entry = MATRIX[key];
      assert.ok(
        entry,
        `${key} has no entry in test/http/matrix-routes.ts: add one with the roles it allows`,
      );
      assert.equal(
        r.permission,
        entry.permission,
        `${key} declares ${r.permission}, expected ${entry.permission}`,
      );
    }
    for (const key of Object.keys(MATRIX))
      assert.ok(
        routes.some((r) => `${r.method} ${r.url}` === key),
        `${key} is in the matrix but not in the app`,
      );
  });

  test('every route × caller × organisation gives the expected status', async () => {
    const token = (org: OrgFixture, who: Who | 'system'): string =>
      who === 'system' ? org.systemToken : org.people[who].token;
    const failures: string[] = [];
    for (const [key, entry] of Object.entries(MATRIX)) {
      const method = key.split(' ')[0] as 'GET' | 'POST' | 'PUT' | 'DELETE';
      // Without a token: 401, whatever the route.
      const anon = await entry.build({
        services: t.services,
        own: a,
        other: b,
        who: 'administrator',
        node: nodeActor(a.orgId),
      });
      const r0 = await t.app.inject({ method, url: anon.url, payload: anon.payload as never });
      if (r0.statusCode !== 401)
        failures.push(`${key} without a token: ${r0.statusCode}, expected 401`);
      for (const who of CALLERS) {
        const allowed = entry.allowed.includes(who);
        const c = await entry.build({
          services: t.services,
          own: a,
          other: b,
          who,
          node: nodeActor(a.orgId),
        });
        const headers = {
          authorization: `Bearer ${token(a, who)}`,
          ...(c.contentType ? { 'content-type': c.contentType } : {}),
        };
        const own = await t.app.inject({
          method,
          url: c.url,
          payload: c.payload as never,
          headers,
        });
        const want = allowed ? c.ok : 403;
        if (own.statusCode !== want)
          failures.push(
            `${key} as ${who} (own organisation): ${own.statusCode}, expected ${want}: ${own.body.slice(0, 160)}`,
          );
        if (c.crossUrl) {
          const cross = await t.app.inject({
            method,
            url: c.crossUrl,
            payload: c.payload as never,
            headers,
          });
          const wantCross = (entry.coarse ?? entry.allowed).includes(who) ? 404 : 403;
          if (cross.statusCode !== wantCross)
            failures.push(
              `${key} as ${who} (other organisation): ${cross.statusCode}, expected ${wantCross}: ${cross.body.slice(0, 160)}`,
            );
        }
      }
    }
    assert.deepEqual(failures, []);
  });
});
