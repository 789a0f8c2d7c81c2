// The links between a transfer's lines and records (migration 0013), made lean: they were one row
// per line in a table with two indexes, written twice on one node (the sender's half, then the
// recipient's as an upsert of the same row), which took about an eighth of opening a big
// transfer.
//
// - `transfer_sent`: the sender's half, one row per line, keyed by what corrections look it up by
//   (the sender's organisation and source record). Clustered on SQLite (no rowid), so a line is
//   one B-tree insert instead of three.
// - `transfer_received`: the recipient's half, one row per chunk opened: the first line it holds
//   and the ids of the records its lines became, in order (a JSON array). A correction looks up
//   one line at a time, so it reads one row and picks the id out.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { DialectName } from '../store.ts';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('transfer_sent')
    .addColumn('org_id', 'text', (col) => col.notNull())
    .addColumn('source_record_id', 'text', (col) => col.notNull())
    .addColumn('transfer_id', 'text', (col) => col.notNull())
    .addColumn('line', 'integer', (col) => col.notNull())
    .addPrimaryKeyConstraint('transfer_sent_pk', [
      'org_id',
      'source_record_id',
      'transfer_id',
      'line',
    ])
    .modifyEnd(dialect === 'sqlite' ? sql`without rowid` : sql``)
    .execute();
  await db.schema
    .createTable('transfer_received')
    .addColumn('transfer_id', 'text', (col) => col.notNull())
    .addColumn('first_line', 'integer', (col) => col.notNull())
    .addColumn('record_ids', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('transfer_received_pk', ['transfer_id', 'first_line'])
    .execute();

  // Links already made move over; a recipient's line becomes a run of one.
  await sql`insert into transfer_sent (org_id, source_record_id, transfer_id, line)
    select org_id, source_record_id, transfer_id, line from transfer_record
    where source_record_id <> ''`.execute(db);
  await sql`insert into transfer_received (transfer_id, first_line, record_ids)
    select transfer_id, line, '["' || recipient_record_id || '"]' from transfer_record
    where recipient_record_id is not null`.execute(db);
  await db.schema.dropTable('transfer_record').execute();
}
