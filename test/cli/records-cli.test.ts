// The import and keys commands, in real processes: a bad file is reported by line and exits 2; a
// killed import leaves no rows; a new master key and re-encryption keep every record readable.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { forEachDialect, createEmptyDb } from '../helpers/db.ts';
import { BIN, accord, cliEnv } from '../helpers/cli.ts';
import { testConfig } from '../helpers/app.ts';
import { setupOrg } from '../helpers/people.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { person, personAsset } from '../helpers/records.ts';
import { openServices } from '../../src/services.ts';
import type { Services } from '../../src/services.ts';

forEachDialect('records commands', (dialect) => {
  let db: Awaited<ReturnType<typeof createEmptyDb>>;
  let env: NodeJS.ProcessEnv;
  let s: Services;
  let org: OrgFixture;
  let assetId: string;
  const file = (name: string, rows: unknown[]): string => {
    const f = path.join(db.dataDir, name);
    fs.writeFileSync(f, rows.map((r) => JSON.stringify(r)).join('\n'));
    return f;
  };
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
    org = await setupOrg(s, 'Cli Council', { tokens: false });
    assetId = (await personAsset(s, org)).id;
  });
  after(async () => {
    await s.close();
    await db.drop();
  });

  test('a file with bad rows exits 2, names each line, and imports nothing', () => {
    const rows = Array.from({ length: 500 }, (_, i) => person(i));
    rows[99] = { ...person(99), nhsNumber: '1234567890' };
    const r = accord(['import', assetId, file('bad.jsonl', rows), '--purpose', 'load'], env);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /1 row of 500 has problems: nothing was imported/);
    assert.match(r.stderr, /line 100: nhsNumber: “1234567890” is not a valid NHS number/);
  });

  test('a good file imports every row', async () => {
    const r = accord(
      [
        'import',
        'Residents',
        file(
          'good.jsonl',
          Array.from({ length: 300 }, (_, i) => person(1000 + i)),
        ),
        '--purpose',
        'load',
        '--org',
        'Cli Council',
      ],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Imported 300 records/);
    assert.equal(await count(), 300);
  });

  test('an import killed part-way leaves no rows, and is later shown as interrupted', async () => {
    const big = file(
      'big.jsonl',
      Array.from({ length: 150_000 }, (_, i) => person(10_000 + i)),
    );
    const proc = spawn(process.execPath, [BIN, 'import', assetId, big, '--purpose', 'load'], {
      env: { ...env, ACCORD_PROGRESS: '1' },
    });
    let err = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the import never got going:\n${err}`)),
        120_000,
      );
      proc.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        // Some progress shown: rows are being written inside the open transaction.
        if (/Importing \[[^\]]*\] ([1-9]\d*)%/.test(err)) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.on('exit', () =>
        reject(new Error(`the import ended before it could be killed:\n${err}`)),
      );
    });
    proc.kill('SIGKILL');
    await once(proc, 'exit');
    assert.equal(await count(), 300, 'nothing from the killed import is visible');
    assert.equal(await s.imports.markInterrupted(), 1);
    const jobs = await s.imports.jobs(await org.actor('iao'), assetId);
    assert.equal(jobs.find((j) => j.fileName === 'big.jsonl')?.status, 'interrupted');
    assert.equal(accord(['audit', 'verify'], env).code, 0);
  });

  test('a new master key and re-encryption keep every record readable; the old key is then dropped', async () => {
    if (dialect === 'postgres' && !fs.existsSync(path.join(db.dataDir, 'master.key'))) return;
    const before = await s.records.lookup(
      await org.actor('handler'),
      { nhsNumber: String(person(1005).nhsNumber) },
      'check',
    );
    const r = accord(['keys', 'rotate', '--new-master', '--reencrypt'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Re-encrypted 300 records/);
    assert.match(r.stdout, /is no longer needed and was removed/);
    assert.deepEqual(
      fs.readdirSync(db.dataDir).filter((f) => f.startsWith('master-previous')),
      [],
    );
    // A fresh process, with only the new master key, opens every record.
    const fresh = await openServices(testConfig(db.url, db.dataDir), { actor: 'node' });
    try {
      const after = await fresh.records.lookup(
        (await fresh.actors.personActor(org.people.handler.personId))!,
        { nhsNumber: String(person(1005).nhsNumber) },
        'check',
      );
      assert.deepEqual(after.records[0]?.payload, before.records[0]?.payload);
      const versions = await fresh.store.db
        .selectFrom('record')
        .select('key_version')
        .distinct()
        .where('asset_id', '=', assetId)
        .execute();
      assert.deepEqual(
        versions.map((v) => v.key_version),
        [2],
      );
    } finally {
      await fresh.close();
    }
  });
});
