// Fishing detection: one person asking about many people who are not there (misses), or about
// many different people, in a short time. Crossing either threshold raises one alert: an audit
// entry and an in-app notification in both organisations.
import type { Gate } from '../policy/gate.ts';
import type { ExchangeDeps } from './exchange.deps.ts';

/** Fishing: this many misses, or this many different people, from one person within the window. */
export const FISHING = { windowMs: 10 * 60_000, misses: 5, subjects: 20 } as const;

/**
 * Whose queries count together. A person here is counted as themselves; a person asking through a
 * partner node is named by that node, which could name a new one each time, so the partner node
 * (within the asking organisation) is counted as one.
 */
export const askerKey = (ref: string): string =>
  ref.startsWith('node:') ? (ref.split('/')[0] as string) : ref;

/** Raises one alert as the person crosses either fishing threshold within the window. */
export async function watchForFishing(
  d: ExchangeDeps,
  gate: Gate,
  providerOrgId: string,
  subjectId: string | null,
  miss: boolean,
  at: string,
): Promise<void> {
  const since = new Date(Date.parse(at) - FISHING.windowMs).toISOString();
  // Each count stops one past its threshold: an alert is raised as a count reaches it, so the
  // work per query stays small however many queries the window holds.
  const recent = () =>
    gate.tx.db
      .selectFrom('exchange_query')
      .where('asked_by', '=', askerKey(gate.actor.ref))
      .where('org_id', '=', gate.actor.orgId)
      .where('asked_at', '>=', since);
  const upTo = async (
    q: ReturnType<typeof recent>,
    limit: number,
    distinct = false,
  ): Promise<number> => {
    const picked = distinct ? q.select('subject_id').distinct() : q.select('query_id');
    return (await picked.limit(limit).execute()).length;
  };
  let misses = 0;
  let subjects = 0;
  // A miss: nobody matched, or the identifiers pointed to different people.
  if (miss)
    misses = await upTo(
      recent().where('outcome', 'in', ['no-match', 'disagree']),
      FISHING.misses + 1,
    );
  else if (subjectId !== null) {
    const asked = await upTo(recent().where('subject_id', '=', subjectId), 2);
    if (asked === 1)
      subjects = await upTo(
        recent().where('subject_id', 'is not', null),
        FISHING.subjects + 1,
        true,
      );
  }
  const crossed = (miss && misses === FISHING.misses) || subjects === FISHING.subjects;
  if (!crossed) return;
  const minutes = FISHING.windowMs / 60_000;
  const what = miss
    ? `${misses} look-ups or checks that matched nobody`
    : `${subjects} different people`;
  const message = `Possible fishing: ${gate.actor.name} (${gate.actor.ref}) made ${what} in ${minutes} minutes.`;
  for (const orgId of [gate.actor.orgId, providerOrgId]) {
    // Each node alerts only the organisations it hosts: across nodes the asker's node watches its
    // own person (queries-remote.ts) and the provider's node its partner, each for its own side.
    if ((await d.federation.nodeOf(gate.tx, orgId)) !== undefined) continue;
    d.ctx.audit.record(gate.tx, {
      orgId,
      actor: 'node',
      action: 'exchange.fishing.suspected',
      target: gate.actor.ref,
      outcome: 'alert',
      details: {
        person: gate.actor.ref,
        asker: gate.actor.orgId,
        provider: providerOrgId,
        misses,
        subjects,
        windowMinutes: minutes,
      },
    });
    await d.notifications.notify(gate.tx, orgId, 'fishing', null, message);
  }
}
