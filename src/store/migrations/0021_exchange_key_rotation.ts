// Exchange keys rotate: an organisation now holds several exchange key pairs, each named by a key
// id (the first 16 hex of SHA-256 of the raw X25519 public key, the JWE `kid`), numbered from 1,
// and retired when the next one is made. Exactly one is current (retired_at null, enforced by a
// partial unique index); retired ones keep their sealed private half so what was sealed to them
// still opens. 0009's table had org_id as its key (one pair per org), so the rows move to a new
// table as each organisation's key version 1, the current one.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { columns } from '../columns.ts';
import type { DialectName } from '../store.ts';

/** The key id, computed here as the code computes it, so this migration never changes with it. */
const keyIdOf = (publicJwk: string): string =>
  createHash('sha256')
    .update(Buffer.from((JSON.parse(publicJwk) as { x: string }).x, 'base64url'))
    .digest('hex')
    .slice(0, 16);

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const c = columns(dialect);
  await db.schema
    .createTable('exchange_key_next')
    .addColumn('org_id', 'text', (col) => col.notNull().references('organisation.org_id'))
    .addColumn('key_id', 'text', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('public_jwk', 'text', (col) => col.notNull())
    .addColumn('sealed_private', c.bytes, (col) => col.notNull())
    .addColumn('data_key_version', 'integer', (col) => col.notNull())
    .addColumn('created_at', c.time, (col) => col.notNull())
    .addColumn('retired_at', c.time)
    .addPrimaryKeyConstraint('exchange_key_pk', ['org_id', 'key_id'])
    .addUniqueConstraint('exchange_key_version', ['org_id', 'version'])
    .execute();
  // Copied in the database (bytes and times never pass through here), then named one by one.
  await sql`insert into exchange_key_next
      (org_id, key_id, version, public_jwk, sealed_private, data_key_version, created_at)
    select org_id, org_id, 1, public_jwk, sealed_private, data_key_version, created_at
    from exchange_key`.execute(db);
  const rows = await sql<{
    org_id: string;
    public_jwk: string;
  }>`select org_id, public_jwk from exchange_key_next`.execute(db);
  for (const r of rows.rows)
    await sql`update exchange_key_next set key_id = ${keyIdOf(r.public_jwk)}
      where org_id = ${r.org_id}`.execute(db);
  await db.schema.dropTable('exchange_key').execute();
  await db.schema.alterTable('exchange_key_next').renameTo('exchange_key').execute();
  await db.schema
    .createIndex('exchange_key_current')
    .on('exchange_key')
    .column('org_id')
    .unique()
    .where(sql.ref('retired_at'), 'is', null)
    .execute();
}
