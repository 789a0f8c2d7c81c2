// Migration 0024 on links as 0013 kept them (one row per line, the recipient's half written into
// the sender's row on one node, or a row of its own when the sender is on another node): each
// sender's half becomes a sent link, each recipient's half a received run of one line, and
// corrections find both as before.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { forEachDialect } from '../helpers/db.ts';
import { createTestServices } from '../helpers/app.ts';
import type { TestServices } from '../helpers/app.ts';
import { transferLinks } from '../helpers/exchange.ts';
import { migrate } from '../../src/store/migrate.ts';
import { receivedRecord } from '../../src/domain/exchange/transfer-links.ts';

forEachDialect('migration 0024: transfer links', (dialect) => {
  let t: TestServices;
  before(async () => {
    t = await createTestServices(dialect);
  });
  after(async () => t.close());

  test('both halves of every line move over', async () => {
    const db = t.services.store.db;
    // Back to the shape 0013 made, with 0024 not yet run.
    await db.schema.dropTable('transfer_sent').execute();
    await db.schema.dropTable('transfer_received').execute();
    await db.schema
      .createTable('transfer_record')
      .addColumn('transfer_id', 'text', (c) => c.notNull())
      .addColumn('line', 'integer', (c) => c.notNull())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('source_record_id', 'text', (c) => c.notNull())
      .addColumn('recipient_record_id', 'text')
      .addPrimaryKeyConstraint('transfer_record_pk', ['transfer_id', 'line'])
      .execute();
    await sql`insert into transfer_record values
      ('t-local', 1, 'org-a', 'src-1', 'copy-1'),
      ('t-local', 2, 'org-a', 'src-2', 'copy-2'),
      ('t-unopened', 1, 'org-a', 'src-1', null),
      ('t-remote', 1, 'org-far', '', 'copy-3')`.execute(db);
    await sql`delete from kysely_migration where name = '0024_transfer_links'`.execute(db);

    assert.deepEqual((await migrate(t.services.store)).applied, ['0024_transfer_links']);
    assert.deepEqual(await transferLinks(t.services.store, 't-local'), [
      { line: 1, source_record_id: 'src-1', recipient_record_id: 'copy-1' },
      { line: 2, source_record_id: 'src-2', recipient_record_id: 'copy-2' },
    ]);
    assert.deepEqual(await transferLinks(t.services.store, 't-unopened'), [
      { line: 1, source_record_id: 'src-1', recipient_record_id: null },
    ]);
    // A recipient whose sender is on another node holds no sent half.
    assert.deepEqual(await transferLinks(t.services.store, 't-remote'), []);
    assert.equal(await receivedRecord(t.services.store, 't-remote', 1), 'copy-3');
    assert.equal(await receivedRecord(t.services.store, 't-remote', 2), undefined);
    assert.equal(await receivedRecord(t.services.store, 't-unopened', 1), undefined);
    // Corrections look the sender's half up by source record.
    const carried = await db
      .selectFrom('transfer_sent')
      .select(['transfer_id', 'line'])
      .where('org_id', '=', 'org-a')
      .where('source_record_id', '=', 'src-1')
      .orderBy('transfer_id')
      .execute();
    assert.deepEqual(carried, [
      { transfer_id: 't-local', line: 1 },
      { transfer_id: 't-unopened', line: 1 },
    ]);
    await assert.rejects(sql`select 1 from transfer_record`.execute(db));
  });
});
