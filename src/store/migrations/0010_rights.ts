// Data subjects' rights and retention: subject requests with their timeline, legal holds, the
// kept versions of corrected records, and the restriction flag on each record (the one place
// sharing and look-ups read it from).
import type { Kysely } from 'kysely';
import { columns } from '../columns.ts';
import type { DialectName } from '../store.ts';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const c = columns(dialect);
  const org = 'organisation.org_id';
  await db.schema
    .createTable('subject_request')
    .addColumn('request_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references(org))
    .addColumn('reference', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('channel', 'text', (col) => col.notNull())
    .addColumn('received_at', c.time, (col) => col.notNull())
    .addColumn('received_on', 'text', (col) => col.notNull())
    .addColumn('details', c.bytes, (col) => col.notNull())
    .addColumn('key_version', 'integer', (col) => col.notNull())
    .addColumn('subject_ids', c.json, (col) => col.notNull())
    .addColumn('identity_verified', c.flag, (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('pauses', c.json, (col) => col.notNull())
    .addColumn('extension_months', 'integer', (col) => col.notNull())
    .addColumn('extension_reason', 'text')
    .addColumn('due_on', 'text', (col) => col.notNull())
    .addColumn('outcome', 'text')
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', c.time, (col) => col.notNull())
    .addColumn('updated_at', c.time, (col) => col.notNull())
    .addColumn('closed_at', c.time)
    .addUniqueConstraint('subject_request_reference', ['org_id', 'reference'])
    .execute();
  await db.schema
    .createIndex('subject_request_queue')
    .on('subject_request')
    .columns(['org_id', 'status', 'due_on'])
    .execute();

  await db.schema
    .createTable('subject_request_event')
    .addColumn('event_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull())
    .addColumn('request_id', 'text', (col) =>
      col.notNull().references('subject_request.request_id'),
    )
    .addColumn('at', c.time, (col) => col.notNull())
    .addColumn('by', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('note', 'text', (col) => col.notNull())
    .addColumn('data', c.json, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('subject_request_event_request')
    .on('subject_request_event')
    .columns(['request_id', 'at'])
    .execute();

  await db.schema
    .createTable('legal_hold')
    .addColumn('hold_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references(org))
    .addColumn('scope', 'text', (col) => col.notNull())
    .addColumn('target_id', 'text', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('set_by', 'text', (col) => col.notNull())
    .addColumn('set_at', c.time, (col) => col.notNull())
    .addColumn('lifted_by', 'text')
    .addColumn('lifted_at', c.time)
    .addColumn('lift_reason', 'text')
    .execute();
  await db.schema
    .createIndex('legal_hold_org')
    .on('legal_hold')
    .columns(['org_id', 'lifted_at'])
    .execute();

  // A corrected record's earlier versions: still sealed as they were (the AAD names the version),
  // kept for the audit trail and never served.
  await db.schema
    .createTable('record_version')
    .addColumn('record_id', 'text', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('org_id', 'text', (col) => col.notNull())
    .addColumn('payload', c.bytes, (col) => col.notNull())
    .addColumn('key_version', 'integer', (col) => col.notNull())
    .addColumn('superseded_at', c.time, (col) => col.notNull())
    .addColumn('superseded_by', 'text', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('record_version_pk', ['record_id', 'version'])
    .execute();

  await db.schema.alterTable('record').addColumn('restricted_at', c.time).execute();
  await db.schema.alterTable('record').addColumn('restriction_reason', 'text').execute();
}
