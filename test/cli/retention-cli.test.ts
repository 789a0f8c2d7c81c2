// `accord retention run` in a real process: a dry run lists what is due (and what is held) and
// changes nothing; a run deletes what is due, skips the held record, and writes a certificate.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDialect, createEmptyDb } from '../helpers/db.ts';
import { accord, cliEnv } from '../helpers/cli.ts';
import { testConfig } from '../helpers/app.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { person, personAsset } from '../helpers/records.ts';
import { openServices } from '../../src/services.ts';
import type { Services } from '../../src/services.ts';

forEachDialect('retention command', (dialect) => {
  let db: Awaited<ReturnType<typeof createEmptyDb>>;
  let env: NodeJS.ProcessEnv;
  let s: Services;
  let org: OrgFixture;
  let assetId: string;
  const count = async (): Promise<number> =>
    Number(
      (
        await s.store.db
          .selectFrom('record')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('asset_id', '=', assetId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  before(async () => {
    db = await createEmptyDb(dialect);
    env = cliEnv(db.url, db.dataDir);
    s = await openServices(testConfig(db.url, db.dataDir), { actor: 'node' });
    org = await setupOrg(s, 'Sweep Council', { tokens: false });
    assetId = (await personAsset(s, org)).id;
    const handler = await org.actor('handler');
    for (let i = 0; i < 3; i++)
      await s.records.create(
        handler,
        assetId,
        { ...person(i), lastContact: '2015-01-01' },
        'cases',
      );
    const held = await s.records.create(
      handler,
      assetId,
      { ...person(9), lastContact: '2015-01-01' },
      'cases',
    );
    await s.rights.holds.set(await org.actor('dpo'), {
      scope: 'record',
      targetId: held.recordId,
      reason: 'Claim 9',
    });
  });
  after(async () => {
    await s.close();
    await db.drop();
  });

  test('a dry run lists what is due and changes nothing; a run sweeps all but the held record', async () => {
    const dry = accord(['retention', 'run', '--dry-run', '--org', 'Sweep Council'], env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(
      dry.stdout,
      /4 records due on or before .*, 1 kept under legal hold \(dry run: nothing changed\)/,
    );
    assert.match(dry.stdout, /HELD: Claim 9/);
    assert.equal(await count(), 4);
    const run = accord(['retention', 'run'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Sweep Council: 4 records due .* 3 deleted or pseudonymised/);
    assert.equal(await count(), 1);
    const certs = await s.audit.list({ orgId: org.orgId, action: 'retention.certificate' });
    assert.equal((certs[0]?.details as { count: number }).count, 3);
    assert.equal(accord(['retention', 'run', '--org', 'Nobody'], env).code, 3);
  });
});
