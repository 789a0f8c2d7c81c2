// Copies a SQLite write-ahead log back into its database file on this thread's own connection
// (see checkpoint-aside.ts): every few hundred milliseconds, and at once when asked. Each time,
// it says so, naming the last request it has answered, and leaves the log's size as it began in
// memory shared with the writer. Plain JavaScript: it needs nothing but
// the driver.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 10000');
let asked = 0;
// Passive: copies what no reader still needs, never waits for the writer, never blocks it.
const copyBack = () => {
  // The log's size as the copy began: at most what it copied (the writer reads it, see there).
  let size = 0;
  try {
    size = fs.statSync(`${workerData.file}-wal`).size;
  } catch {
    // No log (yet): nothing to copy.
  }
  db.pragma('wal_checkpoint(PASSIVE)');
  Atomics.store(workerData.copiedAt, 0, BigInt(size));
  parentPort.postMessage({ done: asked });
};
const timer = setInterval(copyBack, workerData.everyMs);

parentPort.on('message', (m) => {
  if (m === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.close();
    return;
  }
  asked = m.now;
  copyBack();
});
