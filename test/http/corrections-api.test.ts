// The corrections API: a rectification made over HTTP reaches the partner, who reads the
// corrected values, disputes one notice (a reason is required) and applies another; the sender
// sees each partner's state in its list and on the request; check answers carry the accuracy flag.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect } from '../helpers/db.ts';
import { createTestApp } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { correctionNotice } from '../helpers/corrections.ts';
import type { CorrectionNotice } from '../../src/domain/corrections/corrections.view.ts';

forEachDialect('corrections API', (dialect) => {
  let t: TestApp;
  let council: OrgFixture;
  let police: OrgFixture;
  const call = (method: 'GET' | 'POST', url: string, token: string, payload?: unknown) =>
    t.app.inject({
      method,
      url,
      payload: payload as never,
      headers: { authorization: `Bearer ${token}` },
    });

  before(async () => {
    t = await createTestApp(dialect);
    council = await setupOrg(t.services, 'Api Corrections Council');
    police = await setupOrg(t.services, 'Api Corrections Police');
  });
  after(async () => t.close());

  test('received, read, disputed and applied over HTTP; the sender sees each state', async () => {
    const as = (org: OrgFixture) => org.actor('handler');
    const first = await correctionNotice(t.services, council, police, as);
    const second = await correctionNotice(t.services, council, police, as);
    const handler = police.people.handler.token;

    const inbox = await call('GET', '/api/corrections?direction=received', handler);
    assert.equal(inbox.statusCode, 200);
    assert.deepEqual(
      inbox
        .json<CorrectionNotice[]>()
        .map((n) => n.id)
        .sort(),
      [first.noticeId, second.noticeId].sort(),
    );
    const one = await call('GET', `/api/corrections/${first.noticeId}`, handler);
    assert.equal(one.statusCode, 200);
    assert.deepEqual(one.json<CorrectionNotice>().changes, { postcode: 'ZZ1 1ZZ' });
    // An auditor sees the list but cannot open what changed.
    const auditor = await call(
      'GET',
      `/api/corrections/${first.noticeId}`,
      police.people.auditor.token,
    );
    assert.equal(auditor.statusCode, 403);

    const bare = await call('POST', `/api/corrections/${first.noticeId}/dispute`, handler, {
      reason: '',
    });
    assert.equal(bare.statusCode, 400);
    assert.equal(bare.json<{ error: { code: string } }>().error.code, 'VALIDATION_FAILED');
    const disputed = await call('POST', `/api/corrections/${first.noticeId}/dispute`, handler, {
      reason: 'Our officer confirmed the old postcode in person',
    });
    assert.equal(disputed.json<CorrectionNotice>().state, 'disputed');
    const applied = await call('POST', `/api/corrections/${second.noticeId}/apply`, handler);
    assert.equal(applied.statusCode, 200);
    assert.equal(applied.json<CorrectionNotice>().state, 'acknowledged');
    const again = await call('POST', `/api/corrections/${second.noticeId}/apply`, handler);
    assert.equal(again.statusCode, 409);
    assert.equal(again.json<{ error: { code: string } }>().error.code, 'CORRECTION_STATE');

    const sent = await call('GET', '/api/corrections?direction=sent', council.people.handler.token);
    const states = new Map(sent.json<CorrectionNotice[]>().map((n) => [n.id, n.state]));
    assert.equal(states.get(first.noticeId), 'disputed');
    assert.equal(states.get(second.noticeId), 'acknowledged');
    assert.equal(sent.json<CorrectionNotice[]>()[0]!.changes, undefined);
    const mine = await call(
      'GET',
      `/api/rights/requests/${second.requestId}/corrections`,
      council.people.dpo.token,
    );
    assert.deepEqual(
      mine.json<CorrectionNotice[]>().map((n) => [n.partnerName, n.state]),
      [['Api Corrections Police', 'acknowledged']],
    );
    const foreign = await call(
      'GET',
      `/api/rights/requests/${second.requestId}/corrections`,
      police.people.dpo.token,
    );
    assert.equal(foreign.statusCode, 404);
  });
});
