// Query budgets ("at most N checks a day") were decided by counting the day's rows in
// exchange_query on every query; the index led with the agreement, so the count read every query
// the organisation had ever made, and each check grew slower all day. A counter per organisation,
// kind, day and agreement answers it in one short read, and the index only that count used goes
// (one index fewer for every query to write).
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { DialectName } from '../store.ts';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('exchange_query_count')
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('agreement_id', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('exchange_query_count_pk', ['org_id', 'kind', 'day', 'agreement_id'])
    .execute();
  const day =
    dialect === 'postgres'
      ? sql`to_char(asked_at at time zone 'UTC', 'YYYY-MM-DD')`
      : sql`substr(asked_at, 1, 10)`;
  await sql`insert into exchange_query_count (org_id, kind, day, agreement_id, n)
    select org_id, kind, ${day}, agreement_id, count(*) from exchange_query
    group by org_id, kind, ${day}, agreement_id`.execute(db);
  await db.schema.dropIndex('exchange_query_budget').execute();
}
