// `accord keys rotate-exchange <org>` in a real process, while another process (these services)
// holds the same database open: the rotation is audited, the other process seals its next
// transfer to the new key at once (nothing stale in its caches), and both transfers open.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtectedHeader } from 'jose';
import { forEachDialect, createEmptyDb } from '../helpers/db.ts';
import { accord, cliEnv } from '../helpers/cli.ts';
import { testConfig } from '../helpers/app.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { exchangeAgreement, peopleAsset } from '../helpers/exchange.ts';
import { openServices } from '../../src/services.ts';
import type { Services } from '../../src/services.ts';

forEachDialect('keys rotate-exchange command', (dialect) => {
  let db: Awaited<ReturnType<typeof createEmptyDb>>;
  let env: NodeJS.ProcessEnv;
  let s: Services;
  let council: OrgFixture;
  let police: OrgFixture;
  let agreementId: string;
  let source: string;

  before(async () => {
    db = await createEmptyDb(dialect);
    env = cliEnv(db.url, db.dataDir);
    s = await openServices(testConfig(db.url, db.dataDir), { actor: 'node' });
    council = await setupOrg(s, 'Eastshire Council', { tokens: false });
    police = await setupOrg(s, 'Eastshire Police', { tokens: false });
    agreementId = (await exchangeAgreement(s, council, police)).id;
    source = await peopleAsset(s, council, 2, 'Residents');
  });
  after(async () => {
    await s.close();
    await db.drop();
  });

  const send = async (): Promise<{ id: string; kid: unknown }> => {
    const handler = await council.actor('handler');
    const x = await s.exchange.transfers.create(handler, {
      recipientOrgId: police.orgId,
      agreementId,
      purpose: 'safeguarding',
      recordType: 'person',
      selection: { kind: 'asset', assetId: source },
    });
    await s.exchange.transfers.ready(handler, x.id);
    const chunk = await s.store.db
      .selectFrom('transfer_chunk')
      .select('jwe')
      .where('transfer_id', '=', x.id)
      .executeTakeFirstOrThrow();
    return { id: x.id, kid: decodeProtectedHeader(chunk.jwe).kid };
  };

  test('rotates the key of the organisation named; this process seals to the new one at once', async () => {
    const before = await send();
    const r = accord(['keys', 'rotate-exchange', 'Eastshire Police'], env);
    assert.equal(r.code, 0, r.stderr);
    const [, oldKid, newKid] =
      /rotated: ([0-9a-f]{16}) retired, ([0-9a-f]{16}) current/.exec(r.stdout) ?? [];
    assert.equal(oldKid, before.kid, r.stdout);
    assert.ok(newKid && newKid !== oldKid);

    const afterwards = await send();
    assert.equal(afterwards.kid, newKid);
    const into = await peopleAsset(s, police, 0);
    for (const t of [before, afterwards])
      assert.equal(
        (await s.exchange.transfers.open(await police.actor('handler'), t.id, into)).state,
        'opened',
      );
    const [entry] = await s.audit.list({ orgId: police.orgId, action: 'exchange.key.rotated' });
    assert.equal(entry?.actor, 'cli');
    assert.deepEqual(entry?.details, { oldKeyId: oldKid, newKeyId: newKid });
  });

  test('an organisation that is not here: a coded error, nothing rotated', async () => {
    const r = accord(['keys', 'rotate-exchange', 'Nowhere Council'], env);
    assert.equal(r.code, 3, r.stdout);
    assert.match(r.stderr, /NOT_FOUND|no organisation/);
  });
});
