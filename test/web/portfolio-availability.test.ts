// Availability from real health checks: a local service that goes down and comes back shows on
// the application's availability page (current status, outage, 90-day uptime); addresses on
// hosts no longer registered are not called.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { forEachDialect } from '../helpers/db.ts';
import { createTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { nodeActor } from '../../src/domain/policy/actor.ts';
import type { Actor } from '../../src/domain/policy/actor.ts';

forEachDialect('health checks and the availability page', (dialect) => {
  let t: TestApp;
  let node: Actor;
  let appId: string;
  let hostId: string;
  let server: http.Server;
  let port = 0;
  let calls = 0;
  const listen = async (): Promise<void> => {
    server = http.createServer((req, res) => {
      calls++;
      if (req.url === '/moved') {
        res.writeHead(302, { location: 'http://169.254.169.254/latest' }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  };
  const stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  const page = async (): Promise<string> => {
    const r = await t.app.inject({ url: `/status/${appId}` });
    assert.equal(r.statusCode, 200);
    return r.body;
  };

  before(async () => {
    t = await createTestApp(dialect);
    const orgId = (await t.services.orgs.create({ name: 'Northshire', kind: 'council' }, 'node'))
      .id;
    node = nodeActor(orgId);
    await listen();
    hostId = (await t.services.portfolio.availability.addHost(node, `127.0.0.1:${port}`)).id;
    appId = (
      await t.services.portfolio.applications.create(node, {
        name: 'Rent accounts',
        healthCheckUrl: `http://127.0.0.1:${port}/health`,
        statusPublic: true,
      })
    ).id;
  });
  after(async () => {
    if (server.listening) await stop();
    await t.close();
  });

  test('up, then down, then up again, as the page shows', async () => {
    assert.match(await page(), /Not checked yet/);
    assert.equal(await t.services.portfolio.availability.runChecks(), 1);
    let html = await page();
    assert.match(html, /govuk-tag--green">Up</);
    assert.match(html, /answering in \d+ ms/);
    await stop();
    await t.services.portfolio.availability.runChecks();
    html = await page();
    assert.match(html, /govuk-tag--red">Down</);
    assert.match(html, /and still down/);
    await listen();
    await t.services.portfolio.availability.runChecks();
    html = await page();
    assert.match(html, /govuk-tag--green">Up</);
    assert.match(html, /Down from .* to /);
    assert.doesNotMatch(html, /still down/);
    // Two of three checks today were up.
    assert.match(html, /<strong>67%<\/strong> of checks found it up/);
    const s = await t.services.portfolio.availability.status(node, appId);
    assert.deepEqual(s.outages.length, 1);
    assert.equal(s.days.at(-1)!.checks, 3);
    const changes = await t.services.audit.list({ orgId: node.orgId });
    assert.deepEqual(
      changes
        .filter((e) => e.action.startsWith('portfolio.availability.'))
        .map((e) => e.action)
        .reverse(),
      ['portfolio.availability.up', 'portfolio.availability.down', 'portfolio.availability.up'],
    );
  });

  test('a redirect is not followed, and an address whose host is no longer registered is not called', async () => {
    await t.services.portfolio.applications.update(node, appId, {
      healthCheckUrl: `http://127.0.0.1:${port}/moved`,
    });
    const before = calls;
    await t.services.portfolio.availability.runChecks();
    assert.equal(calls, before + 1, 'only the registered host was called');
    assert.match(await page(), /govuk-tag--green">Up</);
    await t.services.portfolio.availability.removeHost(node, hostId);
    assert.equal(await t.services.portfolio.availability.runChecks(), 0);
    assert.equal(calls, before + 1);
  });

  test('incident and maintenance notices appear on the page; a page that is not public needs signing in', async () => {
    await t.services.portfolio.availability.postNotice(node, appId, {
      kind: 'incident',
      title: 'Statements are slow',
    });
    const later = new Date(Date.now() + 86_400_000).toISOString();
    const end = new Date(Date.now() + 90_000_000).toISOString();
    await t.services.portfolio.availability.postNotice(node, appId, {
      kind: 'maintenance',
      title: 'Database upgrade',
      startsAt: later,
      endsAt: end,
    });
    const html = await page();
    assert.match(html, /Incident: Statements are slow/);
    assert.match(html, /Planned maintenance[\s\S]*Database upgrade/);
    await t.services.portfolio.applications.update(node, appId, { statusPublic: false });
    const r = await t.app.inject({ url: `/status/${appId}` });
    assert.equal(r.statusCode, 303);
    assert.match(r.headers.location as string, /^\/sign-in\?next=/);
    assert.equal((await t.app.inject({ url: `/api/status/${appId}` })).statusCode, 404);
  });
});
