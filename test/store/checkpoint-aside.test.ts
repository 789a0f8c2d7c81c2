// The writer's connection never copies its write-ahead log back by itself: a thread does, once the
// log has grown past what SQLite would have let it reach, and at once after a bulk job commits.
// A small store starts no thread; closing the store stops the thread first.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openStore } from '../../src/store/store.ts';
import type { Store } from '../../src/store/store.ts';
import {
  WAL_LIMITS,
  checkpointAside,
  checkpointsSettled,
} from '../../src/store/checkpoint-aside.ts';

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

const writer = async (s: Store) => (await s.transaction(async (tx) => tx.sqlite))!;
/** Frames in the log (this checkpoints too: call it last). */
const log = async (s: Store): Promise<{ frames: number; copied: number }> => {
  const [r] = (await writer(s)).pragma('wal_checkpoint(PASSIVE)') as {
    log: number;
    checkpointed: number;
  }[];
  return { frames: r!.log, copied: r!.checkpointed };
};
const fileSize = (): number => fs.statSync(path.join(dir, 'db.sqlite')).size;

test('the writer does not copy the log back at its commits', async () => {
  await sql`create table bulk (id integer primary key, body blob)`.execute(store.db);
  assert.equal((await writer(store)).pragma('wal_autocheckpoint', { simple: true }), 0);
  const before = fileSize();
  // 2,000 small commits write well past SQLite's own threshold of 1,000 pages.
  for (let i = 0; i < 2_000; i++)
    await store.transaction(async (tx) => {
      tx.sqlite!.prepare('insert into bulk (body) values (randomblob(3000))').run();
    });
  const wal = fs.statSync(path.join(dir, 'db.sqlite-wal')).size;
  assert.ok(wal > 4_000 * 1024, `the log grew to ${wal} bytes`);
  // The thread started on the way copies it back on its own, without being asked.
  const deadline = Date.now() + 20_000;
  while (fileSize() <= before + 2_000 * 3000) {
    assert.ok(Date.now() < deadline, 'nothing copied the log back');
    await new Promise((r) => setTimeout(r, 50));
  }
});

test('a bulk job is copied back on the thread as soon as it commits', async () => {
  const before = fileSize();
  await store.transaction(async (tx) => {
    checkpointAside(tx);
    const ins = tx.sqlite!.prepare('insert into bulk (body) values (randomblob(1000))');
    for (let i = 0; i < 20_000; i++) ins.run();
  });
  await checkpointsSettled(await writer(store));
  // Only a checkpoint writes the database file itself: the thread copied the whole log into it.
  assert.ok(fileSize() >= before + 20_000 * 1000, 'settled means the log is copied back');
  // The next commit starts the log again from its beginning: it does not grow without end.
  const size = fs.statSync(path.join(dir, 'db.sqlite-wal')).size;
  await store.transaction(async (tx) => {
    tx.sqlite!.prepare('insert into bulk (body) values (randomblob(10))').run();
  });
  assert.equal(fs.statSync(path.join(dir, 'db.sqlite-wal')).size, size);
  assert.ok((await log(store)).frames < 10, 'the log started again');
});

test('under steady writes the log stays within its cap, and nothing is lost', async () => {
  const { cap, catchUp } = WAL_LIMITS;
  WAL_LIMITS.cap = 8 << 20;
  WAL_LIMITS.catchUp = 4 << 20;
  const own = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-checkpoint-steady-'));
  const s = openStore(`sqlite:${path.join(own, 'db.sqlite')}`);
  try {
    await sql`create table steady (id integer primary key, body blob)`.execute(s.db);
    const wal = path.join(own, 'db.sqlite-wal');
    let largest = 0;
    // Commits back to back (the event loop never turns), so the thread's copy is always a few
    // commits behind: without the cap, SQLite would never start the log again and it would
    // hold all 60 MB.
    for (let i = 0; i < 20_000; i++) {
      await s.transaction(async (tx) => {
        tx.sqlite!.prepare('insert into steady (body) values (randomblob(3000))').run();
      });
      // From the second half on (the thread takes a moment to start, the log grows meanwhile).
      if (i >= 10_000 && i % 100 === 0) largest = Math.max(largest, fs.statSync(wal).size);
    }
    assert.ok(largest <= 12 << 20, `the log grew to ${largest} bytes`);
    const { rows } = await sql<{ n: number }>`select count(*) as n from steady`.execute(s.db);
    assert.equal(rows[0]!.n, 20_000);
  } finally {
    WAL_LIMITS.cap = cap;
    WAL_LIMITS.catchUp = catchUp;
    await s.close();
    fs.rmSync(own, { recursive: true, force: true });
  }
});

test('a small store starts no thread, and its commits stay small', async () => {
  const own = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-checkpoint-small-'));
  const s = openStore(`sqlite:${path.join(own, 'db.sqlite')}`);
  await sql`create table t (id integer primary key)`.execute(s.db);
  for (let i = 0; i < 50; i++)
    await s.transaction(async (tx) => {
      tx.sqlite!.prepare('insert into t default values').run();
    });
  // Nothing to settle: no thread was started, so this returns at once, and nothing has written
  // the database file past its first page (set when the log was turned on).
  await checkpointsSettled(await writer(s));
  assert.ok(fs.statSync(path.join(own, 'db.sqlite')).size <= 4096, 'something checkpointed');
  await s.close();
  assert.equal(fs.existsSync(path.join(own, 'db.sqlite-wal')), false);
  fs.rmSync(own, { recursive: true, force: true });
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
