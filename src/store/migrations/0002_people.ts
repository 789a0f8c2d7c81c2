// People and power: organisations, accounts and their credentials, sessions, API tokens, the
// roles register, segregation-of-duties rules and exceptions, and training.
import type { Kysely } from 'kysely';
import { columns } from '../columns.ts';
import type { DialectName } from '../store.ts';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const c = columns(dialect);
  await db.schema
    .createTable('organisation')
    .addColumn('org_id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('external_id', 'text')
    .addColumn('created_at', c.time, (col) => col.notNull())
    .addColumn('demo', c.flag, (col) => col.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('person')
    .addColumn('person_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references('organisation.org_id'))
    .addColumn('email', 'text', (col) => col.notNull().unique())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('job_title', 'text')
    .addColumn('password_hash', 'text')
    .addColumn('totp_secret', 'text')
    .addColumn('totp_enrolled_at', c.time)
    .addColumn('totp_last_step', c.bigint)
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('failed_logins', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('locked_until', c.time)
    .addColumn('sso_subject', 'text')
    .addColumn('created_at', c.time, (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('demo', c.flag, (col) => col.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('person_org').on('person').columns(['org_id', 'name']).execute();

  await db.schema
    .createTable('session')
    .addColumn('session_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull())
    .addColumn('person_id', 'text', (col) => col.notNull().references('person.person_id'))
    .addColumn('created_at', c.time, (col) => col.notNull())
    .addColumn('last_seen_at', c.time, (col) => col.notNull())
    .addColumn('expires_at', c.time, (col) => col.notNull())
    .addColumn('mfa', c.flag, (col) => col.notNull())
    .addColumn('method', 'text', (col) => col.notNull())
    .addColumn('pending_totp_secret', 'text')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('revoked_at', c.time)
    .addColumn('revoke_reason', 'text')
    .execute();
  await db.schema.createIndex('session_person').on('session').columns(['person_id']).execute();

  await db.schema
    .createTable('api_token')
    .addColumn('token_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references('organisation.org_id'))
    .addColumn('person_id', 'text', (col) => col.references('person.person_id'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('token_hash', 'text', (col) => col.notNull().unique())
    .addColumn('prefix', 'text', (col) => col.notNull())
    .addColumn('scopes', c.json, (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', c.time, (col) => col.notNull())
    .addColumn('expires_at', c.time, (col) => col.notNull())
    .addColumn('revoked_at', c.time)
    .addColumn('revoked_by', 'text')
    .addColumn('last_used_at', c.time)
    .execute();
  await db.schema.createIndex('api_token_org').on('api_token').columns(['org_id']).execute();

  await db.schema
    .createTable('password_link')
    .addColumn('link_hash', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull())
    .addColumn('person_id', 'text', (col) => col.notNull().references('person.person_id'))
    .addColumn('purpose', 'text', (col) => col.notNull())
    .addColumn('reset_second_factor', c.flag, (col) => col.notNull().defaultTo(0))
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', c.time, (col) => col.notNull())
    .addColumn('expires_at', c.time, (col) => col.notNull())
    .addColumn('used_at', c.time)
    .execute();

  await db.schema
    .createTable('role_grant')
    .addColumn('grant_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references('organisation.org_id'))
    .addColumn('person_id', 'text', (col) => col.notNull().references('person.person_id'))
    .addColumn('role', 'text', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('granted_by', 'text', (col) => col.notNull())
    .addColumn('granted_at', c.time, (col) => col.notNull())
    .addColumn('valid_from', c.time, (col) => col.notNull())
    .addColumn('valid_until', c.time)
    .addColumn('exception_id', 'text')
    .addColumn('revoked_at', c.time)
    .addColumn('revoked_by', 'text')
    .addColumn('revoke_reason', 'text')
    .execute();
  await db.schema
    .createIndex('role_grant_person')
    .on('role_grant')
    .columns(['org_id', 'person_id'])
    .execute();
  await db.schema
    .createIndex('role_grant_role')
    .on('role_grant')
    .columns(['org_id', 'role'])
    .execute();

  await db.schema
    .createTable('duty_rule')
    .addColumn('rule_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references('organisation.org_id'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('members', c.json, (col) => col.notNull())
    .addColumn('active', c.flag, (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', c.time, (col) => col.notNull())
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .addColumn('updated_at', c.time, (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('duty_exception')
    .addColumn('exception_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references('organisation.org_id'))
    .addColumn('rule_id', 'text', (col) => col.notNull().references('duty_rule.rule_id'))
    .addColumn('person_id', 'text', (col) => col.notNull().references('person.person_id'))
    .addColumn('justification', 'text', (col) => col.notNull())
    .addColumn('granted_by', 'text', (col) => col.notNull())
    .addColumn('granted_at', c.time, (col) => col.notNull())
    .addColumn('valid_until', c.time, (col) => col.notNull())
    .addColumn('revoked_at', c.time)
    .addColumn('revoked_by', 'text')
    .execute();

  await db.schema
    .createTable('course')
    .addColumn('course_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references('organisation.org_id'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('validity_days', 'integer', (col) => col.notNull())
    .addColumn('mandatory', c.flag, (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', c.time, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('course_org_name')
    .on('course')
    .columns(['org_id', 'name'])
    .unique()
    .execute();

  await db.schema
    .createTable('training_completion')
    .addColumn('completion_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references('organisation.org_id'))
    .addColumn('person_id', 'text', (col) => col.notNull().references('person.person_id'))
    .addColumn('course_id', 'text', (col) => col.notNull().references('course.course_id'))
    .addColumn('completed_on', 'text', (col) => col.notNull())
    .addColumn('expires_on', 'text', (col) => col.notNull())
    .addColumn('source', 'text', (col) => col.notNull())
    .addColumn('evidence', 'text')
    .addColumn('recorded_by', 'text', (col) => col.notNull())
    .addColumn('recorded_at', c.time, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('training_person')
    .on('training_completion')
    .columns(['org_id', 'person_id'])
    .execute();

  await db.schema
    .createTable('sso_provider')
    .addColumn('org_id', 'text', (col) => col.primaryKey().references('organisation.org_id'))
    .addColumn('label', 'text', (col) => col.notNull())
    .addColumn('issuer', 'text', (col) => col.notNull())
    .addColumn('client_id', 'text', (col) => col.notNull())
    .addColumn('client_secret', 'text', (col) => col.notNull())
    .addColumn('enabled', c.flag, (col) => col.notNull())
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .addColumn('updated_at', c.time, (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('sso_login')
    .addColumn('state', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull())
    .addColumn('nonce', 'text', (col) => col.notNull())
    .addColumn('code_verifier', 'text', (col) => col.notNull())
    .addColumn('created_at', c.time, (col) => col.notNull())
    .execute();
}
