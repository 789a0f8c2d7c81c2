// The identifier index rebuilt for bulk loads. Keyed hashes are random, so every new identifier
// is an insert at a random place in whatever B-tree is keyed on the hash. Clustered on
// (org_id, hash) each entry carried the 36-character organisation id and the subject id too, so
// at a million records the tree outgrew the page cache and every insert missed it. Now the rows
// are appended in arrival order (a rowid table), the random part is a unique index on the
// 16-byte hash alone (small enough to stay cached), and the subject index is appended in order
// too (subject ids are time-ordered).
//
// The hash alone is unique across organisations: each organisation has its own index key, so
// two organisations' 128-bit hashes colliding is as likely as guessing a key. Queries still
// name the organisation (org_id is checked on the row).
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { columns } from '../columns.ts';
import type { DialectName } from '../store.ts';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const c = columns(dialect);
  await db.schema
    .createTable('record_identifier_next')
    .addColumn('org_id', 'text', (col) => col.notNull())
    .addColumn('hash', c.bytes, (col) => col.notNull())
    .addColumn('subject_id', 'text', (col) => col.notNull())
    .execute();
  await sql`insert into record_identifier_next (org_id, hash, subject_id) select org_id, hash, subject_id from record_identifier order by subject_id`.execute(
    db,
  );
  await db.schema.dropTable('record_identifier').execute();
  await db.schema.alterTable('record_identifier_next').renameTo('record_identifier').execute();
  await db.schema
    .createIndex('record_identifier_hash')
    .on('record_identifier')
    .column('hash')
    .unique()
    .execute();
  await db.schema
    .createIndex('record_identifier_subject')
    .on('record_identifier')
    .column('subject_id')
    .execute();
}
