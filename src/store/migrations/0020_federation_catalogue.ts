// Partner nodes publish, with each organisation they host, the catalogue of its record types (key,
// version, title and each field's data category, marking and identifier; never a record), so an
// agreement whose provider is on a partner node can be drafted and checked here. Kept beside the
// organisation's exchange key; null until the partner publishes one (a node not yet upgraded).
import type { Kysely } from 'kysely';
import { columns } from '../columns.ts';
import type { DialectName } from '../store.ts';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await db.schema
    .alterTable('federation_org')
    .addColumn('record_types', columns(dialect).json)
    .execute();
}
