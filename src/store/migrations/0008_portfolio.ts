// Application portfolio and service management: applications, delivery events (DORA),
// vulnerabilities and scans, health checks and notices, help-desk tickets, roadmap.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { columns } from '../columns.ts';
import type { DialectName } from '../store.ts';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const c = columns(dialect);
  const org = 'organisation.org_id';
  await db.schema
    .createTable('application')
    .addColumn('app_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references(org))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('business_owner_id', 'text', (col) => col.references('person.person_id'))
    .addColumn('product_manager_id', 'text', (col) => col.references('person.person_id'))
    .addColumn('critical', c.flag, (col) => col.notNull())
    .addColumn('lifecycle', 'text', (col) => col.notNull())
    .addColumn('phase_in_on', 'text')
    .addColumn('active_on', 'text')
    .addColumn('phase_out_on', 'text')
    .addColumn('end_of_life_on', 'text')
    .addColumn('onboarded', c.flag, (col) => col.notNull())
    .addColumn('budget_line', 'text')
    .addColumn('annual_cost_pence', c.bigint)
    .addColumn('hosting', 'text', (col) => col.notNull())
    .addColumn('vendor_id', 'text')
    .addColumn('vendor_name', 'text')
    .addColumn('asset_ids', c.json, (col) => col.notNull())
    .addColumn('repository_url', 'text')
    .addColumn('health_check_url', 'text')
    .addColumn('status_public', c.flag, (col) => col.notNull())
    .addColumn('production_environment', 'text', (col) => col.notNull())
    .addColumn('webhook_secret', 'text')
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', c.time, (col) => col.notNull())
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .addColumn('updated_at', c.time, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('application_org_name')
    .on('application')
    .columns(['org_id', 'name'])
    .unique()
    .execute();

  await db.schema
    .createTable('portfolio_settings')
    .addColumn('org_id', 'text', (col) => col.primaryKey().references(org))
    .addColumn('it_budget_pence', c.bigint)
    .addColumn('vulnerability_days', c.json, (col) => col.notNull())
    .addColumn('ticket_levels', c.json, (col) => col.notNull())
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .addColumn('updated_at', c.time, (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('delivery_event')
    .addColumn('event_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references(org))
    .addColumn('app_id', 'text', (col) => col.notNull().references('application.app_id'))
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('source', 'text', (col) => col.notNull())
    .addColumn('dedupe_key', 'text', (col) => col.notNull())
    .addColumn('occurred_at', c.time, (col) => col.notNull())
    .addColumn('ref', 'text')
    .addColumn('sha', 'text')
    .addColumn('committed_at', c.time)
    .addColumn('head_sha', 'text')
    .addColumn('environment', 'text')
    .addColumn('status', 'text')
    .addColumn('rework', c.flag, (col) => col.notNull())
    .addColumn('changes', c.json)
    .addColumn('received_at', c.time, (col) => col.notNull())
    // Numbers the DORA computation reads at driver speed: times in ms and 52-bit keys of shas and refs.
    .addColumn('at_ms', c.bigint, (col) => col.notNull())
    .addColumn('committed_ms', c.bigint)
    .addColumn('sha_key', c.bigint)
    .addColumn('head_key', c.bigint)
    .addColumn('ref_key', c.bigint)
    .addColumn('env_key', c.bigint)
    .execute();
  // Redelivered or repeated events count once.
  await db.schema
    .createIndex('delivery_event_unique')
    .on('delivery_event')
    .columns(['org_id', 'app_id', 'dedupe_key'])
    .unique()
    .execute();
  await db.schema
    .createIndex('delivery_event_compute')
    .on('delivery_event')
    .columns([
      'org_id',
      'kind',
      'app_id',
      'at_ms',
      'status',
      'env_key',
      'committed_ms',
      'sha_key',
      'head_key',
      'ref_key',
      'rework',
    ])
    .execute();
  await db.schema
    .createIndex('delivery_event_changes')
    .on('delivery_event')
    .columns(['org_id', 'app_id', 'at_ms'])
    .where(sql.ref('changes'), 'is not', null)
    .execute();

  await db.schema
    .createTable('vulnerability')
    .addColumn('vuln_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references(org))
    .addColumn('app_id', 'text', (col) => col.notNull().references('application.app_id'))
    .addColumn('vuln_key', 'text', (col) => col.notNull())
    .addColumn('component', 'text', (col) => col.notNull())
    .addColumn('component_version', 'text')
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('severity', 'text', (col) => col.notNull())
    .addColumn('cvss_score', 'real')
    .addColumn('aliases', c.json, (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('closed_reason', 'text')
    .addColumn('first_seen_at', c.time, (col) => col.notNull())
    .addColumn('last_seen_at', c.time, (col) => col.notNull())
    .addColumn('closed_at', c.time)
    .addColumn('last_tool', 'text', (col) => col.notNull())
    .addColumn('last_scan_id', 'text', (col) => col.notNull())
    .addColumn('reopened', 'integer', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('vulnerability_unique')
    .on('vulnerability')
    .columns(['org_id', 'app_id', 'vuln_key', 'component'])
    .unique()
    .execute();

  await db.schema
    .createTable('vulnerability_scan')
    .addColumn('scan_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references(org))
    .addColumn('app_id', 'text', (col) => col.notNull().references('application.app_id'))
    .addColumn('format', 'text', (col) => col.notNull())
    .addColumn('tool', 'text', (col) => col.notNull())
    .addColumn('full_scan', c.flag, (col) => col.notNull())
    .addColumn('imported_by', 'text', (col) => col.notNull())
    .addColumn('imported_at', c.time, (col) => col.notNull())
    .addColumn('findings', 'integer', (col) => col.notNull())
    .addColumn('opened', 'integer', (col) => col.notNull())
    .addColumn('closed', 'integer', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('health_host')
    .addColumn('host_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references(org))
    .addColumn('host', 'text', (col) => col.notNull())
    .addColumn('added_by', 'text', (col) => col.notNull())
    .addColumn('added_at', c.time, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('health_host_unique')
    .on('health_host')
    .columns(['org_id', 'host'])
    .unique()
    .execute();

  await db.schema
    .createTable('health_check')
    .addColumn('check_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references(org))
    .addColumn('app_id', 'text', (col) => col.notNull().references('application.app_id'))
    .addColumn('checked_at', c.time, (col) => col.notNull())
    .addColumn('up', c.flag, (col) => col.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('latency_ms', 'integer')
    .addColumn('error', 'text')
    .execute();
  await db.schema
    .createIndex('health_check_app_time')
    .on('health_check')
    .columns(['org_id', 'app_id', 'checked_at'])
    .execute();

  await db.schema
    .createTable('health_day')
    .addColumn('org_id', 'text', (col) => col.notNull().references(org))
    .addColumn('app_id', 'text', (col) => col.notNull().references('application.app_id'))
    .addColumn('day', 'text', (col) => col.notNull())
    .addColumn('checks', 'integer', (col) => col.notNull())
    .addColumn('up_checks', 'integer', (col) => col.notNull())
    .addColumn('latency_total_ms', c.bigint, (col) => col.notNull())
    .addPrimaryKeyConstraint('health_day_pk', ['org_id', 'app_id', 'day'])
    .execute();

  await db.schema
    .createTable('availability_notice')
    .addColumn('notice_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references(org))
    .addColumn('app_id', 'text', (col) => col.notNull().references('application.app_id'))
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('starts_at', c.time, (col) => col.notNull())
    .addColumn('ends_at', c.time)
    .addColumn('resolved_at', c.time)
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', c.time, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('availability_notice_app')
    .on('availability_notice')
    .columns(['org_id', 'app_id'])
    .execute();

  await db.schema
    .createTable('ticket')
    .addColumn('ticket_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references(org))
    .addColumn('app_id', 'text', (col) => col.notNull().references('application.app_id'))
    .addColumn('number', 'integer', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('priority', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('raised_by', 'text', (col) => col.notNull().references('person.person_id'))
    .addColumn('raised_at', c.time, (col) => col.notNull())
    .addColumn('assignee_id', 'text', (col) => col.references('person.person_id'))
    .addColumn('respond_due_at', c.time, (col) => col.notNull())
    .addColumn('fix_due_at', c.time, (col) => col.notNull())
    .addColumn('responded_at', c.time)
    .addColumn('resolved_at', c.time)
    .addColumn('closed_at', c.time)
    .addColumn('requested_role', 'text')
    .addColumn('requested_for', 'text', (col) => col.references('person.person_id'))
    .addColumn('decision', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', c.time)
    .addColumn('grant_id', 'text')
    .addColumn('updated_at', c.time, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('ticket_number')
    .on('ticket')
    .columns(['org_id', 'number'])
    .unique()
    .execute();
  await db.schema.createIndex('ticket_app').on('ticket').columns(['org_id', 'app_id']).execute();

  await db.schema
    .createTable('ticket_comment')
    .addColumn('comment_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references(org))
    .addColumn('ticket_id', 'text', (col) => col.notNull().references('ticket.ticket_id'))
    .addColumn('author', 'text', (col) => col.notNull())
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('internal', c.flag, (col) => col.notNull())
    .addColumn('created_at', c.time, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('ticket_comment_ticket')
    .on('ticket_comment')
    .columns(['org_id', 'ticket_id'])
    .execute();

  await db.schema
    .createTable('roadmap_item')
    .addColumn('item_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references(org))
    .addColumn('app_id', 'text', (col) => col.notNull().references('application.app_id'))
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('horizon', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('ticket_ids', c.json, (col) => col.notNull())
    .addColumn('risk_ids', c.json, (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', c.time, (col) => col.notNull())
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .addColumn('updated_at', c.time, (col) => col.notNull())
    .execute();
}
