// SQLite copies its write-ahead log back into the database file (a checkpoint) at the commit that
// finds the log past 1,000 pages, on the thread that commits: every few hundred small requests one
// of them waits tens of milliseconds for it (a fsync included), and after a bulk job the next
// request waits seconds. So the writer's connection never checkpoints by itself. A worker thread
// with its own connection does it instead, a few times a second, without holding the writer up (a
// passive checkpoint neither waits for nor blocks the writer). The thread starts once the log
// first grows past what SQLite would have let it reach, so a small store (a test's, a CLI run's)
// never starts one. A checkpoint is crash-safe at any point: a process that exits first loses
// nothing, and the next opening of the file finishes it.
//
// SQLite starts the log again from its beginning only when a write begins with every frame
// already copied back. Under steady writes the thread's copy is always a few commits behind, so
// the log would grow for as long as the load lasts: past a cap, the writer itself copies back
// the few frames the thread has not (cheap), and its next write starts the log again, which is
// then cut back to the cap.

import fs from 'node:fs';
import type Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import type { Tx } from './store.ts';

export const WAL_LIMITS = {
  /** When the thread starts: SQLite's own threshold, 1,000 pages of 4 KiB. */
  startAt: 4_000 * 1024,
  /** The most the log may grow to before the writer catches up itself. */
  cap: 64 << 20,
  /** The most the writer copies back itself: more (a bulk job just committed) is the thread's. */
  catchUp: 16 << 20,
};
/** How often the thread looks for frames to copy back. */
const EVERY_MS = 200;

interface Checkpointer {
  file: string;
  worker?: Worker;
  /** The thread's end, which closing the store waits for. */
  ended?: Promise<void>;
  /** Callers waiting for a copy-back that started after they asked, by request number. */
  waiting: Map<number, () => void>;
  asked: number;
  /** The thread could not run: the writer checkpoints by itself again, as SQLite does. */
  failed: boolean;
  /** The store is closing or closed: no thread is started again. */
  closed: boolean;
  /**
   * The log file's size when the thread last finished copying back (what it had copied, nearly),
   * written by the thread: shared memory, read at every commit even when the writer's event
   * loop has not turned since (a loop of transactions awaits only promises).
   */
  copiedAt: BigInt64Array;
}

const checkpointers = new WeakMap<Database.Database, Checkpointer>();

/** Hands the checkpoints of a writer's connection to a thread (files only, not `:memory:`). */
export function checkpointsAside(raw: Database.Database): void {
  if (raw.memory || raw.readonly) return;
  raw.pragma('wal_autocheckpoint = 0');
  // A log that grew large (a bulk job) is cut back to the cap when it starts again.
  raw.pragma(`journal_size_limit = ${WAL_LIMITS.cap}`);
  checkpointers.set(raw, {
    file: raw.name,
    waiting: new Map(),
    asked: 0,
    failed: false,
    closed: false,
    copiedAt: new BigInt64Array(new SharedArrayBuffer(8)),
  });
}

function start(raw: Database.Database, c: Checkpointer): Worker | undefined {
  if (c.worker || c.failed || c.closed) return c.worker;
  let worker: Worker;
  try {
    worker = new Worker(new URL('./checkpoint-worker.mjs', import.meta.url), {
      workerData: { file: c.file, everyMs: EVERY_MS, copiedAt: c.copiedAt },
      execArgv: [],
    });
  } catch {
    giveBack(raw, c);
    return undefined;
  }
  // It must not keep a finished process alive; an unfinished checkpoint is finished later.
  worker.unref();
  // After each copy-back, the callers who asked for it are answered.
  worker.on('message', (m: { done: number }) => {
    for (const [n, resolve] of c.waiting)
      if (n <= m.done) {
        c.waiting.delete(n);
        resolve();
      }
  });
  // A thread that fails hands the checkpoints back to the writer rather than let the log grow.
  worker.once('error', () => giveBack(raw, c));
  c.ended = new Promise((resolve) =>
    worker.once('exit', () => {
      c.worker = undefined;
      for (const resolve of c.waiting.values()) resolve();
      c.waiting.clear();
      resolve();
    }),
  );
  c.worker = worker;
  return worker;
}

function giveBack(raw: Database.Database, c: Checkpointer): void {
  c.failed = true;
  if (raw.open) raw.pragma('wal_autocheckpoint = 1000');
}

/**
 * After each commit on the writer: starts the thread once the log has grown big enough, and
 * catches up itself once the log passes the cap.
 */
export function committed(raw: Database.Database): void {
  const c = checkpointers.get(raw);
  if (!c || c.failed || c.closed) return;
  const size = walSize(c.file);
  if (size < WAL_LIMITS.startAt) return;
  if (!c.worker) {
    start(raw, c);
    return;
  }
  // The file keeps its size once it has grown (cut back to the cap when the log starts again):
  // past the cap, the log has not started again since, and it grows only at its end, so what
  // was added since the thread's last copy-back is what it has not copied. A little: the writer
  // copies it (busy, because the thread is copying: the next commit tries again).
  const copied = Number(Atomics.load(c.copiedAt, 0));
  if (size > WAL_LIMITS.cap && copied > 0 && size - copied <= WAL_LIMITS.catchUp)
    raw.pragma('wal_checkpoint(PASSIVE)');
}

function walSize(file: string): number {
  try {
    return fs.statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
}

/** Asks the thread for a copy-back now; resolves when one that began after this call is done. */
function now(raw: Database.Database): Promise<void> {
  const c = checkpointers.get(raw);
  const worker = c && start(raw, c);
  if (!c || !worker) return Promise.resolve();
  const n = ++c.asked;
  const done = new Promise<void>((resolve) => c.waiting.set(n, resolve));
  worker.postMessage({ now: n });
  return done;
}

/** A bulk job: its log is copied back on the thread as soon as it commits, not at the next poll. */
export function checkpointAside(tx: Tx): void {
  const raw = tx.sqlite;
  if (!raw || !checkpointers.has(raw)) return;
  tx.afterCommit(() => void now(raw));
}

/** Resolves once the log written so far has been copied back (when a thread runs at all). */
export async function checkpointsSettled(raw: Database.Database): Promise<void> {
  const c = checkpointers.get(raw);
  if (c?.worker) await now(raw);
}

/**
 * Stops the thread and waits for it to end. The store does this before it closes: a thread still
 * copying when its file is closed and removed (a test's temporary directory, a CLI run ending)
 * fails inside a terminating thread, which aborts the whole process.
 */
export async function stopCheckpoints(raw: Database.Database): Promise<void> {
  const c = checkpointers.get(raw);
  if (!c) return;
  c.closed = true;
  if (!c.worker) return;
  // Awaited now, so it must hold the process open until it has ended.
  c.worker.ref();
  c.worker.postMessage('stop');
  await c.ended;
}
