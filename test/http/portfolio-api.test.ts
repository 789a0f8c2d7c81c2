// The portfolio API with bad input: events and CSV files are stored whole or not at all, with
// line-numbered problems; scans with unknown SARIF rules and health checks outside the registered
// hosts are refused with their codes; a partner system can send events and scans.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { forEachDialect } from '../helpers/db.ts';
import { createTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture } from '../helpers/people.ts';

const scan = (name: string): string =>
  fs.readFileSync(new URL(`../fixtures/portfolio/scans/${name}`, import.meta.url), 'utf8');

forEachDialect('portfolio API', (dialect) => {
  let t: TestApp;
  let org: OrgFixture;
  let appId: string;
  const call = (
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    payload?: unknown,
    token = org.people.administrator.token,
    type?: string,
  ) =>
    t.app.inject({
      method,
      url,
      payload: payload as never,
      headers: { authorization: `Bearer ${token}`, ...(type ? { 'content-type': type } : {}) },
    });
  const events = async () =>
    (
      await call(
        'GET',
        `/api/portfolio/applications/${appId}/delivery?from=2026-01-01T00:00:00Z&to=2026-12-31T00:00:00Z`,
      )
    ).json().recent.length;

  before(async () => {
    t = await createTestApp(dialect);
    org = await setupOrg(t.services, 'Northshire');
    const r = await call('POST', '/api/portfolio/applications', {
      name: 'Council tax',
      critical: true,
      lifecycle: 'active',
      hosting: 'on-premises',
    });
    assert.equal(r.statusCode, 201, r.body);
    appId = r.json().id;
  });
  after(async () => t.close());

  test('the event API stores every event or none', async () => {
    let r = await call('POST', '/api/portfolio/events', {
      events: [
        {
          type: 'change',
          application: 'Council tax',
          sha: 'aaaaaaa1',
          committedAt: '2026-03-01T09:00:00Z',
          at: '2026-03-01T10:00:00Z',
        },
        { type: 'deployment', application: 'Council tax', id: 'd1', at: 'yesterday' },
        {
          type: 'incident',
          application: 'Nonesuch',
          id: 'i1',
          openedAt: '2026-03-02T10:00:00Z',
          resolvedAt: '2026-03-02T09:00:00Z',
        },
      ],
    });
    assert.equal(r.statusCode, 400);
    const fields = r
      .json()
      .error.problems.map((p: { field: string }) => p.field)
      .sort();
    assert.deepEqual(fields, ['events.1.at', 'events.2.application', 'events.2.resolvedAt']);
    assert.equal(await events(), 0);
    r = await call(
      'POST',
      '/api/portfolio/events',
      {
        events: [
          {
            type: 'change',
            application: 'Council tax',
            sha: 'aaaaaaa1',
            committedAt: '2026-03-01T09:00:00Z',
            at: '2026-03-01T10:00:00Z',
          },
          {
            type: 'deployment',
            application: appId,
            id: 'd1',
            at: '2026-03-01T12:00:00Z',
            sha: 'aaaaaaa1',
          },
          {
            type: 'deployment',
            application: appId,
            id: 'd1',
            at: '2026-03-01T12:00:00Z',
            sha: 'aaaaaaa1',
          },
        ],
      },
      org.systemToken,
    );
    assert.equal(r.statusCode, 201, r.body);
    assert.deepEqual(r.json(), { received: 3, stored: 2, duplicates: 1 });
  });

  test('a CSV of events with an unknown column or bad rows imports nothing, naming each line', async () => {
    let r = await call(
      'POST',
      '/api/portfolio/events/import',
      'application,type,id,at,team\nCouncil tax,deployment,d2,2026-03-03T10:00:00Z,blue\n',
      undefined,
      'text/csv',
    );
    assert.equal(r.statusCode, 400);
    assert.deepEqual(r.json().error.problems[0].line, 1);
    assert.match(r.json().error.problems[0].message, /Unknown column “team”/);
    const csv = [
      'application,type,id,at,sha,committed_at,environment,status,resolved_at,rework',
      'Council tax,deployment,d2,2026-03-03T10:00:00Z,bbbbbbb2,,production,success,,no',
      'Council tax,change,,2026-03-03T09:00:00Z,zzz,2026-03-03T08:00:00Z,,,,',
      'Council tax,incident,,2026-03-04T10:00:00Z,,,,,2026-03-04T12:00:00Z,perhaps',
      'Housing,deployment,d3,2026-03-03T10:00:00Z,,,,,,',
    ].join('\n');
    r = await call('POST', '/api/portfolio/events/import', csv, undefined, 'text/csv');
    assert.equal(r.statusCode, 400);
    const lines = r
      .json()
      .error.problems.map((p: { line: number; field: string }) => `${p.line}:${p.field}`)
      .sort();
    assert.deepEqual(lines, ['3:sha', '4:id', '4:rework', '5:application']);
    assert.equal(await events(), 2);
    r = await call(
      'POST',
      '/api/portfolio/events/import',
      csv.split('\n').slice(0, 2).join('\n'),
      undefined,
      'text/csv',
    );
    assert.equal(r.statusCode, 201);
    assert.equal(r.json().stored, 1);
  });

  test('scans: SARIF with unknown rule ids is refused with a code; a partner system can send a CycloneDX scan', async () => {
    let r = await call(
      'POST',
      `/api/portfolio/applications/${appId}/scans`,
      scan('codeql-unknown-rule.sarif.json'),
      undefined,
      'application/json',
    );
    assert.equal(r.statusCode, 400);
    assert.equal(r.json().error.code, 'SCAN_UNKNOWN_RULE');
    assert.equal(r.json().error.problems[0].field, 'runs[0].results[1].ruleId');
    r = await call(
      'POST',
      `/api/portfolio/applications/${appId}/scans?format=cyclonedx`,
      scan('claims.cdx.json'),
      org.systemToken,
      'application/json',
    );
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(r.json().opened, 2);
    r = await call('GET', `/api/portfolio/applications/${appId}/vulnerabilities?state=open`);
    assert.equal(r.json().vulnerabilities.length, 2);
    r = await call(
      'POST',
      `/api/portfolio/applications/${appId}/scans`,
      { just: 'json' },
      undefined,
      'application/json',
    );
    assert.equal(r.json().error.code, 'SCAN_UNREADABLE');
  });

  test('a health-check address that is not http(s) or not on a registered host is refused', async () => {
    for (const url of ['ftp://tax.example/health', 'http://tax.example/health']) {
      const r = await call('PUT', `/api/portfolio/applications/${appId}`, { healthCheckUrl: url });
      assert.equal(r.statusCode, 400);
      assert.equal(r.json().error.code, 'HEALTH_URL_REFUSED');
    }
    assert.equal(
      (await call('POST', '/api/portfolio/health-hosts', { host: 'tax.example' })).statusCode,
      201,
    );
    const r = await call('PUT', `/api/portfolio/applications/${appId}`, {
      healthCheckUrl: 'http://tax.example/health',
      statusPublic: true,
    });
    assert.equal(r.statusCode, 200);
    const pub = await t.app.inject({ url: `/api/status/${appId}` });
    assert.equal(pub.statusCode, 200);
    assert.equal(pub.json().status, 'unknown');
  });
});
