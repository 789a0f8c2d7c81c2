// Retired exchange keys are destroyed, not kept for ever. A retired pair's private half is still
// needed while anything sealed to it may arrive or be opened: transfers to the organisation not
// yet opened, closed or expired (their sealed chunks are deleted when they are), chunks staged
// from a partner node, correction notices not yet applied or disputed, and for a grace period
// after retirement, envelopes partners sealed before they learnt the new key and are still
// retrying. Once past the grace period and needed by nothing waiting, its sealed private half is
// overwritten (the public half and key id stay, so lists and the audit log still name it).
import { sql } from 'kysely';
import type { Executor } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import { OPEN_STATES } from '../corrections/corrections.view.ts';
import { nodeActor } from '../policy/actor.ts';
import type { ExchangeKeys } from './exchange-keys.ts';
import { chunkKid } from './open-chunk.ts';

const DAY = 86_400_000;
/** Enough of a compact JWE to hold its protected header (the `kid`), without reading the rest. */
const HEADER_CHARS = 1024;

/** The key ids named by what is still waiting to be opened by an organisation hosted here. */
async function keysStillNeeded(ex: Executor, orgId: string): Promise<Set<string | undefined>> {
  const head = (col: string) => sql<string>`substr(${sql.ref(col)}, 1, ${HEADER_CHARS})`;
  // Every chunk of a transfer is sealed to the one key current when it was sealed: its first
  // chunk names it. A transfer's chunks are deleted when it is opened, closed or expires.
  const unopened = await ex.db
    .selectFrom('transfer_chunk')
    .innerJoin('transfer', 'transfer.transfer_id', 'transfer_chunk.transfer_id')
    .select(head('transfer_chunk.jwe').as('head'))
    .where('transfer.recipient_org_id', '=', orgId)
    .where('transfer_chunk.chunk_index', '=', 0)
    .execute();
  const staged = await ex.db
    .selectFrom('transfer_inbound_chunk')
    .innerJoin(
      'transfer_inbound',
      'transfer_inbound.transfer_id',
      'transfer_inbound_chunk.transfer_id',
    )
    .select(head('transfer_inbound_chunk.jwe').as('head'))
    .where('transfer_inbound.recipient_org_id', '=', orgId)
    .execute();
  const notices = await ex.db
    .selectFrom('correction_notice')
    .select(head('sealed').as('head'))
    .where('recipient_org_id', '=', orgId)
    .where('state', 'in', OPEN_STATES)
    .execute();
  // undefined: sealed before keys had ids, so opened with the organisation's first pair.
  return new Set([...unopened, ...staged, ...notices].map((r) => chunkKid(r.head)));
}

/**
 * Destroys every retired exchange key retired more than `graceDays` ago that nothing waiting is
 * sealed to, each organisation in a transaction of its own, audited in its log (key ids only).
 * Returns the key ids destroyed.
 */
export async function destroyRetiredKeys(
  ctx: DomainContext,
  keys: ExchangeKeys,
  graceDays: number,
): Promise<string[]> {
  const before = new Date(ctx.clock().getTime() - graceDays * DAY).toISOString();
  const due = await ctx.store.db
    .selectFrom('exchange_key')
    .select('org_id')
    .distinct()
    .where('retired_at', '<=', before)
    .where('destroyed_at', 'is', null)
    .execute();
  const destroyed: string[] = [];
  for (const { org_id: orgId } of due) {
    // Read first outside any transaction: a key still needed (the usual case while it is) costs
    // no write lock. Only a key found destroyable is checked again, and destroyed, in one.
    if ((await destroyable(ctx.store, orgId, before)).length === 0) continue;
    await ctx.store.transaction(async (tx) => {
      // Arrivals share-lock the key they are sealed to until stored (refuseIfDestroyed): with the
      // organisation's keys locked first, the look below sees every arrival that got in before.
      if (tx.dialect === 'postgres')
        await tx.db
          .selectFrom('exchange_key')
          .select('key_id')
          .where('org_id', '=', orgId)
          .where('retired_at', 'is not', null)
          .where('destroyed_at', 'is', null)
          // Always in the same order, so two sweeps at once (the hourly one, the route) queue.
          .orderBy('key_id')
          .forUpdate()
          .execute();
      for (const p of await destroyable(tx, orgId, before)) {
        if (!(await keys.destroy(tx, orgId, p.key_id))) continue;
        destroyed.push(p.key_id);
        ctx.audit.record(tx, {
          orgId,
          actor: nodeActor(orgId).ref,
          action: 'exchange.key.destroyed',
          target: `exchange-key:${orgId}`,
          outcome: 'ok',
          details: {
            keyId: p.key_id,
            retiredAt: new Date(p.retired_at).toISOString(),
            why: `retired over ${graceDays} days ago, and nothing sealed to it is left to open`,
          },
        });
      }
    });
  }
  return destroyed;
}

/** An organisation's retired keys, retired before `before`, that nothing waiting needs. */
async function destroyable(
  ex: Executor,
  orgId: string,
  before: string,
): Promise<{ key_id: string; retired_at: string }[]> {
  const pairs = await ex.db
    .selectFrom('exchange_key')
    .select(['key_id', 'version', 'retired_at', 'destroyed_at'])
    .where('org_id', '=', orgId)
    .orderBy('version')
    .execute();
  const needed = await keysStillNeeded(ex, orgId);
  const oldest = pairs[0]?.version;
  return pairs.flatMap((p) =>
    p.destroyed_at === null &&
    p.retired_at !== null &&
    new Date(p.retired_at).toISOString() <= before &&
    !needed.has(p.key_id) &&
    !(p.version === oldest && needed.has(undefined))
      ? [{ key_id: p.key_id, retired_at: p.retired_at }]
      : [],
  );
}
