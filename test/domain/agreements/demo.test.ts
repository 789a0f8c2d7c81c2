// The demo organisations share under a real agreement: one in force, approved by both parties'
// DPO and SIRO, and one proposed and waiting for the police's signatures.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../../helpers/db.ts';
import { createTestServices } from '../../helpers/app.ts';
import type { TestServices } from '../../helpers/app.ts';
import { seedDemo } from '../../../src/demo/seed.ts';
import { nodeActor } from '../../../src/domain/policy/actor.ts';

forEachDialect('agreements demo data', (dialect) => {
  let t: TestServices;
  before(async () => {
    t = await createTestServices(dialect);
    await seedDemo(t.services);
  });
  after(async () => t.close());

  test('one agreement in force and one waiting for the police', async () => {
    const police = (await t.services.orgs.all()).find((o) => o.kind === 'police')!;
    const list = await t.services.agreements.list(nodeActor(police.id));
    assert.equal(list.length, 2);
    const [active, waiting] = [...list].sort((a, b) => a.reference.localeCompare(b.reference));
    assert.equal(active!.inForce?.status, 'active');
    assert.equal(waiting!.latest.status, 'proposed');
    assert.deepEqual(waiting!.latest.waitingFor, [
      'Northshire Police DPO',
      'Northshire Police SIRO',
    ]);
  });
});
