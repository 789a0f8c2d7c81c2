// Transfers arriving from a partner node chunk by chunk: the header (with what the verified, signed
// manifest says of each chunk) and the chunks received so far wait here, invisible to the
// recipient, until every chunk is present and verified; then they move into `transfer` and
// `transfer_chunk` in one transaction.
import type { Kysely } from 'kysely';
import { columns } from '../columns.ts';
import type { DialectName } from '../store.ts';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const c = columns(dialect);
  await db.schema
    .createTable('transfer_inbound')
    .addColumn('transfer_id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull())
    .addColumn('recipient_org_id', 'text', (col) => col.notNull())
    .addColumn('node_id', 'text', (col) => col.notNull())
    .addColumn('header', c.json, (col) => col.notNull())
    .addColumn('chunks', c.json, (col) => col.notNull())
    .addColumn('chunk_count', 'integer', (col) => col.notNull())
    .addColumn('received_at', c.time, (col) => col.notNull())
    .addColumn('updated_at', c.time, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('transfer_inbound_age')
    .on('transfer_inbound')
    .columns(['received_at'])
    .execute();
  await db.schema
    .createTable('transfer_inbound_chunk')
    .addColumn('transfer_id', 'text', (col) =>
      col.notNull().references('transfer_inbound.transfer_id'),
    )
    .addColumn('chunk_index', 'integer', (col) => col.notNull())
    .addColumn('org_id', 'text', (col) => col.notNull())
    .addColumn('record_count', 'integer', (col) => col.notNull())
    .addColumn('jwe', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('transfer_inbound_chunk_pk', ['transfer_id', 'chunk_index'])
    .execute();
}
