// Records: organisation keys, record types, information assets, sealed records, the identifier
// index (keyed hashes only) and import jobs.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { columns } from '../columns.ts';
import type { DialectName } from '../store.ts';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const c = columns(dialect);
  await db.schema
    .createTable('org_key')
    .addColumn('key_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references('organisation.org_id'))
    .addColumn('purpose', 'text', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('wrapped', c.bytes, (col) => col.notNull())
    .addColumn('master_key_id', 'text', (col) => col.notNull())
    .addColumn('created_at', c.time, (col) => col.notNull())
    .addUniqueConstraint('org_key_version', ['org_id', 'purpose', 'version'])
    .execute();

  await db.schema
    .createTable('record_type')
    .addColumn('type_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references('organisation.org_id'))
    .addColumn('key', 'text', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('schema', c.json, (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', c.time, (col) => col.notNull())
    .addUniqueConstraint('record_type_version', ['org_id', 'key', 'version'])
    .execute();

  await db.schema
    .createTable('information_asset')
    .addColumn('asset_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references('organisation.org_id'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('owner_person_id', 'text', (col) => col.references('person.person_id'))
    .addColumn('type_key', 'text', (col) => col.notNull())
    .addColumn('classification', 'text', (col) => col.notNull())
    .addColumn('lawful_basis', 'text', (col) => col.notNull())
    .addColumn('special_condition', 'text')
    .addColumn('retention_period', 'text')
    .addColumn('retention_from', 'text')
    .addColumn('retention_action', 'text', (col) => col.notNull())
    .addColumn('application', 'text')
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', c.time, (col) => col.notNull())
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .addColumn('updated_at', c.time, (col) => col.notNull())
    .addUniqueConstraint('information_asset_name', ['org_id', 'name'])
    .execute();

  await db.schema
    .createTable('record')
    .addColumn('record_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull())
    .addColumn('asset_id', 'text', (col) => col.notNull().references('information_asset.asset_id'))
    .addColumn('type_id', 'text', (col) => col.notNull())
    .addColumn('subject_id', 'text', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('payload', c.bytes, (col) => col.notNull())
    .addColumn('key_version', 'integer', (col) => col.notNull())
    .addColumn('source', 'text', (col) => col.notNull())
    .addColumn('retain_until', 'text')
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', c.time, (col) => col.notNull())
    .addColumn('updated_at', c.time, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('record_subject')
    .on('record')
    .columns(['org_id', 'subject_id'])
    .execute();
  await db.schema
    .createIndex('record_asset')
    .on('record')
    .columns(['asset_id', 'record_id'])
    .execute();
  await db.schema
    .createIndex('record_retention')
    .on('record')
    .columns(['org_id', 'retain_until'])
    .execute();

  // Keyed hashes are random, so a clustered table (no separate rowid b-tree on SQLite) halves
  // the work of each insert.
  await db.schema
    .createTable('record_identifier')
    .addColumn('org_id', 'text', (col) => col.notNull())
    .addColumn('hash', c.bytes, (col) => col.notNull())
    .addColumn('subject_id', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('record_identifier_pk', ['org_id', 'hash'])
    .modifyEnd(dialect === 'sqlite' ? sql`without rowid` : sql``)
    .execute();
  await db.schema
    .createIndex('record_identifier_subject')
    .on('record_identifier')
    .columns(['org_id', 'subject_id'])
    .execute();

  await db.schema
    .createTable('import_job')
    .addColumn('import_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references('organisation.org_id'))
    .addColumn('asset_id', 'text', (col) => col.notNull())
    .addColumn('format', 'text', (col) => col.notNull())
    .addColumn('file_name', 'text', (col) => col.notNull())
    .addColumn('file_sha256', 'text')
    .addColumn('purpose', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('rows_read', c.bigint, (col) => col.notNull())
    .addColumn('rows_imported', c.bigint, (col) => col.notNull())
    .addColumn('rows_failed', c.bigint, (col) => col.notNull())
    .addColumn('problems', c.json, (col) => col.notNull())
    .addColumn('message', 'text')
    .addColumn('runner', 'text', (col) => col.notNull())
    .addColumn('started_by', 'text', (col) => col.notNull())
    .addColumn('started_at', c.time, (col) => col.notNull())
    .addColumn('finished_at', c.time)
    .execute();
  await db.schema
    .createIndex('import_job_org')
    .on('import_job')
    .columns(['org_id', 'started_at'])
    .execute();
}
