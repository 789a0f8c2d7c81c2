// Delivery events sent by other systems: the generic JSON event API and CSV files. Both name the
// application (by id or name) and say what happened; every event is checked before any is stored.
import type { Problem } from '../../errors.ts';
import type { NewEvent } from './delivery.webhooks.ts';
import { parseTime, yesNo } from './portfolio.common.ts';

export interface EventInput {
  type: string;
  application: string;
  /** Deployment or incident id (required for both). */
  id?: string;
  /** Deployment: when it finished. Change: when it landed on the main branch (default: committedAt). */
  at?: string;
  sha?: string;
  committedAt?: string;
  headSha?: string;
  environment?: string;
  status?: string;
  rework?: boolean;
  changes?: string[];
  /** Incident: when it was opened (default: at) and resolved. */
  openedAt?: string;
  resolvedAt?: string;
}

export const EVENT_COLUMNS = [
  'application',
  'type',
  'id',
  'at',
  'sha',
  'committed_at',
  'environment',
  'status',
  'resolved_at',
  'rework',
  'changes',
] as const;

const SHA = /^[0-9a-f]{7,64}$/i;

/** The stored events one input means, or the problems with it. */
export function eventsOf(
  e: EventInput,
  where: { line?: number; field: string },
): { events: NewEvent[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const bad = (f: string, message: string): void => {
    problems.push({
      ...(where.line ? { line: where.line } : {}),
      field: `${where.field}${f}`,
      message,
    });
  };
  const time = (
    v: string | undefined,
    f: string,
    label: string,
    required: boolean,
  ): string | undefined => {
    if (!v) {
      if (required) bad(f, `Give ${label}, like 2026-03-31T14:05:00Z`);
      return undefined;
    }
    const t = parseTime(v);
    if (!t) bad(f, `“${v}” is not a time like 2026-03-31T14:05:00Z`);
    return t;
  };
  const sha = (v: string | undefined, f: string, required: boolean): string | null => {
    if (!v) {
      if (required) bad(f, 'Give the commit’s sha');
      return null;
    }
    if (!SHA.test(v)) bad(f, `“${v}” is not a commit sha`);
    return v.toLowerCase();
  };
  const events: NewEvent[] = [];
  if (e.type === 'deployment') {
    if (!e.id) bad('id', 'Give the deployment’s id');
    const at = time(e.at, 'at', 'when the deployment finished', true);
    const s = sha(e.sha, 'sha', false);
    const status = e.status ?? 'success';
    if (status !== 'success' && status !== 'failure')
      bad('status', 'The status of a deployment is success or failure');
    const changes = (e.changes ?? []).map((c) => c.trim()).filter(Boolean);
    for (const c of changes) if (!SHA.test(c)) bad('changes', `“${c}” is not a commit sha`);
    if (problems.length === 0)
      events.push({
        kind: 'deployment',
        dedupeKey: `deploy:${e.id}:${status}`,
        occurredAt: at!,
        ref: e.id!,
        sha: s,
        environment: e.environment?.trim() || 'production',
        status: status as 'success' | 'failure',
        rework: e.rework === true,
        changes: changes.length ? changes.map((c) => c.toLowerCase()) : null,
      });
  } else if (e.type === 'change') {
    const s = sha(e.sha, 'sha', true);
    const committedAt = time(e.committedAt, 'committedAt', 'when it was committed', true);
    const landed = time(e.at, 'at', 'when it landed', false) ?? committedAt;
    const head = sha(e.headSha, 'headSha', false);
    if (committedAt && landed && landed < committedAt)
      bad('at', 'A change cannot land before it was committed');
    if (problems.length === 0)
      events.push({
        kind: 'change',
        dedupeKey: `change:${s}`,
        occurredAt: landed!,
        sha: s,
        committedAt: committedAt!,
        headSha: head,
      });
  } else if (e.type === 'incident') {
    if (!e.id) bad('id', 'Give the incident’s id');
    const opened = time(
      e.openedAt ?? e.at,
      e.openedAt ? 'openedAt' : 'at',
      'when it was opened',
      true,
    );
    const resolved = time(e.resolvedAt, 'resolvedAt', 'when it was resolved', false);
    const s = sha(e.sha, 'sha', false);
    if (opened && resolved && resolved < opened)
      bad('resolvedAt', 'An incident cannot be resolved before it was opened');
    if (problems.length === 0) {
      const ref = `incident:${e.id}`;
      events.push({
        kind: 'incident-opened',
        dedupeKey: `${ref}:opened`,
        occurredAt: opened!,
        ref,
        sha: s,
      });
      if (resolved)
        events.push({
          kind: 'incident-resolved',
          dedupeKey: `${ref}:resolved:${resolved}`,
          occurredAt: resolved,
          ref,
        });
    }
  } else {
    bad('type', 'The type is deployment, change or incident');
  }
  return { events, problems };
}

/** A CSV row as an event input. */
export function csvEvent(
  get: (c: string) => string,
  line: number,
): { input: EventInput; problems: Problem[] } {
  const problems: Problem[] = [];
  const rework = yesNo(get('rework'));
  if (rework === undefined)
    problems.push({ line, field: 'rework', message: `“${get('rework')}” is not yes or no` });
  const type = get('type').toLowerCase();
  const input: EventInput = {
    type,
    application: get('application'),
    id: get('id') || undefined,
    sha: get('sha') || undefined,
    environment: get('environment') || undefined,
    status: get('status') || undefined,
    rework: rework === true,
    changes: get('changes') ? get('changes').split(/[\s;]+/) : undefined,
  };
  if (type === 'change') {
    input.committedAt = get('committed_at') || undefined;
    input.at = get('at') || undefined;
  } else if (type === 'incident') {
    input.openedAt = get('at') || undefined;
    input.resolvedAt = get('resolved_at') || undefined;
  } else input.at = get('at') || undefined;
  return { input, problems };
}
