// Exchange: transfers and their chunks, queries, exchange keys, notifications and webhooks.
import type { Kysely } from 'kysely';
import { columns } from '../columns.ts';
import type { DialectName } from '../store.ts';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const c = columns(dialect);
  await db.schema
    .createTable('exchange_key')
    .addColumn('org_id', 'text', (col) => col.primaryKey().references('organisation.org_id'))
    .addColumn('public_jwk', 'text', (col) => col.notNull())
    .addColumn('sealed_private', c.bytes, (col) => col.notNull())
    .addColumn('data_key_version', 'integer', (col) => col.notNull())
    .addColumn('created_at', c.time, (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('transfer')
    .addColumn('transfer_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull().references('organisation.org_id'))
    .addColumn('recipient_org_id', 'text', (col) => col.notNull().references('organisation.org_id'))
    .addColumn('agreement_id', 'text', (col) => col.notNull())
    .addColumn('version_id', 'text', (col) => col.notNull())
    .addColumn('agreement_ref', 'text', (col) => col.notNull())
    .addColumn('purpose', 'text', (col) => col.notNull())
    .addColumn('record_type', 'text', (col) => col.notNull())
    .addColumn('fields', c.json, (col) => col.notNull())
    .addColumn('selection', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('record_count', 'integer', (col) => col.notNull())
    .addColumn('chunk_count', 'integer', (col) => col.notNull())
    .addColumn('byte_count', c.bigint, (col) => col.notNull())
    .addColumn('manifest', c.json, (col) => col.notNull())
    .addColumn('manifest_jws', 'text')
    .addColumn('recipient_asset_id', 'text')
    .addColumn('reason', 'text')
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', c.time, (col) => col.notNull())
    .addColumn('ready_at', c.time)
    .addColumn('delivered_at', c.time)
    .addColumn('expires_at', c.time)
    .addColumn('opened_at', c.time)
    .addColumn('opened_by', 'text')
    .addColumn('closed_at', c.time)
    .addColumn('updated_at', c.time, (col) => col.notNull())
    .execute();
  await db.schema.createIndex('transfer_outbox').on('transfer').columns(['org_id']).execute();
  await db.schema
    .createIndex('transfer_inbox')
    .on('transfer')
    .columns(['recipient_org_id', 'state'])
    .execute();
  await db.schema
    .createIndex('transfer_expiry')
    .on('transfer')
    .columns(['state', 'expires_at'])
    .execute();

  await db.schema
    .createTable('transfer_chunk')
    .addColumn('transfer_id', 'text', (col) => col.notNull().references('transfer.transfer_id'))
    .addColumn('chunk_index', 'integer', (col) => col.notNull())
    .addColumn('org_id', 'text', (col) => col.notNull())
    .addColumn('record_count', 'integer', (col) => col.notNull())
    .addColumn('jwe', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('transfer_chunk_pk', ['transfer_id', 'chunk_index'])
    .execute();

  await db.schema
    .createTable('exchange_query')
    .addColumn('query_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull())
    .addColumn('provider_org_id', 'text', (col) => col.notNull())
    .addColumn('agreement_id', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('asked_by', 'text', (col) => col.notNull())
    .addColumn('subject_id', 'text')
    .addColumn('outcome', 'text', (col) => col.notNull())
    .addColumn('purpose', 'text', (col) => col.notNull())
    .addColumn('asked_at', c.time, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('exchange_query_budget')
    .on('exchange_query')
    .columns(['org_id', 'agreement_id', 'kind', 'asked_at'])
    .execute();
  await db.schema
    .createIndex('exchange_query_asker')
    .on('exchange_query')
    .columns(['asked_by', 'asked_at'])
    .execute();

  await db.schema
    .createTable('exchange_notification')
    .addColumn('notification_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('transfer_id', 'text')
    .addColumn('message', 'text', (col) => col.notNull())
    .addColumn('created_at', c.time, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('exchange_notification_org')
    .on('exchange_notification')
    .columns(['org_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('exchange_webhook')
    .addColumn('org_id', 'text', (col) => col.primaryKey().references('organisation.org_id'))
    .addColumn('url', 'text', (col) => col.notNull())
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .addColumn('updated_at', c.time, (col) => col.notNull())
    .execute();
  await db.schema
    .createTable('exchange_webhook_delivery')
    .addColumn('delivery_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull())
    .addColumn('url', 'text', (col) => col.notNull())
    .addColumn('body', c.json, (col) => col.notNull())
    .addColumn('attempts', 'integer', (col) => col.notNull())
    .addColumn('next_attempt_at', c.time, (col) => col.notNull())
    .addColumn('delivered_at', c.time)
    .addColumn('last_error', 'text')
    .addColumn('created_at', c.time, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('exchange_webhook_due')
    .on('exchange_webhook_delivery')
    .columns(['delivered_at', 'next_attempt_at'])
    .execute();
}
