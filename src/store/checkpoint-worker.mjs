// Copies a SQLite write-ahead log back into its database file on this thread's own connection
// (see checkpoint-aside.ts). Plain JavaScript: it needs nothing but the driver.
import Database from 'better-sqlite3';
import { workerData } from 'node:worker_threads';

const db = new Database(workerData.file, { fileMustExist: true });
try {
  db.pragma('busy_timeout = 10000');
  db.pragma('wal_checkpoint(PASSIVE)');
} finally {
  db.close();
}
