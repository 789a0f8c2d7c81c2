// A bulk write on SQLite leaves a write-ahead log as big as what it wrote, and SQLite copies the
// log back into the database file (a checkpoint) at the first commit that finds it big: for a
// million-record import that is several seconds on the main thread, with every request queued
// behind it. A bulk job instead turns the writer's automatic checkpoints off for its transaction;
// once it commits, a worker thread with its own connection copies the log back while the main
// thread goes on, and automatic checkpoints return when the worker is done. A checkpoint is
// crash-safe at any point, so a process that exits first loses nothing: the next opening of the
// file finishes it.

import { Worker } from 'node:worker_threads';
import type { Tx } from './store.ts';

/** Defers the checkpoint of this transaction's writes to a worker thread (SQLite files only). */
export function checkpointAside(tx: Tx): void {
  const raw = tx.sqlite;
  if (!raw || raw.memory) return;
  const every = raw.pragma('wal_autocheckpoint', { simple: true }) as number;
  raw.pragma('wal_autocheckpoint = 0');
  const restore = (): void => {
    if (raw.open) raw.pragma(`wal_autocheckpoint = ${every}`);
  };
  tx.afterRollback(restore);
  tx.afterCommit(() => {
    const worker = new Worker(new URL('./checkpoint-worker.mjs', import.meta.url), {
      workerData: { file: raw.name },
      execArgv: [],
    });
    // It must not keep a finished process alive; an unfinished checkpoint is finished later.
    worker.unref();
    worker.once('exit', restore);
    // A failed checkpoint is left to the automatic ones, as before.
    worker.once('error', () => undefined);
  });
}
