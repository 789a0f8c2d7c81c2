// Governance registers: DPIAs, risks (with actions, appetite and links), vendors and processors,
// incidents and breaches, charter settings, dashboard snapshots and per-organisation numbering.
import type { Kysely } from 'kysely';
import { columns } from '../columns.ts';
import type { DialectName } from '../store.ts';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const c = columns(dialect);
  const org = 'organisation.org_id';

  await db.schema
    .createTable('dpia')
    .addColumn('dpia_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references(org))
    .addColumn('ref', 'text', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('author_id', 'text')
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', c.time, (col) => col.notNull())
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .addColumn('updated_at', c.time, (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('screening', c.json)
    .addColumn('screened_by', 'text')
    .addColumn('screened_at', c.time)
    .addColumn('high_risk', c.flag)
    .addColumn('necessity', 'text')
    .addColumn('proportionality', 'text')
    .addColumn('consultation', 'text')
    .addColumn('risks', c.json, (col) => col.notNull())
    .addColumn('residual_risk', 'text')
    .addColumn('prior_consultation', c.flag, (col) => col.notNull())
    .addColumn('ico_consulted_on', 'text')
    .addColumn('ico_reference', 'text')
    .addColumn('ico_outcome', 'text')
    .addColumn('dpo_advice', 'text')
    .addColumn('dpo_recommendation', 'text')
    .addColumn('dpo_advice_by', 'text')
    .addColumn('dpo_advice_at', c.time)
    .addColumn('decision', 'text')
    .addColumn('signed_by', 'text')
    .addColumn('signed_at', c.time)
    .addColumn('sign_off_note', 'text')
    .addColumn('advice_followed', c.flag)
    .addColumn('overrule_reason', 'text')
    .addColumn('review_on', 'text')
    .addColumn('last_reviewed_on', 'text')
    .addColumn('public_summary', 'text')
    .addColumn('publish_summary', c.flag, (col) => col.notNull())
    .execute();
  await db.schema.createIndex('dpia_org').on('dpia').columns(['org_id', 'status']).execute();

  await db.schema
    .createTable('risk')
    .addColumn('risk_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references(org))
    .addColumn('ref', 'text', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('category', 'text', (col) => col.notNull())
    .addColumn('owner_id', 'text', (col) => col.notNull().references('person.person_id'))
    .addColumn('inherent_likelihood', 'integer', (col) => col.notNull())
    .addColumn('inherent_impact', 'integer', (col) => col.notNull())
    .addColumn('residual_likelihood', 'integer')
    .addColumn('residual_impact', 'integer')
    .addColumn('treatment', 'text')
    .addColumn('treatment_notes', 'text', (col) => col.notNull())
    .addColumn('review_on', 'text', (col) => col.notNull())
    .addColumn('last_reviewed_on', 'text')
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('closed_reason', 'text')
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', c.time, (col) => col.notNull())
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .addColumn('updated_at', c.time, (col) => col.notNull())
    .execute();
  await db.schema.createIndex('risk_org').on('risk').columns(['org_id', 'status']).execute();

  await db.schema
    .createTable('risk_action')
    .addColumn('action_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references(org))
    .addColumn('risk_id', 'text', (col) => col.notNull().references('risk.risk_id'))
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('owner_id', 'text')
    .addColumn('due_on', 'text', (col) => col.notNull())
    .addColumn('done_on', 'text')
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', c.time, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('risk_action_risk')
    .on('risk_action')
    .columns(['org_id', 'risk_id'])
    .execute();

  await db.schema
    .createTable('risk_appetite')
    .addColumn('org_id', 'text', (col) => col.notNull().references(org))
    .addColumn('category', 'text', (col) => col.notNull())
    .addColumn('max_score', 'integer', (col) => col.notNull())
    .addColumn('set_by', 'text', (col) => col.notNull())
    .addColumn('set_at', c.time, (col) => col.notNull())
    .addPrimaryKeyConstraint('risk_appetite_pk', ['org_id', 'category'])
    .execute();

  await db.schema
    .createTable('governance_link')
    .addColumn('link_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references(org))
    .addColumn('from_kind', 'text', (col) => col.notNull())
    .addColumn('from_id', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('target_id', 'text', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', c.time, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('governance_link_from')
    .on('governance_link')
    .columns(['org_id', 'from_kind', 'from_id'])
    .execute();
  await db.schema
    .createIndex('governance_link_target')
    .on('governance_link')
    .columns(['org_id', 'kind', 'target_id'])
    .execute();

  await db.schema
    .createTable('vendor')
    .addColumn('vendor_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references(org))
    .addColumn('ref', 'text', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('services', 'text', (col) => col.notNull())
    .addColumn('is_processor', c.flag, (col) => col.notNull())
    .addColumn('contract_ref', 'text')
    .addColumn('contract_start', 'text')
    .addColumn('contract_end', 'text')
    .addColumn('art28_terms', c.flag, (col) => col.notNull())
    .addColumn('certifications', c.json, (col) => col.notNull())
    .addColumn('data_locations', c.json, (col) => col.notNull())
    .addColumn('international_transfers', c.flag, (col) => col.notNull())
    .addColumn('transfer_mechanism', 'text')
    .addColumn('sub_processors', c.json, (col) => col.notNull())
    .addColumn('breach_history', 'text', (col) => col.notNull())
    .addColumn('exit_plan', 'text', (col) => col.notNull())
    .addColumn('recovery_plan_tested_on', 'text')
    .addColumn('purposes', 'text', (col) => col.notNull())
    .addColumn('data_categories', c.json, (col) => col.notNull())
    .addColumn('subject_categories', c.json, (col) => col.notNull())
    .addColumn('retention', 'text', (col) => col.notNull())
    .addColumn('security_measures', 'text', (col) => col.notNull())
    .addColumn('next_review_on', 'text', (col) => col.notNull())
    .addColumn('last_reviewed_on', 'text')
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('on_charter', c.flag, (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', c.time, (col) => col.notNull())
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .addColumn('updated_at', c.time, (col) => col.notNull())
    .execute();
  await db.schema.createIndex('vendor_org').on('vendor').columns(['org_id', 'name']).execute();

  await db.schema
    .createTable('incident')
    .addColumn('incident_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references(org))
    .addColumn('ref', 'text', (col) => col.notNull())
    .addColumn('summary', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('reported_by', 'text', (col) => col.notNull())
    .addColumn('reporter_id', 'text')
    .addColumn('reported_at', c.time, (col) => col.notNull())
    .addColumn('aware_at', c.time, (col) => col.notNull())
    .addColumn('occurred_at', c.time)
    .addColumn('how_discovered', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('personal_data', c.flag)
    .addColumn('breach_types', c.json, (col) => col.notNull())
    .addColumn('cyber', c.flag)
    .addColumn('data_categories', c.json, (col) => col.notNull())
    .addColumn('subject_categories', c.json, (col) => col.notNull())
    .addColumn('subjects_affected', 'integer')
    .addColumn('records_affected', 'integer')
    .addColumn('likelihood', 'text')
    .addColumn('severity', 'text')
    .addColumn('consequences', 'text', (col) => col.notNull())
    .addColumn('triaged_by', 'text')
    .addColumn('triaged_at', c.time)
    .addColumn('notify_ico', c.flag)
    .addColumn('notify_reasoning', 'text')
    .addColumn('tell_subjects', c.flag)
    .addColumn('tell_subjects_reasoning', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', c.time)
    .addColumn('ico_notified_at', c.time)
    .addColumn('ico_reference', 'text')
    .addColumn('late_reason', 'text')
    .addColumn('subjects_told_at', c.time)
    .addColumn('subjects_told_how', 'text')
    .addColumn('containment', 'text', (col) => col.notNull())
    .addColumn('recovery', 'text', (col) => col.notNull())
    .addColumn('lessons', 'text', (col) => col.notNull())
    .addColumn('staff_trained', 'text', (col) => col.notNull())
    .addColumn('other_bodies_told', 'text', (col) => col.notNull())
    .addColumn('closed_by', 'text')
    .addColumn('closed_at', c.time)
    .addColumn('updated_at', c.time, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('incident_org')
    .on('incident')
    .columns(['org_id', 'aware_at'])
    .execute();

  await db.schema
    .createTable('governance_settings')
    .addColumn('org_id', 'text', (col) => col.primaryKey().references(org))
    .addColumn('ico_registration', 'text', (col) => col.notNull())
    .addColumn('public_email', 'text', (col) => col.notNull())
    .addColumn('public_phone', 'text', (col) => col.notNull())
    .addColumn('public_address', 'text', (col) => col.notNull())
    .addColumn('charter_intro', 'text', (col) => col.notNull())
    .addColumn('request_instructions', 'text', (col) => col.notNull())
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .addColumn('updated_at', c.time, (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('indicator_snapshot')
    .addColumn('org_id', 'text', (col) => col.notNull().references(org))
    .addColumn('indicator_id', 'text', (col) => col.notNull())
    .addColumn('day', 'text', (col) => col.notNull())
    .addColumn('value', 'double precision')
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('taken_at', c.time, (col) => col.notNull())
    .addPrimaryKeyConstraint('indicator_snapshot_pk', ['org_id', 'indicator_id', 'day'])
    .execute();

  await db.schema
    .createTable('governance_counter')
    .addColumn('org_id', 'text', (col) => col.notNull().references(org))
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('n', 'integer', (col) => col.notNull())
    .addPrimaryKeyConstraint('governance_counter_pk', ['org_id', 'kind'])
    .execute();

  for (const [table, name] of [
    ['dpia', 'dpia_ref'],
    ['risk', 'risk_ref'],
    ['vendor', 'vendor_ref'],
    ['incident', 'incident_ref'],
  ] as const) {
    await db.schema.createIndex(name).on(table).columns(['org_id', 'ref']).unique().execute();
  }
}
