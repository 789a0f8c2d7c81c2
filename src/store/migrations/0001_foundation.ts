// Foundation: node settings and the append-only audit log.
import type { Kysely } from 'kysely';
import { columns } from '../columns.ts';
import type { DialectName } from '../store.ts';
import { appendOnly } from '../append-only.ts';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const c = columns(dialect);
  await db.schema
    .createTable('node_setting')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('value', 'text', (col) => col.notNull())
    .addColumn('updated_at', c.time, (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('audit_entry')
    .addColumn('seq', c.bigint, (col) => col.primaryKey())
    .addColumn('at', c.time, (col) => col.notNull())
    .addColumn('org_id', 'text')
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('target', 'text')
    .addColumn('purpose', 'text')
    .addColumn('outcome', 'text', (col) => col.notNull())
    .addColumn('entry', 'text', (col) => col.notNull())
    .addColumn('leaf_hash', c.bytes, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('audit_entry_org_seq')
    .on('audit_entry')
    .columns(['org_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('audit_entry_target')
    .on('audit_entry')
    .columns(['target', 'seq'])
    .execute();
  await db.schema
    .createIndex('audit_entry_actor')
    .on('audit_entry')
    .columns(['actor', 'seq'])
    .execute();

  await db.schema
    .createTable('audit_tile')
    .addColumn('level', 'integer', (col) => col.notNull())
    .addColumn('idx', c.bigint, (col) => col.notNull())
    .addColumn('hashes', c.bytes, (col) => col.notNull())
    .addPrimaryKeyConstraint('audit_tile_pk', ['level', 'idx'])
    .execute();

  await db.schema
    .createTable('audit_checkpoint')
    .addColumn('size', c.bigint, (col) => col.primaryKey())
    .addColumn('root', c.bytes, (col) => col.notNull())
    .addColumn('at', c.time, (col) => col.notNull())
    .addColumn('key_id', 'text', (col) => col.notNull())
    .addColumn('note', 'text', (col) => col.notNull())
    .addColumn('signature', c.bytes, (col) => col.notNull())
    .execute();

  for (const table of ['audit_entry', 'audit_tile', 'audit_checkpoint']) {
    await appendOnly(db, dialect, table);
  }
}
