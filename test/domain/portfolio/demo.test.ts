// The demo organisations get a portfolio worth looking at: applications with owners and one
// mission-critical system past end of life, delivery measures, vulnerabilities, tickets, roadmap.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { seedDemo } from '../../../src/demo/seed.ts';
import { nodeActor } from '../../../src/domain/policy/actor.ts';

forEachDialect('portfolio demo data', (dialect) => {
  let t: TestServices;
  before(async () => {
    t = await createTestServices(dialect);
    await seedDemo(t.services);
  });
  after(async () => t.close());

  test('each demo organisation has a portfolio', async () => {
    const orgs = (await t.services.orgs.all()).filter((o) => o.demo);
    assert.equal(orgs.length, 2);
    for (const o of orgs) {
      const node = nodeActor(o.id);
      const p = t.services.portfolio;
      const i = await p.applications.indicators(node);
      assert.equal(i.applications, 5);
      assert.ok(i.budgetShare! > 0 && i.budgetShare! < 1);
      assert.ok(i.criticalWithoutOwner.length >= 1);
      const r = await p.delivery.report(node, {
        from: new Date(Date.now() - 180 * 86_400_000).toISOString(),
        to: new Date().toISOString(),
        unit: 'month',
      });
      assert.ok(r.portfolio.deployments > 50);
      assert.ok(r.portfolio.leadTimeHours! > 0);
      assert.ok(r.portfolio.changeFailureRate! > 0);
      assert.ok(
        (await p.vulnerabilities.summary(node)).applications.some((a) => a.openTotal === 2),
      );
      const admin = await t.services.actors.personActor(
        (await t.services.people.idByEmail(
          t.services.store,
          o.id,
          `admin@${o.kind === 'police' ? 'northshire-police' : 'northshire-council'}.example`,
        ))!,
        { mfa: true },
      );
      assert.equal((await p.tickets.queue(admin!, { state: 'all' })).tickets.length, 4);
      assert.equal((await p.roadmap.list(node)).length, 4);
    }
  });
});
