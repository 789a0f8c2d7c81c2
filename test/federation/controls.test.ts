// A suspension, resumption or termination made on one node, applied on the partner's: only that
// action's fields change there, who did it is said as the partner's (never as someone of its
// own), a suspension is never dated ahead of the receiving node's clock nor a termination before
// it, and the action itself travels (a suspension while a termination is set for later is a
// suspension). A termination in force stands; one set for later may be moved.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { testClock } from '../helpers/clock.ts';
import { forEachDialect } from '../helpers/db.ts';
import type { TestNode } from './nodes.ts';
import { partners } from './partners.ts';
import type { Partners } from './partners.ts';

forEachDialect('agreement controls across nodes', (dialect) => {
  const clock = testClock();
  let p: Partners;
  let versionId = '';
  before(async () => {
    p = await partners(dialect, clock, {}, 1);
    versionId = (await p.a.services.agreements.get(await p.council.actor('dpo'), p.agreementId))
      .latest.versionId;
  });
  after(async () => {
    await p?.a.close();
    await p?.b.close();
  });

  const held = (node: TestNode) =>
    node.services.store.db
      .selectFrom('agreement_version')
      .select(['suspended_at', 'suspended_by', 'suspend_reason', 'terminated_at', 'terminated_by'])
      .where('version_id', '=', versionId)
      .executeTakeFirstOrThrow();
  /** A control message from A to B as A's node would send it, with whatever it says. */
  const fromA = async (action: string, set: Record<string, unknown>): Promise<void> => {
    await p.a.services.store.transaction((tx) =>
      p.a.federation.outbox.enqueue(tx, p.b.federation.identity.nodeId, 'agreement.controlled', {
        versionId,
        action,
        set,
      }),
    );
    await p.a.federation.outbox.flush();
  };

  test('a suspension while a termination is set for later reaches the partner as a suspension', async () => {
    const later = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const dpo = await p.council.actor('dpo');
    await p.a.services.agreements.control(dpo, versionId, 'terminate', 'Service ends', later);
    await p.a.federation.outbox.flush();
    assert.equal((await held(p.b)).terminated_at, later);
    await p.a.services.agreements.control(dpo, versionId, 'suspend', 'Breach under review');
    await p.a.federation.outbox.flush();
    const onB = await held(p.b);
    assert.ok(onB.suspended_at);
    assert.equal(onB.suspend_reason, 'Breach under review');
    assert.equal(onB.suspended_by, `node:${p.a.federation.identity.nodeId}/${dpo.ref}`);
    await p.a.services.agreements.control(dpo, versionId, 'resume', 'Cleared');
    await p.a.federation.outbox.flush();
    assert.equal((await held(p.b)).suspended_at, null);
  });

  test('a partner’s claims are said as its own, not dated ahead, and change only their fields', async () => {
    const nodeA = `node:${p.a.federation.identity.nodeId}`;
    // A claims the suspension was made by a person of B, dated far ahead.
    await fromA('suspended', {
      suspended_at: '2999-01-01T00:00:00.000Z',
      suspended_by: `person:${p.police.people.dpo.personId}`,
      suspend_reason: 'Forged',
    });
    const suspended = await held(p.b);
    assert.equal(suspended.suspended_by, `${nodeA}/person:${p.police.people.dpo.personId}`);
    assert.ok(suspended.suspended_at! <= new Date().toISOString(), 'not dated ahead');
    const [entry] = await p.b.services.audit.list({
      orgId: p.police.orgId,
      action: 'agreements.suspended',
    });
    assert.equal(entry?.actor, nodeA);
    // A termination restating the suspension otherwise, and dated in the past: only the
    // termination's fields change, brought forward to now at the earliest.
    await fromA('terminated', {
      suspended_by: 'someone else',
      terminated_at: '2001-01-01T00:00:00.000Z',
      terminated_by: 'person:x',
    });
    const after = await held(p.b);
    assert.equal(after.suspended_by, suspended.suspended_by);
    assert.equal(after.terminated_by, `${nodeA}/person:x`);
    assert.ok(after.terminated_at! >= suspended.suspended_at!, 'not backdated');
    // In force now, it stands: a later message cannot move or lift it.
    await fromA('terminated', { terminated_at: '2999-01-01T00:00:00.000Z' });
    await fromA('cancelled', { terminated_at: null });
    assert.deepEqual(await held(p.b), after);
  });
});
