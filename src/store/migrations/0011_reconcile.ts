// Reconciliation runs, variances and overrides, and accuracy flags on records (issue 7, point 6).
import type { Kysely } from 'kysely';
import { columns } from '../columns.ts';
import type { DialectName } from '../store.ts';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const c = columns(dialect);
  await db.schema
    .createTable('reconcile_run')
    .addColumn('run_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references('organisation.org_id'))
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('source_a', c.json, (col) => col.notNull())
    .addColumn('source_b', c.json, (col) => col.notNull())
    .addColumn('params', c.json, (col) => col.notNull())
    .addColumn('counts', c.json, (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('started_by', 'text', (col) => col.notNull())
    .addColumn('started_at', c.time, (col) => col.notNull())
    .addColumn('finished_at', c.time)
    .addColumn('duration_ms', 'integer', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('reconcile_run_org')
    .on('reconcile_run')
    .columns(['org_id', 'started_at'])
    .execute();

  await db.schema
    .createTable('reconcile_variance')
    .addColumn('variance_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull())
    .addColumn('run_id', 'text', (col) => col.notNull().references('reconcile_run.run_id'))
    .addColumn('seq', 'integer', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('a_ref', 'text')
    .addColumn('b_ref', 'text')
    .addColumn('score', 'real')
    .addColumn('basis', 'text')
    .addColumn('detail', c.bytes, (col) => col.notNull())
    .addColumn('key_version', 'integer', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('updated_at', c.time, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('reconcile_variance_run')
    .on('reconcile_variance')
    .columns(['run_id', 'kind', 'seq'])
    .execute();
  await db.schema
    .createIndex('reconcile_variance_run_seq')
    .on('reconcile_variance')
    .columns(['run_id', 'seq'])
    .execute();

  await db.schema
    .createTable('reconcile_override')
    .addColumn('override_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull())
    .addColumn('run_id', 'text', (col) => col.notNull())
    .addColumn('variance_id', 'text', (col) =>
      col.notNull().references('reconcile_variance.variance_id'),
    )
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('decision', 'text', (col) => col.notNull())
    .addColumn('new_status', 'text')
    .addColumn('changes_eligibility', c.flag, (col) => col.notNull())
    .addColumn('justification', 'text', (col) => col.notNull())
    .addColumn('evidence', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('requested_by', 'text', (col) => col.notNull())
    .addColumn('requested_at', c.time, (col) => col.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', c.time)
    .addColumn('decision_note', 'text')
    .addUniqueConstraint('reconcile_override_version', ['variance_id', 'version'])
    .execute();
  await db.schema
    .createIndex('reconcile_override_org_state')
    .on('reconcile_override')
    .columns(['org_id', 'state'])
    .execute();

  await db.schema
    .createTable('record_accuracy_flag')
    .addColumn('flag_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull())
    .addColumn('record_id', 'text', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('flag', 'text', (col) => col.notNull())
    .addColumn('note', 'text', (col) => col.notNull())
    .addColumn('set_by', 'text', (col) => col.notNull())
    .addColumn('set_at', c.time, (col) => col.notNull())
    .addUniqueConstraint('record_accuracy_flag_version', ['record_id', 'version'])
    .execute();
  await db.schema
    .createIndex('record_accuracy_flag_org')
    .on('record_accuracy_flag')
    .columns(['org_id', 'record_id'])
    .execute();
}
