// A retired exchange key is destroyed once nothing sealed to it can still arrive or be opened:
// its sealed private half is overwritten and the time recorded (the public half and key id stay,
// so the key list and the audit log still name it).
import type { Kysely } from 'kysely';
import { columns } from '../columns.ts';
import type { DialectName } from '../store.ts';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await db.schema
    .alterTable('exchange_key')
    .addColumn('destroyed_at', columns(dialect).time)
    .execute();
}
