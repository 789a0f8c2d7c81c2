// A bulk write's write-ahead log is copied back on a worker thread after it commits, not at the
// writer's next commit: automatic checkpoints are off until the worker is done, then return; a
// rolled-back job puts them back at once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openStore } from '../../src/store/store.ts';
import type { Store } from '../../src/store/store.ts';
import { checkpointAside } from '../../src/store/checkpoint-aside.ts';

let dir: string;
let store: Store;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-checkpoint-'));
  store = openStore(`sqlite:${path.join(dir, 'db.sqlite')}`);
});
after(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const setting = async (): Promise<number> =>
  store.transaction(
    async (tx) => tx.sqlite!.pragma('wal_autocheckpoint', { simple: true }) as number,
  );

test('the log is copied back off the main thread, and automatic checkpoints return', async () => {
  await sql`create table bulk (id integer primary key, body blob)`.execute(store.db);
  await store.transaction(async (tx) => {
    checkpointAside(tx);
    const ins = tx.sqlite!.prepare('insert into bulk (body) values (randomblob(1000))');
    for (let i = 0; i < 20_000; i++) ins.run();
  });
  const wal = path.join(dir, 'db.sqlite-wal');
  assert.ok(fs.statSync(wal).size > 10 << 20, 'the commit left a big log');
  // The worker sets the setting back when it ends; until then the writer does not checkpoint.
  const deadline = Date.now() + 20_000;
  while ((await setting()) !== 1000) {
    assert.ok(Date.now() < deadline, 'automatic checkpoints never came back');
    await new Promise((r) => setTimeout(r, 20));
  }
  // Only a checkpoint writes the database file itself: the worker copied the log into it.
  assert.ok(fs.statSync(path.join(dir, 'db.sqlite')).size > 20_000 * 1000);
});

test('a bulk job that rolls back puts automatic checkpoints back at once', async () => {
  await assert.rejects(
    store.transaction(async (tx) => {
      checkpointAside(tx);
      assert.equal(tx.sqlite!.pragma('wal_autocheckpoint', { simple: true }), 0);
      throw new Error('bad file');
    }),
    /bad file/,
  );
  assert.equal(await setting(), 1000);
});

test('two bulk jobs that overlap: automatic checkpoints come back after the last one', async () => {
  const bulk = async (): Promise<void> =>
    store.transaction(async (tx) => {
      checkpointAside(tx);
      const ins = tx.sqlite!.prepare('insert into bulk (body) values (randomblob(1000))');
      for (let i = 0; i < 5_000; i++) ins.run();
    });
  await Promise.all([bulk(), bulk()]);
  const deadline = Date.now() + 20_000;
  while ((await setting()) !== 1000) {
    assert.ok(Date.now() < deadline, 'automatic checkpoints never came back');
    await new Promise((r) => setTimeout(r, 20));
  }
});

test('closing the store waits for a checkpoint still running, so removing the file is safe', async () => {
  const own = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-checkpoint-close-'));
  const file = path.join(own, 'db.sqlite');
  const s = openStore(`sqlite:${file}`);
  await sql`create table bulk (id integer primary key, body blob)`.execute(s.db);
  await s.transaction(async (tx) => {
    checkpointAside(tx);
    const ins = tx.sqlite!.prepare('insert into bulk (body) values (randomblob(1000))');
    for (let i = 0; i < 20_000; i++) ins.run();
  });
  // Before the fix the thread was still copying here; removing its file then aborted the process.
  await s.close();
  // Closed last, after the thread, the writer's connection finishes the log and removes it.
  assert.equal(fs.existsSync(`${file}-wal`), false, 'a checkpoint thread outlived the store');
  const again = openStore(`sqlite:${file}`);
  const { rows } = await sql<{ n: number }>`select count(*) as n from bulk`.execute(again.db);
  assert.equal(rows[0]!.n, 20_000);
  await again.close();
  fs.rmSync(own, { recursive: true, force: true });
});
