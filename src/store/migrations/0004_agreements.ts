// Data-sharing agreements, their versions, parties, approvals, and the purposes vocabulary.
import type { Kysely } from 'kysely';
import { columns } from '../columns.ts';
import type { DialectName } from '../store.ts';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const c = columns(dialect);
  await db.schema
    .createTable('agreement')
    .addColumn('agreement_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references('organisation.org_id'))
    .addColumn('reference', 'text', (col) => col.notNull().unique())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', c.time, (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('agreement_version')
    .addColumn('version_id', 'text', (col) => col.primaryKey())
    .addColumn('agreement_id', 'text', (col) => col.notNull().references('agreement.agreement_id'))
    .addColumn('org_id', 'text', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('body', c.json, (col) => col.notNull())
    .addColumn('digest', 'text')
    .addColumn('starts_at', c.time)
    .addColumn('ends_at', c.time)
    .addColumn('review_on', 'text')
    .addColumn('proposed_by', 'text')
    .addColumn('proposed_at', c.time)
    .addColumn('approved_at', c.time)
    .addColumn('suspended_at', c.time)
    .addColumn('suspended_by', 'text')
    .addColumn('suspend_reason', 'text')
    .addColumn('terminated_at', c.time)
    .addColumn('terminated_by', 'text')
    .addColumn('terminate_reason', 'text')
    .addColumn('updated_at', c.time, (col) => col.notNull())
    .addUniqueConstraint('agreement_version_number', ['agreement_id', 'version'])
    .execute();

  await db.schema
    .createTable('agreement_party')
    .addColumn('version_id', 'text', (col) =>
      col.notNull().references('agreement_version.version_id'),
    )
    .addColumn('org_id', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('agreement_party_pk', ['version_id', 'org_id'])
    .execute();
  await db.schema
    .createIndex('agreement_party_org')
    .on('agreement_party')
    .columns(['org_id'])
    .execute();

  await db.schema
    .createTable('agreement_approval')
    .addColumn('approval_id', 'text', (col) => col.primaryKey())
    .addColumn('version_id', 'text', (col) =>
      col.notNull().references('agreement_version.version_id'),
    )
    .addColumn('org_id', 'text', (col) => col.notNull())
    .addColumn('person_id', 'text', (col) => col.notNull())
    .addColumn('role', 'text', (col) => col.notNull())
    .addColumn('decision', 'text', (col) => col.notNull())
    .addColumn('comment', 'text')
    .addColumn('decided_at', c.time, (col) => col.notNull())
    .addUniqueConstraint('agreement_approval_once', ['version_id', 'org_id', 'role'])
    .execute();

  await db.schema
    .createTable('purpose')
    .addColumn('purpose_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references('organisation.org_id'))
    .addColumn('key', 'text', (col) => col.notNull())
    .addColumn('label', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', c.time, (col) => col.notNull())
    .addUniqueConstraint('purpose_key', ['org_id', 'key'])
    .execute();
}
