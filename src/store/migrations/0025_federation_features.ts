// Partner nodes tell each other, with their directories, which newer message forms they
// understand (federation/features.ts), so partners on different versions keep exchanging. Kept
// per partner; null until it says (a node not yet upgraded), which gets the oldest forms.
import type { Kysely } from 'kysely';
import type { DialectName } from '../store.ts';

export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema.alterTable('federation_node').addColumn('features', 'text').execute();
}
