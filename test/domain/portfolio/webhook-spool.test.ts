// A webhook delivery answered 202 survives the process dying before its batch commits: it is in
// the spool, and the next start commits it (once, however often it is replayed).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { nodeActor } from '../../../src/domain/policy/actor.ts';
import { WebhooksService } from '../../../src/domain/portfolio/webhooks.service.ts';
import { WebhookSpool } from '../../../src/domain/portfolio/webhook-spool.ts';
import type { Services } from '../../../src/services.ts';

const template = JSON.parse(
  fs.readFileSync(
    new URL('../../fixtures/portfolio/github/deployment_status.json', import.meta.url),
    'utf8',
  ),
) as { deployment: { id: number; sha: string } };

forEachDialect('webhook spool', (dialect) => {
  let t: TestServices;
  let s: Services;
  let appId: string;
  let secret: string;
  before(async () => {
    t = await createTestServices(dialect);
    s = t.services;
    const orgId = (await s.orgs.create({ name: 'Spool Council', kind: 'council' }, 'node')).id;
    appId = (
      await s.portfolio.applications.create(nodeActor(orgId), {
        name: 'Benefits portal',
        lifecycle: 'active',
        hosting: 'saas',
      })
    ).id;
    secret = (await s.portfolio.applications.rotateWebhookSecret(nodeActor(orgId), appId)).secret;
  });
  after(async () => t.close());

  /** A service like the server's, whose batches would commit only after a minute. */
  const slow = (file: string): WebhooksService =>
    new WebhooksService(
      { ctx: s, people: s.people, links: {} },
      s.portfolio.applications,
      s.portfolio.delivery,
      60_000,
      new WebhookSpool(file),
    );

  const events = async (): Promise<number> =>
    Number(
      (
        await s.store.db
          .selectFrom('delivery_event')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('app_id', '=', appId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  test('answered deliveries are spooled, and committed at the next start', async () => {
    const file = path.join(t.config.dataDir, 'crash.spool');
    const dying = slow(file);
    for (let i = 0; i < 3; i++) {
      const body = structuredClone(template);
      body.deployment.id = 9000 + i;
      const raw = Buffer.from(JSON.stringify(body));
      const r = await dying.receive(
        'github',
        appId,
        {
          'x-github-event': 'deployment_status',
          'x-github-delivery': `spool-${i}`,
          'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`,
        },
        raw,
      );
      assert.equal(r.outcome, 'accepted');
    }
    assert.equal(await events(), 0, 'nothing committed yet: the process "dies" here');
    dying.abandon();
    assert.equal(new WebhookSpool(file).leftover().length, 3);

    const restarted = slow(file);
    assert.equal(await restarted.recover(), 3);
    const stored = await events();
    assert.ok(stored >= 3, `${stored} events stored from the spool`);
    assert.equal(fs.statSync(file).size, 0, 'the spool is emptied once committed');

    assert.equal(await slow(file).recover(), 0);
    assert.equal(await events(), stored);
  });

  test('a replayed spool stores nothing twice, and a torn last line is skipped', async () => {
    const file = path.join(t.config.dataDir, 'replay.spool');
    const body = structuredClone(template);
    body.deployment.id = 9100;
    const raw = Buffer.from(JSON.stringify(body));
    const headers = {
      'x-github-event': 'deployment_status',
      'x-github-delivery': 'replay-1',
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`,
    };
    const first = slow(file);
    await first.receive('github', appId, headers, raw);
    first.abandon();
    const line = fs.readFileSync(file, 'utf8');
    await slow(file).recover();
    const once = await events();
    fs.writeFileSync(file, `${line}${line}{"orgId":"cut sh`);
    assert.equal(await slow(file).recover(), 2);
    assert.equal(await events(), once);
  });
});
