// One suite, several databases: every test that needs a store runs on SQLite, and on PostgreSQL
// too when TEST_DATABASE_URL is set (CI sets it). Each store is a fresh, migrated database.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe } from 'node:test';
import { openStore } from '../../src/store/store.ts';
import type { DialectName, Store } from '../../src/store/store.ts';
import { migrate } from '../../src/store/migrate.ts';

export const DIALECTS: DialectName[] = process.env.TEST_DATABASE_URL
  ? ['sqlite', 'postgres']
  : ['sqlite'];

// A transaction is one pg client: queries sent to it at once are queued with a deprecation
// warning, and pg@9 will refuse them (src/store/in-turn.ts). Such a warning fails the test file
// that caused it, though every test in it passed.
process.on('warning', (w) => {
  if (w.name === 'DeprecationWarning' && w.message.includes('already executing a query')) {
    console.error(w.stack);
    process.exitCode = 1;
  }
});

export interface TestDb {
  dialect: DialectName;
  url: string;
  store: Store;
  dataDir: string;
  close(): Promise<void>;
}

export function tempDir(prefix = 'accord-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A new empty database (not migrated) and a data directory. */
export async function createEmptyDb(
  dialect: DialectName,
): Promise<{ url: string; dataDir: string; drop(): Promise<void> }> {
  const dataDir = tempDir();
  if (dialect === 'sqlite') {
    return {
      url: `sqlite:${path.join(dataDir, 'accord.sqlite')}`,
      dataDir,
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const admin = process.env.TEST_DATABASE_URL;
  if (!admin) throw new Error('TEST_DATABASE_URL is not set');
  const name = `accord_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    dataDir,
    drop: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function createTestDb(dialect: DialectName): Promise<TestDb> {
  const empty = await createEmptyDb(dialect);
  const store = openStore(empty.url);
  await migrate(store);
  return {
    dialect,
    url: empty.url,
    store,
    dataDir: empty.dataDir,
    close: async () => {
      await store.close();
      await empty.drop();
    },
  };
}

/** Declares `fn`'s tests once per database. */
export function forEachDialect(name: string, fn: (dialect: DialectName) => void): void {
  for (const dialect of DIALECTS) {
    void describe(`${name} [${dialect}]`, () => fn(dialect));
  }
}
