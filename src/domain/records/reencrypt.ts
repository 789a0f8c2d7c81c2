// Re-encrypts records under the newest data key, in short transactions of a few hundred records.
// It can stop at any point (a crash, Ctrl+C) and start again: each record says which key version
// sealed it, so the next run picks up exactly the records still under an older key.
import type { DomainContext } from '../context.ts';
import type { KeyService } from '../keys/key.service.ts';
import { open, sealBatch } from './sealing.ts';

const BATCH = 500;

export async function reencryptOrg(
  ctx: DomainContext,
  keys: KeyService,
  orgId: string,
  onProgress?: (done: number, total: number) => void,
): Promise<number> {
  const latest = await keys.dataKey(ctx.store, orgId);
  const total = Number(
    (
      await ctx.store.db
        .selectFrom('record')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('org_id', '=', orgId)
        .where('key_version', '<', latest.version)
        .executeTakeFirstOrThrow()
    ).n,
  );
  let done = 0;
  for (;;) {
    const n = await ctx.store.transaction(async (tx) => {
      const rows = await tx.db
        .selectFrom('record')
        .select(['record_id', 'version', 'payload', 'key_version'])
        .where('org_id', '=', orgId)
        .where('key_version', '<', latest.version)
        .limit(BATCH)
        .execute();
      if (rows.length === 0) return 0;
      const items = [];
      for (const r of rows) {
        const aad = `${orgId}|${r.record_id}|${r.version}`;
        items.push({
          aad,
          plaintext: open(await keys.dataKeyVersion(tx, orgId, r.key_version), r.payload, aad),
        });
      }
      const sealed = sealBatch(latest.key, latest.version, items);
      for (let i = 0; i < rows.length; i++) {
        await tx.db
          .updateTable('record')
          .set({ payload: sealed[i]!, key_version: latest.version })
          .where('record_id', '=', rows[i]!.record_id)
          .execute();
      }
      return rows.length;
    });
    if (n === 0) break;
    done += n;
    onProgress?.(done, total);
  }
  if (done > 0)
    await ctx.audit.recordNow(ctx.store, {
      orgId,
      actor: 'cli',
      action: 'records.reencrypted',
      target: `org:${orgId}`,
      outcome: 'ok',
      details: { records: done, dataKeyVersion: latest.version },
    });
  return done;
}
