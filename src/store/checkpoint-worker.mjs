// Copies a SQLite write-ahead log back into its database file on this thread's own connection
// (see checkpoint-aside.ts): every few hundred milliseconds, and at once when asked. Plain
// JavaScript: it needs nothing but the driver.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 10000');
// Passive: copies what no reader still needs, never waits for the writer, never blocks it.
const copyBack = () => db.pragma('wal_checkpoint(PASSIVE)');
const timer = setInterval(copyBack, workerData.everyMs);

parentPort.on('message', (m) => {
  if (m === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.close();
    return;
  }
  copyBack();
  parentPort.postMessage({ done: m.now });
});
