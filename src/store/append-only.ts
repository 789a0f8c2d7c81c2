// Triggers that make a table append-only: the database itself refuses UPDATE and DELETE (and, on
// PostgreSQL, TRUNCATE), so only someone who first drops the triggers can rewrite history — and
// `accord audit verify` catches that.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { DialectName } from './store.ts';

export async function appendOnly(
  db: Kysely<unknown>,
  dialect: DialectName,
  table: string,
): Promise<void> {
  const t = sql.id(table);
  if (dialect === 'sqlite') {
    for (const op of ['update', 'delete']) {
      await sql`create trigger ${sql.id(`${table}_no_${op}`)} before ${sql.raw(op)} on ${t}
        begin select raise(abort, ${sql.lit(`${table} is append-only`)}); end`.execute(db);
    }
    return;
  }
  await sql`create or replace function accord_append_only() returns trigger language plpgsql as $$
    begin raise exception '% is append-only', tg_table_name using errcode = 'P0001'; end $$`.execute(
    db,
  );
  await sql`create trigger ${sql.id(`${table}_no_change`)} before update or delete on ${t}
    for each row execute function accord_append_only()`.execute(db);
  await sql`create trigger ${sql.id(`${table}_no_truncate`)} before truncate on ${t}
    for each statement execute function accord_append_only()`.execute(db);
}
