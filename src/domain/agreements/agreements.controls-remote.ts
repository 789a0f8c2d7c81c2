// A suspension, resumption or termination made on a partner node, applied here to an agreement
// with a party on that node. A partner is trusted with its own parties' actions, not with this
// node's records of them: see `controlFrom`.
import { AccordError } from '../../errors.ts';
import type { Tx } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import type { HostOf, SharedControl } from './agreements.federated.ts';
import * as repo from './agreements.repository.ts';
import type { AgreementVersionTable } from './agreements.table.ts';
import { termsOf } from './versions.ts';

export async function importControl(
  ctx: DomainContext,
  tx: Tx,
  fromNode: string,
  hostOf: HostOf,
  s: SharedControl,
): Promise<{ status: string }> {
  const v = await repo.version(tx, s?.versionId ?? '');
  if (!v || v.status !== 'approved' || !s.set) throw new AccordError('NOT_FOUND');
  const parties = termsOf(v).parties.map((p) => p.orgId);
  let remoteParty = false;
  for (const p of parties) if ((await hostOf(tx, p)) === fromNode) remoteParty = true;
  if (!remoteParty)
    throw new AccordError('FORBIDDEN', 'That node hosts no party to the agreement.');
  const set = controlFrom(fromNode, v, s, ctx.clock());
  if (set === undefined) throw new AccordError('VALIDATION_FAILED', 'Unknown control action.');
  if (Object.keys(set).length)
    await tx.db
      .updateTable('agreement_version')
      .set({ ...set, updated_at: ctx.clock().toISOString() })
      .where('version_id', '=', v.version_id)
      .execute();
  for (const orgId of parties)
    if ((await hostOf(tx, orgId)) === undefined)
      ctx.audit.record(tx, {
        orgId,
        actor: `node:${fromNode}`,
        action: `agreements.${s.action}`,
        target: `agreement:${v.agreement_id}`,
        outcome: 'ok',
        details: { version: v.version, via: `node:${fromNode}`, ...set },
      });
  return { status: v.status };
}

/**
 * What a partner's suspension, resumption or termination changes here (undefined: no such
 * action). Only the fields of that action: a partner restates the rest as it holds them, and
 * this node keeps its own. Who did it is said as the partner's (`node:<id>/<who>`), never as
 * someone here; a suspension cannot be dated later than now, nor a termination earlier (one may
 * be for a later instant, as here). A suspension already in place, or a termination in force,
 * stands.
 */
function controlFrom(
  fromNode: string,
  v: AgreementVersionTable,
  s: SharedControl,
  now: Date,
): Partial<AgreementVersionTable> | undefined {
  const text = (x: unknown): string | null =>
    typeof x === 'string' && x.trim() ? x.trim().slice(0, 2000) : null;
  const who = (x: unknown): string => {
    const w = (typeof x === 'string' ? x : '').replace(/[^\w:.@/-]/g, '').slice(0, 80);
    return w.startsWith(`node:${fromNode}/`) ? w : `node:${fromNode}/${w || 'node'}`;
  };
  const time = (x: unknown): Date => {
    const t = typeof x === 'string' ? new Date(x) : now;
    return Number.isNaN(t.getTime()) ? now : t;
  };
  if (s.action === 'suspended') {
    if (v.suspended_at) return {};
    const at = time(s.set.suspended_at);
    return {
      suspended_at: (at > now ? now : at).toISOString(),
      suspended_by: who(s.set.suspended_by),
      suspend_reason: text(s.set.suspend_reason),
    };
  }
  if (s.action === 'resumed')
    return v.suspended_at ? { suspended_at: null, suspended_by: null, suspend_reason: null } : {};
  if (s.action === 'terminated') {
    // One in force stands. One set for later may be moved, as a party here may move it, but not
    // to before now (what was done under the agreement meanwhile was done while it was in force).
    if (v.terminated_at && v.terminated_at <= now.toISOString()) return {};
    const at = time(s.set.terminated_at);
    return {
      terminated_at: (at < now ? now : at).toISOString(),
      terminated_by: who(s.set.terminated_by),
      terminate_reason: text(s.set.terminate_reason),
    };
  }
  return undefined;
}
