import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import http from 'node:http';
import { sql } from 'kysely';
import { forEachDialect, createEmptyDb } from '../helpers/db.ts';
import { accord, cliEnv, startAccord } from '../helpers/cli.ts';
import { withoutAppendOnly } from '../helpers/tamper.ts';
import { openStore } from '../../src/store/store.ts';

forEachDialect('accord CLI', (dialect) => {
  let db: Awaited<ReturnType<typeof createEmptyDb>>;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    db = await createEmptyDb(dialect);
    env = cliEnv(db.url, db.dataDir, { ACCORD_CHECKPOINT_EVERY: '3' });
  });
  after(async () => db.drop());

  test('migrate applies the migrations once, and audits them', () => {
    const first = accord(['migrate'], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /applied {2}0001_foundation/);
    const again = accord(['migrate'], env);
    assert.match(again.stdout, /already up to date/);
    assert.match(accord(['migrate', '--status'], env).stdout, /applied {2}0001_foundation/);
  });

  test('start serves pages, then SIGTERM stops it cleanly and is audited', async () => {
    const { proc, address } = await startAccord(env);
    const health = await fetch(`${address}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, 'ok');
    // A request whose body is still arriving when SIGTERM comes must still be answered.
    const u = new URL(address);
    const inFlight = new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: u.hostname,
          port: u.port,
          method: 'POST',
          path: '/api/audit/checkpoint',
          headers: {
            'content-type': 'application/json',
            'content-length': 13,
            connection: 'close',
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write('{"half":');
      setTimeout(() => {
        proc.kill('SIGTERM');
        setTimeout(() => req.end('true}'), 300);
      }, 200);
    });
    assert.equal(await inFlight, 404, 'the in-flight request was answered');
    const [code] = (await once(proc, 'exit')) as [number];
    assert.equal(code, 0);
    if (dialect === 'sqlite')
      assert.equal(
        fs.existsSync(path.join(db.dataDir, 'accord.sqlite-wal')),
        false,
        'the database was closed cleanly',
      );
    const verify = accord(['audit', 'verify', '--json'], env);
    const report = JSON.parse(verify.stdout) as { ok: boolean; size: number };
    assert.equal(report.ok, true);
    const store = openStore(db.url);
    const actions = (
      await store.db.selectFrom('audit_entry').select('action').orderBy('seq').execute()
    ).map((r) => r.action);
    await store.close();
    const migrations = actions.filter((a) => a === 'node.migration.applied').length;
    assert.ok(migrations >= 2, 'each migration applied is audited');
    assert.deepEqual(actions.slice(0, migrations + 1), [
      ...Array<string>(migrations).fill('node.migration.applied'),
      'node.key.created',
    ]);
    for (const a of ['node.config.changed', 'node.start', 'node.stop'])
      assert.ok(actions.includes(a), a);
  });

  test('audit proof prints a proof that verifies against the node key', () => {
    const r = accord(['audit', 'proof', '1'], env);
    assert.equal(r.code, 0, r.stderr);
    const proof = JSON.parse(r.stdout) as {
      seq: number;
      verified: boolean;
      checkpoint: { size: number };
    };
    assert.equal(proof.seq, 1);
    assert.equal(proof.verified, true);
    assert.equal(accord(['audit', 'proof', '100000'], env).code, 3);
    assert.equal(accord(['audit', 'proof', 'one'], env).code, 2);
  });

  test('audit verify exits non-zero and names the first bad entry after a row is edited', async () => {
    assert.equal(accord(['audit', 'checkpoint'], env).code, 0);
    const store = openStore(db.url);
    await withoutAppendOnly(store, async () => {
      await sql`update audit_entry set entry = replace(entry, '"ok"', '"refused"') where seq = 2`.execute(
        store.db,
      );
    });
    await store.close();
    const r = accord(['audit', 'verify'], env);
    assert.equal(r.code, 10, r.stdout + r.stderr);
    assert.match(r.stdout, /THE AUDIT LOG HAS BEEN ALTERED\. First bad entry: 2\./);
  });

  test('a bad environment value is a clear message and exit code 78', () => {
    const r = accord(['migrate'], { ...env, PORT: 'eighty' });
    assert.equal(r.code, 78);
    assert.match(r.stderr, /PORT="eighty" is not valid: expected a whole number/);
    assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
  });

  test('--help everywhere, documenting exit codes', () => {
    const top = accord(['--help'], env);
    assert.equal(top.code, 0);
    assert.match(top.stdout, /Exit codes:/);
    for (const cmd of [
      ['start'],
      ['migrate'],
      ['audit'],
      ['audit', 'verify'],
      ['audit', 'proof'],
      ['audit', 'checkpoint'],
    ]) {
      const r = accord([...cmd, '--help'], env);
      assert.equal(r.code, 0, cmd.join(' '));
      assert.match(r.stdout, /Usage: accord/);
    }
    assert.equal(accord(['no-such-command'], env).code, 2);
  });
});
