// Foundation: node settings and the append-only audit log.
import { sql } from 'kysely';
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

  // The hashed JSON is the entry; the columns queries filter on are generated from it by the
  // database, so they can never disagree with what the Merkle tree commits to.
  const field = (name: string) =>
    dialect === 'sqlite'
      ? sql`json_extract(entry, ${sql.lit(`$.${name}`)})`
      : sql`(entry::jsonb ->> ${sql.lit(name)})`;
  let table = db.schema
    .createTable('audit_entry')
    .addColumn('seq', c.bigint, (col) => col.primaryKey())
    .addColumn('entry', 'text', (col) => col.notNull())
    .addColumn('leaf_hash', c.bytes, (col) => col.notNull());
  for (const [column, name] of [
    ['at', 'at'],
    ['org_id', 'org'],
    ['actor', 'actor'],
    ['action', 'action'],
    ['target', 'target'],
    ['purpose', 'purpose'],
    ['outcome', 'outcome'],
  ] as const) {
    table = table.addColumn(column, 'text', (col) =>
      dialect === 'sqlite'
        ? col.generatedAlwaysAs(field(name))
        : col.generatedAlwaysAs(field(name)).stored(),
    );
  }
  await table.execute();
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
