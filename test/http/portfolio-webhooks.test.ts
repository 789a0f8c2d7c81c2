// GitHub and GitLab webhooks through the HTTP API: sample payloads signed with the application's
// secret are stored once however often they are delivered; unsigned, wrongly signed or malformed
// deliveries are refused and written to the audit log.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import { forEachDialect } from '../helpers/db.ts';
import { createTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { nodeActor } from '../../src/domain/policy/actor.ts';

const fixture = (name: string): Buffer =>
  fs.readFileSync(new URL(`../fixtures/portfolio/${name}`, import.meta.url));
const sign = (secret: string, body: Buffer): string =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const MARCH = '?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z&unit=month';

forEachDialect('portfolio webhooks', (dialect) => {
  let t: TestApp;
  let orgId: string;
  let gh: { id: string; secret: string };
  let gl: { id: string; secret: string };
  before(async () => {
    t = await createTestApp(dialect);
    orgId = (await t.services.orgs.create({ name: 'Northshire', kind: 'council' }, 'node')).id;
    const node = nodeActor(orgId);
    const p = t.services.portfolio.applications;
    const a = await p.create(node, { name: 'Housing portal' });
    const b = await p.create(node, { name: 'Benefits claims' });
    gh = { id: a.id, secret: (await p.rotateWebhookSecret(node, a.id)).secret };
    gl = { id: b.id, secret: (await p.rotateWebhookSecret(node, b.id)).secret };
  });
  after(async () => t.close());

  const github = (event: string, delivery: string, body: Buffer, signature?: string) =>
    t.app.inject({
      method: 'POST',
      url: `/api/portfolio/webhooks/github/${gh.id}`,
      headers: {
        'content-type': 'application/json',
        'x-github-event': event,
        'x-github-delivery': delivery,
        ...(signature === undefined ? {} : { 'x-hub-signature-256': signature }),
      },
      payload: body,
    });
  const gitlab = (event: string, uuid: string, body: Buffer, token?: string) =>
    t.app.inject({
      method: 'POST',
      url: `/api/portfolio/webhooks/gitlab/${gl.id}`,
      headers: {
        'content-type': 'application/json',
        'x-gitlab-event': event,
        'x-gitlab-event-uuid': uuid,
        ...(token === undefined ? {} : { 'x-gitlab-token': token }),
      },
      payload: body,
    });
  const stored = async (appId: string): Promise<number> =>
    Number(
      (
        await t.services.store.db
          .selectFrom('delivery_event')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('app_id', '=', appId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const refusals = async () =>
    (await t.services.audit.list({ action: 'portfolio.webhook.refused' })).length;

  test('GitHub: signed push, deployment_status, incident and ping are accepted; a redelivery counts once', async () => {
    const push = fixture('github/push.json');
    let r = await github('push', 'gh-1', push, sign(gh.secret, push));
    assert.equal(r.statusCode, 202, r.body);
    assert.deepEqual(r.json(), { outcome: 'accepted', event: 'push', events: 2 });
    const ds = fixture('github/deployment_status.json');
    r = await github('deployment_status', 'gh-2', ds, sign(gh.secret, ds));
    assert.deepEqual(r.json(), { outcome: 'accepted', event: 'deployment_status', events: 1 });
    r = await github('deployment_status', 'gh-2', ds, sign(gh.secret, ds));
    assert.equal(r.statusCode, 202);
    assert.deepEqual(r.json(), { outcome: 'duplicate', event: 'deployment_status', events: 0 });
    // The same event under a new delivery id (a manual re-send) is accepted but stored once.
    r = await github('deployment_status', 'gh-3', ds, sign(gh.secret, ds));
    assert.deepEqual(r.json(), { outcome: 'accepted', event: 'deployment_status', events: 1 });
    const issue = fixture('github/issues-incident.json');
    r = await github('issues', 'gh-4', issue, sign(gh.secret, issue));
    assert.deepEqual(r.json(), { outcome: 'accepted', event: 'issues', events: 2 });
    const ping = fixture('github/ping.json');
    r = await github('ping', 'gh-5', ping, sign(gh.secret, ping));
    assert.deepEqual(r.json(), { outcome: 'accepted', event: 'ping', events: 0 });
    await t.services.portfolio.webhooks.flush();
    // A redelivery after the first was committed is still recognised.
    r = await github('push', 'gh-1', push, sign(gh.secret, push));
    assert.equal(r.json().outcome, 'duplicate');
    assert.equal(await stored(gh.id), 5);

    const token = (
      await t.services.tokens.create(nodeActor(orgId), {
        name: 'reader',
        scopes: ['portfolio:read'],
        expiresInDays: 1,
        system: true,
      })
    ).secret;
    const m = (
      await t.app.inject({
        url: `/api/portfolio/applications/${gh.id}/delivery${MARCH}`,
        headers: { authorization: `Bearer ${token}` },
      })
    ).json().measures;
    // Commits at 09:00 and 09:30, deployed at 12:00: lead times 3 h and 2.5 h.
    assert.equal(m.deployments, 1);
    assert.equal(m.leadTimeHours, 2.75);
    // Issue 77 names the deployed commit as its root cause: 1 of 1 deployments failed; 4 h to restore.
    assert.equal(m.changeFailureRate, 1);
    assert.equal(m.recoveryHours, 4);
  });

  test('GitHub: unsigned, wrongly signed, old-secret, malformed and unknown-application deliveries are refused and audited', async () => {
    const ds = fixture('github/deployment_status.json');
    const before = await refusals();
    let r = await github('deployment_status', 'bad-1', ds);
    assert.equal(r.statusCode, 401);
    assert.equal(r.json().error.code, 'WEBHOOK_SIGNATURE_INVALID');
    r = await github('deployment_status', 'bad-2', ds, sign('not the secret', ds));
    assert.equal(r.statusCode, 401);
    r = await github('deployment_status', 'bad-3', ds, 'sha256=zz');
    assert.equal(r.statusCode, 401);
    // A body changed after signing.
    const tampered = Buffer.from(ds.toString().replace('"success"', '"failure"'));
    r = await github('deployment_status', 'bad-4', tampered, sign(gh.secret, ds));
    assert.equal(r.statusCode, 401);
    const junk = Buffer.from('{"deployment": ');
    r = await github('deployment_status', 'bad-5', junk, sign(gh.secret, junk));
    assert.equal(r.statusCode, 400);
    assert.equal(r.json().error.code, 'BAD_JSON');
    r = await t.app.inject({
      method: 'POST',
      url: '/api/portfolio/webhooks/github/00000000-0000-4000-8000-000000000000',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-hub-signature-256': sign(gh.secret, ds),
      },
      payload: ds,
    });
    assert.equal(r.statusCode, 401);
    assert.equal(await refusals(), before + 6);
    const entry = (await t.services.audit.list({ action: 'portfolio.webhook.refused' })).find(
      (e) => e.details.delivery === 'bad-2',
    );
    assert.equal(entry?.orgId, orgId);
    assert.equal(entry?.outcome, 'refused');
    // After a new secret is set, the old one is refused.
    const old = gh.secret;
    gh.secret = (
      await t.services.portfolio.applications.rotateWebhookSecret(nodeActor(orgId), gh.id)
    ).secret;
    r = await github('deployment_status', 'bad-6', ds, sign(old, ds));
    assert.equal(r.statusCode, 401);
    r = await github('deployment_status', 'good-6', ds, sign(gh.secret, ds));
    assert.equal(r.statusCode, 202);
    // Nothing refused was stored.
    await t.services.portfolio.webhooks.flush();
    assert.equal(await stored(gh.id), 5);
  });

  test('GitLab: push, merge request, deployment and incident with the token; the merged commit counts once', async () => {
    const push = fixture('gitlab/push.json');
    let r = await gitlab('Push Hook', 'gl-1', push, gl.secret);
    assert.deepEqual(r.json(), { outcome: 'accepted', event: 'Push Hook', events: 2 });
    const mr = fixture('gitlab/merge_request.json');
    r = await gitlab('Merge Request Hook', 'gl-2', mr, gl.secret);
    // Its last commit came with the push already: carried, but stored once.
    assert.deepEqual(r.json(), { outcome: 'accepted', event: 'Merge Request Hook', events: 1 });
    const dep = fixture('gitlab/deployment.json');
    r = await gitlab('Deployment Hook', 'gl-3', dep, gl.secret);
    assert.deepEqual(r.json(), { outcome: 'accepted', event: 'Deployment Hook', events: 1 });
    r = await gitlab('Deployment Hook', 'gl-3', dep, gl.secret);
    assert.equal(r.json().outcome, 'duplicate');
    const inc = fixture('gitlab/issue-incident.json');
    r = await gitlab('Issue Hook', 'gl-4', inc, gl.secret);
    assert.deepEqual(r.json(), { outcome: 'accepted', event: 'Issue Hook', events: 1 });
    await t.services.portfolio.webhooks.flush();
    assert.equal(await stored(gl.id), 4);
    const d = await t.services.portfolio.delivery.forApplication(nodeActor(orgId), gl.id, {
      from: '2026-03-01T00:00:00Z',
      to: '2026-04-01T00:00:00Z',
      unit: 'month',
    });
    // Commits at 07:00 and 10:00, deployed at 13:00: 6 h and 3 h.
    assert.equal(d.measures.leadTimeHours, 4.5);
    assert.equal(d.measures.changeFailureRate, 1);
    assert.equal(d.openIncidents, 1);
    // Each delivery is named in the audit log, which the application's page lists.
    assert.ok(d.deliveries.some((x) => x.deliveryId === 'gl-3' && x.source === 'gitlab'));
    assert.equal(d.deliveries.filter((x) => x.deliveryId === 'gl-3').length, 1);
  });

  test('GitLab: a missing or wrong token is refused', async () => {
    const dep = fixture('gitlab/deployment.json');
    let r = await gitlab('Deployment Hook', 'gl-bad-1', dep);
    assert.equal(r.statusCode, 401);
    r = await gitlab('Deployment Hook', 'gl-bad-2', dep, gh.secret);
    assert.equal(r.statusCode, 401);
    assert.equal(r.json().error.code, 'WEBHOOK_SIGNATURE_INVALID');
  });
});
