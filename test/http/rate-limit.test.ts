// API rate limits: by token where a token is needed, by address on public routes (the federation
// inbox, where any caller can post), so a made-up Authorization header per request does not
// buy a fresh allowance.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp('sqlite', { ACCORD_API_RATE_LIMIT: '10' });
});
after(async () => t?.close());

test('a public route is limited by address, whatever Authorization header comes with it', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 12; i++) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/federation/inbox',
      headers: { authorization: `Bearer made-up-${i}-${'x'.repeat(40)}` },
      payload: { envelope: 'not.an.envelope' },
    });
    statuses.push(res.statusCode);
  }
  assert.notEqual(statuses[0], 429);
  assert.equal(statuses[10], 429, statuses.join(' '));
  assert.equal(statuses[11], 429);
});
