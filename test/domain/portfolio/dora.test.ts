// DORA arithmetic against a hand-computed fixture: one application's March 2026 as GitHub webhook
// deliveries (test/fixtures/portfolio/dora-deliveries.json), on both databases.
//
// By hand, production only, period 2026-03-01 .. 2026-04-01 (31 days = 4.43 weeks):
//   deployments  1001 ok, 1002 FAILED, 1003 ok (restores 1002), 1004 ok (c3 again), 1005 ok
//                (causes incident 77), 1006 ok (hotfix during the incident); 1007 is staging.
//   deployment frequency  5 successful / 4.4286 weeks = 1.129 a week            → high
//   lead times    c1 12:00−09:00 = 3 h, c2 12:00−09:30 = 2.5 h, c3 13:00−08:00 = 5 h (first
//                 deployment only; 1004 carries nothing new), c4 15:00−16:00 the day before =
//                 23 h, c5 18:00−16:30 = 1.5 h;  median of 1.5, 2.5, 3, 5, 23 = 3 h   → elite
//   change failure rate   (1002 failed + 1005 caused an incident) / 6 deployments = 1/3 → low
//   time to restore       1002 → 1003: 2 h; incident 77: 16:00 → 20:00 = 4 h; median 3 h → high
//   rework rate           1003 (restoring) + 1006 (during the incident) = 2 / 5 = 0.4
//   the redelivered deployment_status for 1001 counts once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { nodeActor } from '../../../src/domain/policy/actor.ts';
import { BANDS, buckets, measure, sweep } from '../../../src/domain/portfolio/dora.ts';
import type { DoraEvent } from '../../../src/domain/portfolio/dora.ts';

const fixture = JSON.parse(
  fs.readFileSync(
    new URL('../../fixtures/portfolio/dora-deliveries.json', import.meta.url),
    'utf8',
  ),
) as { deliveries: { event: string; delivery: string; body: unknown }[] };

const MARCH = {
  from: '2026-03-01T00:00:00.000Z',
  to: '2026-04-01T00:00:00.000Z',
  unit: 'week' as const,
};

forEachDialect('DORA measures from GitHub deliveries', (dialect) => {
  let t: TestServices;
  let appId: string;
  let orgId: string;
  before(async () => {
    t = await createTestServices(dialect);
    orgId = (await t.services.orgs.create({ name: 'Northshire', kind: 'council' }, 'node')).id;
    const node = nodeActor(orgId);
    appId = (
      await t.services.portfolio.applications.create(node, {
        name: 'Housing portal',
        lifecycle: 'active',
        hosting: 'public-cloud',
      })
    ).id;
    const { secret } = await t.services.portfolio.applications.rotateWebhookSecret(node, appId);
    const outcomes: string[] = [];
    for (const d of fixture.deliveries) {
      const raw = Buffer.from(JSON.stringify(d.body));
      const r = await t.services.portfolio.webhooks.receive(
        'github',
        appId,
        {
          'x-github-event': d.event,
          'x-github-delivery': d.delivery,
          'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`,
        },
        raw,
        { wait: true },
      );
      outcomes.push(r.outcome);
    }
    assert.deepEqual(
      outcomes.filter((o) => o === 'duplicate').length,
      1,
      'the redelivery is recognised',
    );
  });
  after(async () => t.close());

  test('the application’s March measures match the hand computation', async () => {
    const r = await t.services.portfolio.delivery.forApplication(nodeActor(orgId), appId, MARCH);
    const m = r.measures;
    assert.equal(m.deployments, 5);
    assert.equal(m.attempts, 6);
    assert.ok(Math.abs(m.deploymentsPerWeek - 5 / (31 / 7)) < 1e-9);
    assert.equal(m.changes, 5);
    assert.equal(m.leadTimeHours, 3);
    assert.equal(m.failures, 2);
    assert.ok(Math.abs(m.changeFailureRate! - 1 / 3) < 1e-9);
    assert.equal(m.recoveries, 2);
    assert.equal(m.recoveryHours, 3);
    assert.equal(m.reworkDeployments, 2);
    assert.equal(m.reworkRate, 0.4);
    assert.deepEqual(m.bands, {
      deploymentFrequency: 'high',
      leadTime: 'elite',
      changeFailureRate: 'low',
      recovery: 'high',
    });
    assert.equal(r.openIncidents, 0);
    assert.equal(r.unrestored, false);
    // Weekly trend: the week of 2 March has 1001, 1003 and 1004; the week of 9 March 1005 and 1006.
    const week = (label: string) => r.trend.find((b) => b.label === label)!.measures;
    assert.equal(week('w/c 2026-03-02').deployments, 3);
    assert.equal(week('w/c 2026-03-09').deployments, 2);
    assert.equal(week('w/c 2026-03-09').leadTimeHours, (23 + 1.5) / 2);
    assert.equal(week('w/c 2026-03-16').deployments, 0);
  });

  test('the portfolio roll-up pools the same events', async () => {
    const r = await t.services.portfolio.delivery.report(nodeActor(orgId), MARCH);
    assert.equal(r.portfolio.deployments, 5);
    assert.equal(r.portfolio.leadTimeHours, 3);
    assert.equal(r.applications.length, 1);
    assert.equal(r.applications[0]!.measures.changeFailureRate, r.portfolio.changeFailureRate);
  });

  test('sending the same deliveries again changes nothing', async () => {
    const before = await t.services.portfolio.delivery.forApplication(
      nodeActor(orgId),
      appId,
      MARCH,
    );
    const events = await t.services.portfolio.delivery.ingest(nodeActor(orgId), [
      {
        type: 'deployment',
        application: 'Housing portal',
        id: '1001',
        at: '2026-03-02T12:00:00Z',
        status: 'success',
        sha: 'c200000000000000000000000000000000000002',
      },
    ]);
    assert.deepEqual(events, { received: 1, stored: 0, duplicates: 1 });
    const again = await t.services.portfolio.delivery.forApplication(
      nodeActor(orgId),
      appId,
      MARCH,
    );
    assert.deepEqual(again.measures, before.measures);
  });
});

forEachDialect('DORA: deployments that name their changes', (dialect) => {
  let t: TestServices;
  before(async () => {
    t = await createTestServices(dialect);
  });
  after(async () => t.close());

  test('a deployment at a fractional second carries only the commits it names', async () => {
    const orgId = (await t.services.orgs.create({ name: 'Eastshire', kind: 'council' }, 'node')).id;
    const node = nodeActor(orgId);
    await t.services.portfolio.applications.create(node, { name: 'Parking permits' });
    await t.services.portfolio.delivery.ingest(node, [
      {
        type: 'change',
        application: 'Parking permits',
        sha: 'c1c1c1c1c1c1',
        committedAt: '2026-05-01T09:00:00Z',
        at: '2026-05-01T11:00:00Z',
      },
      {
        type: 'change',
        application: 'Parking permits',
        sha: 'c2c2c2c2c2c2',
        committedAt: '2026-05-01T10:00:00Z',
        at: '2026-05-01T11:00:00Z',
      },
      {
        type: 'deployment',
        application: 'Parking permits',
        id: 'd1',
        at: '2026-05-01T12:00:00.500Z',
        changes: ['c2c2c2c2c2c2'],
      },
      { type: 'deployment', application: 'Parking permits', id: 'd2', at: '2026-05-01T14:00:00Z' },
    ]);
    const r = await t.services.portfolio.delivery.report(node, {
      from: '2026-05-01T00:00:00Z',
      to: '2026-06-01T00:00:00Z',
      unit: 'month',
    });
    // c2: 10:00 → 12:00 (the deployment naming it); c1: 09:00 → 14:00 (the next one).
    assert.equal(r.portfolio.changes, 2);
    assert.ok(
      Math.abs(r.portfolio.leadTimeHours! - 3.5) < 0.001,
      String(r.portfolio.leadTimeHours),
    );
  });
});

describe('DORA pure functions', () => {
  const ev = (e: Partial<DoraEvent> & Pick<DoraEvent, 'kind' | 'at'>): DoraEvent => ({
    ref: null,
    sha: null,
    committedAt: null,
    headSha: null,
    status: null,
    rework: false,
    changes: null,
    ...e,
  });
  const H = 3_600_000;
  test('a deployment naming its changes carries only those', () => {
    const t = sweep([
      ev({ kind: 'change', at: 1 * H, sha: 0xa, committedAt: 0 }),
      ev({ kind: 'change', at: 2 * H, sha: 0xb, committedAt: 1 * H }),
      ev({ kind: 'deployment', at: 5 * H, status: 'success', changes: [0xb] }),
      ev({ kind: 'deployment', at: 9 * H, status: 'success' }),
    ]);
    assert.deepEqual(t.leadMs, [4 * H, 9 * H]);
  });
  test('an unrestored failure and an open incident are reported', () => {
    const t = sweep([
      ev({ kind: 'deployment', at: 1, status: 'success' }),
      ev({ kind: 'incident-opened', at: 2, ref: 1 }),
      ev({ kind: 'deployment', at: 3, status: 'failure' }),
    ]);
    assert.equal(t.openIncidents, 1);
    assert.equal(t.unrestored, true);
    assert.deepEqual(t.attemptFailed, [1, 1]);
    const m = measure([t], 0, 10);
    assert.equal(m.changeFailureRate, 1);
    assert.equal(m.recoveryHours, null);
  });
  test('bands at their thresholds', () => {
    assert.equal(BANDS.deploymentFrequency(7), 'elite');
    assert.equal(BANDS.deploymentFrequency(1), 'high');
    assert.equal(BANDS.deploymentFrequency(0.25), 'medium');
    assert.equal(BANDS.deploymentFrequency(0.2), 'low');
    assert.equal(BANDS.leadTime(23.9), 'elite');
    assert.equal(BANDS.leadTime(24), 'high');
    assert.equal(BANDS.leadTime(720), 'low');
    assert.equal(BANDS.changeFailureRate(0.05), 'elite');
    assert.equal(BANDS.changeFailureRate(0.16), 'low');
    assert.equal(BANDS.recovery(0.5), 'elite');
    assert.equal(BANDS.recovery(200), 'low');
  });
  test('monthly and quarterly buckets cover the period exactly', () => {
    const m = buckets(
      Date.parse('2026-01-15T00:00:00Z'),
      Date.parse('2026-04-01T00:00:00Z'),
      'month',
    );
    assert.deepEqual(
      m.map((b) => b.label),
      ['2026-01', '2026-02', '2026-03'],
    );
    assert.equal(m[0]!.from, Date.parse('2026-01-15T00:00:00Z'));
    const q = buckets(
      Date.parse('2025-11-01T00:00:00Z'),
      Date.parse('2026-04-01T00:00:00Z'),
      'quarter',
    );
    assert.deepEqual(
      q.map((b) => b.label),
      ['2025-Q4', '2026-Q1'],
    );
  });
});
