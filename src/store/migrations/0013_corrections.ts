// Corrections that travel (UK GDPR Art. 19; issue 7, point 3): which source record each line of a
// sent transfer carried and which record it became at the recipient, and the correction notices
// sent to partners when a record they received is rectified, erased or restricted.
import type { Kysely } from 'kysely';
import { columns } from '../columns.ts';
import type { DialectName } from '../store.ts';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const c = columns(dialect);
  await db.schema
    .createTable('transfer_record')
    .addColumn('transfer_id', 'text', (col) => col.notNull())
    .addColumn('line', 'integer', (col) => col.notNull())
    .addColumn('org_id', 'text', (col) => col.notNull())
    .addColumn('source_record_id', 'text', (col) => col.notNull())
    .addColumn('recipient_record_id', 'text')
    .addPrimaryKeyConstraint('transfer_record_pk', ['transfer_id', 'line'])
    .execute();
  await db.schema
    .createIndex('transfer_record_source')
    .on('transfer_record')
    .columns(['org_id', 'source_record_id'])
    .execute();

  await db.schema
    .createTable('correction_notice')
    .addColumn('notice_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references('organisation.org_id'))
    .addColumn('recipient_org_id', 'text', (col) => col.notNull())
    .addColumn('transfer_id', 'text', (col) => col.notNull())
    .addColumn('line', 'integer', (col) => col.notNull())
    .addColumn('source_record_id', 'text', (col) => col.notNull())
    .addColumn('request_id', 'text')
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('fields', c.json, (col) => col.notNull())
    .addColumn('agreement_ref', 'text', (col) => col.notNull())
    .addColumn('purpose', 'text', (col) => col.notNull())
    .addColumn('sealed', 'text', (col) => col.notNull())
    .addColumn('signed', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('reason', 'text')
    .addColumn('due_at', c.time, (col) => col.notNull())
    .addColumn('recipient_record_id', 'text')
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', c.time, (col) => col.notNull())
    .addColumn('closed_by', 'text')
    .addColumn('closed_at', c.time)
    .addColumn('updated_at', c.time, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('correction_notice_sender')
    .on('correction_notice')
    .columns(['org_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('correction_notice_recipient')
    .on('correction_notice')
    .columns(['recipient_org_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('correction_notice_request')
    .on('correction_notice')
    .columns(['org_id', 'request_id'])
    .execute();
  await db.schema
    .createIndex('correction_notice_due')
    .on('correction_notice')
    .columns(['state', 'due_at'])
    .execute();
}
