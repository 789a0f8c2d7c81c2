// GitHub and GitLab webhooks: signature checks, and the delivery events each payload means.
//   GitHub: X-Hub-Signature-256 is HMAC-SHA256 of the raw body under the secret; events
//           deployment_status, push (default branch), issues labelled "incident", ping.
//   GitLab: X-Gitlab-Token is the secret itself; events Deployment Hook, Push Hook (default
//           branch), Merge Request Hook (merged), Issue Hook (incidents).
// Each event gets a key from what it is (a deployment's id and status, a commit's sha, an
// incident's id and state), so a redelivery, or the same commit in a push and a merge request,
// counts once.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { DoraKind } from './dora.ts';
import { parseTime } from './portfolio.common.ts';

export type WebhookSource = 'github' | 'gitlab';

export interface NewEvent {
  kind: DoraKind;
  dedupeKey: string;
  occurredAt: string;
  ref?: string | null;
  sha?: string | null;
  committedAt?: string | null;
  headSha?: string | null;
  environment?: string | null;
  status?: 'success' | 'failure' | null;
  rework?: boolean;
  changes?: string[] | null;
}

type Headers = Record<string, string | string[] | undefined>;
const header = (h: Headers, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Whether the delivery is signed with `secret` (constant-time comparisons). */
export function verifySignature(
  source: WebhookSource,
  headers: Headers,
  raw: Buffer,
  secret: string,
): boolean {
  if (source === 'github') {
    const sig = header(headers, 'x-hub-signature-256');
    if (!sig || !/^sha256=[0-9a-f]{64}$/i.test(sig)) return false;
    const want = createHmac('sha256', secret).update(raw).digest();
    return timingSafeEqual(want, Buffer.from(sig.slice(7), 'hex'));
  }
  const token = header(headers, 'x-gitlab-token');
  if (!token) return false;
  const a = createHash('sha256').update(token).digest();
  const b = createHash('sha256').update(secret).digest();
  return timingSafeEqual(a, b);
}

/** The delivery's id (redeliveries repeat it); a digest of the body when the sender gives none. */
export function deliveryId(source: WebhookSource, headers: Headers, raw: Buffer): string {
  const id =
    source === 'github'
      ? header(headers, 'x-github-delivery')
      : (header(headers, 'idempotency-key') ?? header(headers, 'x-gitlab-event-uuid'));
  return id?.slice(0, 200) || `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

export function eventType(
  source: WebhookSource,
  headers: Headers,
  body: Record<string, unknown>,
): string {
  if (source === 'github') return header(headers, 'x-github-event') ?? 'unknown';
  return header(headers, 'x-gitlab-event') ?? (str(body.object_kind) || 'unknown');
}

type J = Record<string, unknown>;
const obj = (v: unknown): J => (v && typeof v === 'object' && !Array.isArray(v) ? (v as J) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | null =>
  typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : null;

const REWORK = /\b(hotfix|hot-fix|rollback|roll back|revert)\b/i;
const ROOT_CAUSE = /root[ -]cause:?\s*([0-9a-f]{7,40})\b/i;
const ZERO_SHA = /^0+$/;

function changesOfPush(
  commits: unknown[],
  head: string | null,
  landedAt: string | undefined,
): NewEvent[] {
  const out: NewEvent[] = [];
  const times = commits.map((c) => parseTime(obj(c).timestamp)).filter((x): x is string => !!x);
  const landed = landedAt ?? times.sort().at(-1);
  if (!landed) return out;
  for (const c of commits.map(obj)) {
    const sha = str(c.id);
    const committedAt = parseTime(c.timestamp);
    if (!sha || !committedAt) continue;
    out.push({
      kind: 'change',
      dedupeKey: `change:${sha}`,
      occurredAt: landed < committedAt ? committedAt : landed,
      sha,
      committedAt,
      headSha: head,
    });
  }
  return out;
}

function incident(
  id: string,
  action: 'opened' | 'resolved' | 'reopened',
  at: string | undefined,
  openedAt: string | undefined,
  body: string,
): NewEvent[] {
  const blame = ROOT_CAUSE.exec(body)?.[1]?.toLowerCase() ?? null;
  const opened: NewEvent[] = openedAt
    ? [
        {
          kind: 'incident-opened',
          dedupeKey: `incident:${id}:opened`,
          occurredAt: openedAt,
          ref: id,
          sha: blame,
        },
      ]
    : [];
  if (action === 'opened') return opened;
  if (!at) return opened;
  const kind = action === 'resolved' ? 'incident-resolved' : 'incident-reopened';
  return [
    ...opened,
    { kind, dedupeKey: `incident:${id}:${action}:${at}`, occurredAt: at, ref: id },
  ];
}

const hasIncidentLabel = (labels: unknown[]): boolean =>
  labels.some((l) => /^incident\b/i.test(str(obj(l).name) ?? str(obj(l).title) ?? str(l) ?? ''));

/** The events a GitHub delivery carries (none for events that are not delivery measures). */
export function githubEvents(type: string, b: J): NewEvent[] {
  if (type === 'deployment_status') {
    const s = obj(b.deployment_status);
    const d = obj(b.deployment);
    const state = str(s.state);
    const status =
      state === 'success' ? 'success' : state === 'failure' || state === 'error' ? 'failure' : null;
    const id = str(d.id);
    const at = parseTime(s.updated_at) ?? parseTime(s.created_at);
    if (!status || !id || !at) return [];
    return [
      {
        kind: 'deployment',
        dedupeKey: `deploy:${id}:${status}`,
        occurredAt: at,
        ref: id,
        sha: str(d.sha),
        environment: str(s.environment) ?? str(d.environment),
        status,
        rework: obj(d.payload).rework === true || REWORK.test(str(d.description) ?? ''),
      },
    ];
  }
  if (type === 'push') {
    const repo = obj(b.repository);
    const branch = str(repo.default_branch) ?? str(repo.master_branch) ?? 'main';
    const after = str(b.after);
    if (
      str(b.ref) !== `refs/heads/${branch}` ||
      b.deleted === true ||
      !after ||
      ZERO_SHA.test(after)
    )
      return [];
    return changesOfPush(arr(b.commits), after, parseTime(repo.pushed_at));
  }
  if (type === 'issues') {
    const i = obj(b.issue);
    const id = str(i.id);
    if (!id || !hasIncidentLabel(arr(i.labels))) return [];
    const key = `github-issue:${id}`;
    const body = `${str(i.title) ?? ''}\n${str(i.body) ?? ''}`;
    const action = str(b.action);
    if (action === 'opened' || action === 'labeled')
      return incident(key, 'opened', undefined, parseTime(i.created_at), body);
    if (action === 'closed')
      return incident(key, 'resolved', parseTime(i.closed_at), parseTime(i.created_at), body);
    if (action === 'reopened')
      return incident(key, 'reopened', parseTime(i.updated_at), parseTime(i.created_at), body);
  }
  return [];
}

/** The events a GitLab delivery carries. */
export function gitlabEvents(b: J): NewEvent[] {
  const kind = str(b.object_kind);
  if (kind === 'deployment') {
    const raw = str(b.status);
    const status = raw === 'success' ? 'success' : raw === 'failed' ? 'failure' : null;
    const id = str(b.deployment_id);
    const at = parseTime(b.status_changed_at);
    if (!status || !id || !at) return [];
    return [
      {
        kind: 'deployment',
        dedupeKey: `deploy:${id}:${status}`,
        occurredAt: at,
        ref: id,
        sha: str(b.sha),
        environment: str(b.environment),
        status,
        rework: REWORK.test(str(b.commit_title) ?? ''),
      },
    ];
  }
  if (kind === 'push') {
    const project = obj(b.project);
    const branch = str(project.default_branch) ?? 'main';
    const after = str(b.after);
    if (str(b.ref) !== `refs/heads/${branch}` || !after || ZERO_SHA.test(after)) return [];
    return changesOfPush(arr(b.commits), after, undefined);
  }
  if (kind === 'merge_request') {
    const a = obj(b.object_attributes);
    if (str(a.action) !== 'merge' && str(a.state) !== 'merged') return [];
    const last = obj(a.last_commit);
    const sha = str(last.id);
    const committedAt = parseTime(last.timestamp);
    const landed = parseTime(a.merged_at) ?? parseTime(a.updated_at);
    if (!sha || !committedAt || !landed) return [];
    return [
      {
        kind: 'change',
        dedupeKey: `change:${sha}`,
        occurredAt: landed < committedAt ? committedAt : landed,
        sha,
        committedAt,
        headSha: str(a.merge_commit_sha) ?? sha,
      },
    ];
  }
  if (kind === 'issue' || kind === 'work_item') {
    const a = obj(b.object_attributes);
    const isIncident =
      str(a.issue_type) === 'incident' ||
      str(a.type) === 'Incident' ||
      hasIncidentLabel(arr(b.labels));
    const id = str(a.id);
    if (!isIncident || !id) return [];
    const key = `gitlab-issue:${id}`;
    const body = `${str(a.title) ?? ''}\n${str(a.description) ?? ''}`;
    const action = str(a.action);
    const created = parseTime(a.created_at);
    if (action === 'open') return incident(key, 'opened', undefined, created, body);
    if (action === 'close')
      return incident(
        key,
        'resolved',
        parseTime(a.closed_at) ?? parseTime(a.updated_at),
        created,
        body,
      );
    if (action === 'reopen')
      return incident(key, 'reopened', parseTime(a.updated_at), created, body);
    if (action === 'update' && str(a.state) === 'opened')
      return incident(key, 'opened', undefined, created, body);
  }
  return [];
}
