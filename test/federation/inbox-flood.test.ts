// The federation inbox is public: anyone can post it envelopes. Each refusal is audited, but a
// flood of them is audited once a minute per code, with the repeats counted in the next entry,
// so it cannot fill the (permanent) audit log.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { INBOX_PATH } from '../../src/domain/federation/link.ts';
import { postPinned } from '../../src/domain/federation/transport.ts';
import { testClock } from '../helpers/clock.ts';
import { forEachDialect } from '../helpers/db.ts';
import { startNode } from './nodes.ts';
import type { TestNode } from './nodes.ts';

forEachDialect('the federation inbox under a flood', (dialect) => {
  const clock = testClock();
  let b: TestNode;
  before(async () => {
    b = await startNode(dialect, 'Flooded node', clock);
  });
  after(async () => b?.close());

  test('refusals are audited once a minute per code, the repeats counted', async () => {
    const pinned = { url: b.url, tls_cert: b.federation.identity.tls.cert };
    const post = async (envelope: string): Promise<string | undefined> =>
      ((await postPinned(pinned, INBOX_PATH, { envelope })).json as { error?: { code: string } })
        .error?.code;
    const audited = () => b.services.audit.list({ action: 'federation.message.refused' });

    for (let i = 0; i < 30; i++)
      assert.equal(await post('not.an.envelope'), 'FEDERATION_BAD_ENVELOPE');
    let entries = await audited();
    assert.equal(entries.length, 1, 'one entry for the first minute');
    assert.equal(entries[0]!.details.code, 'FEDERATION_BAD_ENVELOPE');
    assert.equal(entries[0]!.details.address, '127.0.0.1');

    // A minute on, the next refusal is audited with the count of those not audited one by one.
    clock.advance(61_000);
    assert.equal(await post('still.not.one'), 'FEDERATION_BAD_ENVELOPE');
    entries = await audited();
    assert.equal(entries.length, 2);
    const latest = entries.find((e) => e.details.repeats !== undefined);
    assert.equal(latest?.details.repeats, 29);
  });
});
