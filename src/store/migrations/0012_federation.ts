// Federation between Accord nodes: the trust list of partner nodes, the directory of the
// organisations they host, the durable outbox of messages to them and the message ids seen from
// them (replay protection and idempotent delivery).
import type { Kysely } from 'kysely';
import { columns } from '../columns.ts';
import type { DialectName } from '../store.ts';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const c = columns(dialect);
  await db.schema
    .createTable('federation_node')
    .addColumn('node_id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('url', 'text', (col) => col.notNull())
    .addColumn('card', c.json, (col) => col.notNull())
    .addColumn('fingerprint', 'text', (col) => col.notNull())
    .addColumn('tls_cert', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('added_by', 'text', (col) => col.notNull())
    .addColumn('added_at', c.time, (col) => col.notNull())
    .addColumn('revoked_by', 'text')
    .addColumn('revoked_at', c.time)
    .execute();

  await db.schema
    .createTable('federation_org')
    .addColumn('org_id', 'text', (col) => col.primaryKey().references('organisation.org_id'))
    .addColumn('node_id', 'text', (col) => col.notNull().references('federation_node.node_id'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('exchange_jwk', 'text', (col) => col.notNull())
    .addColumn('updated_at', c.time, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('federation_org_node')
    .on('federation_org')
    .columns(['node_id'])
    .execute();

  await db.schema
    .createTable('federation_outbox')
    .addColumn('message_id', 'text', (col) => col.primaryKey())
    .addColumn('node_id', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('body', c.json, (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('attempts', 'integer', (col) => col.notNull())
    .addColumn('next_attempt_at', c.time, (col) => col.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', c.time, (col) => col.notNull())
    .addColumn('done_at', c.time)
    .execute();
  await db.schema
    .createIndex('federation_outbox_due')
    .on('federation_outbox')
    .columns(['state', 'next_attempt_at'])
    .execute();

  await db.schema
    .createTable('federation_seen')
    .addColumn('message_id', 'text', (col) => col.notNull())
    .addColumn('node_id', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('digest', 'text', (col) => col.notNull())
    .addColumn('response', c.json)
    .addColumn('received_at', c.time, (col) => col.notNull())
    .addPrimaryKeyConstraint('federation_seen_pk', ['node_id', 'message_id'])
    .execute();
  await db.schema
    .createIndex('federation_seen_age')
    .on('federation_seen')
    .columns(['received_at'])
    .execute();
}
