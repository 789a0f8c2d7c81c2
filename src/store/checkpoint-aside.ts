// A bulk write on SQLite leaves a write-ahead log as big as what it wrote, and SQLite copies the
// log back into the database file (a checkpoint) at the first commit that finds it big: for a
// million-record import that is several seconds on the main thread, with every request queued
// behind it. A bulk job instead turns the writer's automatic checkpoints off for its transaction;
// once it commits, a worker thread with its own connection copies the log back while the main
// thread goes on, and automatic checkpoints return when the worker is done. A checkpoint is
// crash-safe at any point, so a process that exits first loses nothing: the next opening of the
// file finishes it.

import type Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import type { Tx } from './store.ts';

/** Per connection: its own setting, and how many bulk jobs have it turned off just now. */
const held = new WeakMap<Database.Database, { every: number; jobs: number }>();
/** Per connection: the checkpoint threads still running, which closing the store waits for. */
const running = new WeakMap<Database.Database, Map<Worker, Promise<void>>>();

/**
 * Resolves once every checkpoint thread started for this connection has ended. The store waits
 * for them before it closes: a thread still copying when its file is closed and removed (a test's
 * temporary directory, a CLI run ending) fails inside a terminating thread, which aborts the
 * whole process.
 */
export async function checkpointsSettled(raw: Database.Database): Promise<void> {
  const jobs = running.get(raw);
  if (!jobs) return;
  // Unreferenced so as not to keep a finished process alive; awaited, they must.
  for (const w of jobs.keys()) w.ref();
  await Promise.all(jobs.values());
}

/** Defers the checkpoint of this transaction's writes to a worker thread (SQLite files only). */
export function checkpointAside(tx: Tx): void {
  const raw = tx.sqlite;
  if (!raw || raw.memory) return;
  // Two bulk jobs can overlap (the second commits before the first one's copy ends): the
  // setting comes back when the last of them is done, not as the second one found it (off).
  let h = held.get(raw);
  if (!h) {
    h = { every: raw.pragma('wal_autocheckpoint', { simple: true }) as number, jobs: 0 };
    held.set(raw, h);
    raw.pragma('wal_autocheckpoint = 0');
  }
  h.jobs++;
  const restore = (): void => {
    if (--h.jobs > 0) return;
    held.delete(raw);
    if (raw.open) raw.pragma(`wal_autocheckpoint = ${h.every}`);
  };
  tx.afterRollback(restore);
  tx.afterCommit(() => {
    try {
      const worker = new Worker(new URL('./checkpoint-worker.mjs', import.meta.url), {
        workerData: { file: raw.name },
        execArgv: [],
      });
      // It must not keep a finished process alive; an unfinished checkpoint is finished later.
      worker.unref();
      const jobs = running.get(raw) ?? new Map<Worker, Promise<void>>();
      running.set(raw, jobs);
      jobs.set(
        worker,
        new Promise<void>((resolve) =>
          worker.once('exit', () => {
            jobs.delete(worker);
            restore();
            resolve();
          }),
        ),
      );
      // A failed checkpoint is left to the automatic ones, as before.
      worker.once('error', () => undefined);
    } catch {
      // No thread to be had: the automatic checkpoints come back and do the copy, as before.
      restore();
    }
  });
}
