// How far a transfer to a partner node has got: the sender's node records how many sealed chunks
// the partner says it holds, so a large transfer shows its progress while it travels instead of
// sitting at "ready" until the last chunk lands. Null for transfers that have not left for a
// partner node (and for transfers between organisations on one node, delivered at once).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('transfer').addColumn('chunks_held', 'integer').execute();
}
