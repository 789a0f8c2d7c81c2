import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { forEachDialect, createTestDb } from '../helpers/db.ts';
import type { TestDb } from '../helpers/db.ts';
import { migrate, migrationStatus } from '../../src/store/migrate.ts';

forEachDialect('store', (dialect) => {
  let t: TestDb;
  before(async () => {
    t = await createTestDb(dialect);
  });
  after(async () => t.close());

  test('migrations are recorded and running them again applies nothing', async () => {
    const again = await migrate(t.store);
    assert.deepEqual(again.applied, []);
    const status = await migrationStatus(t.store);
    assert.ok(status.length > 0 && status.every((m) => m.applied));
  });

  test('a transaction that throws leaves nothing behind and runs no after-commit hook', async () => {
    let committed = false;
    await assert.rejects(
      t.store.transaction(async (tx) => {
        await tx.db
          .insertInto('node_setting')
          .values({ name: 'x', value: '1', updated_at: new Date().toISOString() })
          .execute();
        tx.afterCommit(() => (committed = true));
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(committed, false);
    assert.equal(
      await t.store.db
        .selectFrom('node_setting')
        .selectAll()
        .where('name', '=', 'x')
        .executeTakeFirst(),
      undefined,
    );
  });

  test('before-commit hooks run inside the transaction, after-commit hooks after it', async () => {
    const order: string[] = [];
    await t.store.transaction(async (tx) => {
      tx.beforeCommit({}, async () => {
        order.push('before');
        await tx.db
          .insertInto('node_setting')
          .values({ name: 'y', value: '2', updated_at: new Date().toISOString() })
          .execute();
      });
      tx.afterCommit(() => order.push('after'));
      order.push('body');
    });
    assert.deepEqual(order, ['body', 'before', 'after']);
    assert.ok(
      await t.store.db
        .selectFrom('node_setting')
        .selectAll()
        .where('name', '=', 'y')
        .executeTakeFirst(),
    );
  });

  test('the database itself refuses UPDATE and DELETE on audit rows', async () => {
    await t.store.transaction(async (tx) => {
      // Row triggers need rows to fire on.
      const at = new Date().toISOString();
      await tx.db
        .insertInto('audit_checkpoint')
        .values({
          size: 999,
          root: Buffer.alloc(32),
          at,
          key_id: 'k',
          note: 'n',
          signature: Buffer.alloc(64),
        })
        .execute();
      await tx.db
        .insertInto('audit_entry')
        .values({ seq: 0, entry: '{"actor":"a"}', leaf_hash: Buffer.alloc(32) })
        .execute();
      await tx.db
        .insertInto('audit_tile')
        .values({ level: 0, idx: 0, hashes: Buffer.alloc(32) })
        .execute();
    });
    for (const table of ['audit_entry', 'audit_tile', 'audit_checkpoint']) {
      await assert.rejects(
        sql`update ${sql.id(table)} set ${sql.id(table === 'audit_tile' ? 'level' : table === 'audit_entry' ? 'entry' : 'key_id')} = ${table === 'audit_tile' ? 9 : table === 'audit_entry' ? '{"actor":"b"}' : 'x'}`.execute(
          t.store.db,
        ),
        /append-only/,
      );
      await assert.rejects(sql`delete from ${sql.id(table)}`.execute(t.store.db), /append-only/);
    }
    if (dialect === 'postgres')
      await assert.rejects(sql`truncate audit_entry`.execute(t.store.db), /append-only/);
  });
});
