// Queries across two nodes are audited on both sides, each node in the logs of the organisations
// it hosts: a question the agreement does not hold is refused with its code and seen by the
// provider too; repeated misses raise a fishing alert for the asking person on the asker's node
// and for the provider on its own node — never in the log of a partner's organisation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AccordError } from '../../src/errors.ts';
import { FISHING } from '../../src/domain/exchange/fishing.ts';
import { forEachDialect } from '../helpers/db.ts';
import { testClock } from '../helpers/clock.ts';
import { CHECK_KEY } from '../helpers/exchange.ts';
import { person } from '../helpers/records.ts';
import { partners } from './partners.ts';
import type { Partners } from './partners.ts';

const ids = (i: number): Record<string, string> => ({ nhsNumber: String(person(i).nhsNumber) });

forEachDialect('federation: queries audited on both sides', (dialect) => {
  const clock = testClock();
  let p: Partners;
  before(async () => {
    p = await partners(dialect, clock, {}, 5);
  });
  after(async () => {
    await p?.a.close();
    await p?.b.close();
  });

  test('a question outside the agreement: FORBIDDEN, in the asker’s log and the provider’s', async () => {
    const asker = await p.police.actor('handler');
    await assert.rejects(
      p.b.services.exchange.queries.check(asker, {
        providerOrgId: p.council.orgId,
        purpose: 'safeguarding',
        checkKey: 'not-in-the-agreement',
        identifiers: ids(1),
      }),
      (e: unknown) => e instanceof AccordError && e.code === 'FORBIDDEN',
    );
    const [mine] = await p.b.services.audit.list({
      orgId: p.police.orgId,
      action: 'exchange.check',
    });
    assert.equal(mine?.outcome, 'refused');
    assert.equal(mine?.details.code, 'FORBIDDEN');
    assert.equal(mine?.actor, asker.ref);
    const [theirs] = await p.a.services.audit.list({
      orgId: p.council.orgId,
      action: 'share.check',
    });
    assert.equal(theirs?.outcome, 'refused');
    assert.equal(theirs?.details.side, 'provider');
    assert.equal(theirs?.details.check, 'not-in-the-agreement');
    assert.equal(theirs?.actor, `node:${p.b.federation.identity.nodeId}/${asker.ref}`);
  });

  test('repeated misses: one alert on each node, for the organisation it hosts', async () => {
    const nosy = await p.police.actor('handler');
    for (let i = 0; i < FISHING.misses + 2; i++) {
      const a = await p.b.services.exchange.queries.check(nosy, {
        providerOrgId: p.council.orgId,
        purpose: 'safeguarding',
        checkKey: CHECK_KEY,
        identifiers: ids(60_000 + i),
      });
      assert.equal(a.answer, 'no-match');
    }
    const alerts = async (node: Partners['a'], orgId: string) =>
      node.services.audit.list({ orgId, action: 'exchange.fishing.suspected' });
    // The asker's node names its own person; the provider's node names what it can see.
    const onB = await alerts(p.b, p.police.orgId);
    assert.equal(onB.length, 1, 'the asker’s node alerts the police');
    assert.equal(onB[0]?.details.person, nosy.ref);
    const onA = await alerts(p.a, p.council.orgId);
    assert.equal(onA.length, 1, 'the provider’s node alerts the council');
    assert.match(String(onA[0]?.details.person), /^node:/);
    // Neither writes in the log of the other's organisation, which nobody there could read.
    assert.equal((await alerts(p.a, p.police.orgId)).length, 0);
    assert.equal((await alerts(p.b, p.council.orgId)).length, 0);
    const told = async (node: Partners['a'], org: Partners['council']) =>
      (await node.services.exchange.notifications.list(await org.actor('dpo'))).filter(
        (n) => n.kind === 'fishing',
      ).length;
    assert.equal(await told(p.b, p.police), 1);
    assert.equal(await told(p.a, p.council), 1);
  });
});
