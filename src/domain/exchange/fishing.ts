// Fishing detection: one person asking about many people who are not there (misses), or about
// many different people, in a short time. Crossing either threshold raises one alert: an audit
// entry and an in-app notification in both organisations.
import type { Gate } from '../policy/gate.ts';
import type { ExchangeDeps } from './exchange.deps.ts';

/** Fishing: this many misses, or this many different people, from one person within the window. */
export const FISHING = { windowMs: 10 * 60_000, misses: 5, subjects: 20 } as const;

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
  const recent = await gate.tx.db
    .selectFrom('exchange_query')
    .select(['query_id', 'subject_id', 'outcome'])
    .where('asked_by', '=', gate.actor.ref)
    .where('org_id', '=', gate.actor.orgId)
    .where('asked_at', '>=', since)
    .execute();
  const misses = recent.filter((r) => r.outcome === 'no-match').length;
  const subjects = new Set(recent.map((r) => r.subject_id).filter(Boolean));
  const newSubject =
    subjectId !== null && recent.filter((r) => r.subject_id === subjectId).length === 1;
  const crossed =
    (miss && misses === FISHING.misses) || (newSubject && subjects.size === FISHING.subjects);
  if (!crossed) return;
  const minutes = FISHING.windowMs / 60_000;
  const what = miss
    ? `${misses} look-ups or checks that matched nobody`
    : `${subjects.size} different people`;
  const message = `Possible fishing: ${gate.actor.name} (${gate.actor.ref}) made ${what} in ${minutes} minutes.`;
  for (const orgId of [gate.actor.orgId, providerOrgId]) {
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
        subjects: subjects.size,
        windowMinutes: minutes,
      },
    });
    await d.notifications.notify(gate.tx, orgId, 'fishing', null, message);
  }
}
