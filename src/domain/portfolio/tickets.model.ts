// Help-desk tickets as people see them: service-level clocks and breaches, and what each viewer
// may see (a data-protection query's details only reach whoever raised it, the service desk and
// the DPO; internal notes only the service desk).
import type { Actor } from '../policy/actor.ts';
import { decide } from '../policy/decide.ts';
import { ROLE_INFO, isRole } from '../policy/roles.ts';
import { refName } from '../roles/roles.service.ts';
import { HOUR_MS } from './portfolio.common.ts';
import type { TicketCommentTable, TicketTable } from './portfolio.table.ts';
import type { Priority, TicketLevels } from './settings.service.ts';

export const TICKET_KINDS = ['fault', 'request', 'access-request', 'data-protection'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];
export const TICKET_STATUSES = [
  'new',
  'assigned',
  'in-progress',
  'waiting',
  'resolved',
  'closed',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const KIND_LABELS: Record<TicketKind, string> = {
  fault: 'Fault',
  request: 'Request',
  'access-request': 'Access request',
  'data-protection': 'Data-protection query',
};

export interface TicketComment {
  id: string;
  author: string;
  authorName: string;
  body: string;
  internal: boolean;
  createdAt: string;
}

export type Clock = 'met' | 'breached' | 'running' | 'at-risk';

export interface Ticket {
  id: string;
  reference: string;
  number: number;
  appId: string;
  appName: string;
  kind: TicketKind;
  kindLabel: string;
  /** Whether the viewer sees only that a data-protection query exists. */
  restricted: boolean;
  title: string;
  description: string | null;
  priority: Priority;
  status: TicketStatus;
  open: boolean;
  raisedBy: string;
  raisedByName: string;
  raisedAt: string;
  assigneeId: string | null;
  assigneeName: string | null;
  respondDueAt: string;
  fixDueAt: string;
  respondedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  respond: Clock;
  fix: Clock;
  breached: boolean;
  requestedRole: string | null;
  requestedRoleLabel: string | null;
  requestedFor: string | null;
  requestedForName: string | null;
  decision: 'approved' | 'refused' | null;
  decidedBy: string | null;
  decidedAt: string | null;
  grantId: string | null;
  comments: TicketComment[];
}

export const isAgent = (actor: Actor): boolean =>
  decide(actor, 'tickets.work', { orgId: actor.orgId, ownerPersonId: null }).allow;

export function mayNotSee(actor: Actor, t: TicketTable): boolean {
  return (
    t.kind === 'data-protection' &&
    actor.personId !== t.raised_by &&
    actor.personId !== t.requested_for &&
    !actor.roles.has('dpo') &&
    !isAgent(actor)
  );
}

/** A clock against its deadline: met (done in time), breached, at risk (under a fifth left) or running. */
export function clock(start: string, due: string, done: string | null, now: number): Clock {
  const d = Date.parse(due);
  if (done) return Date.parse(done) <= d ? 'met' : 'breached';
  if (now > d) return 'breached';
  return d - now < (d - Date.parse(start)) / 5 ? 'at-risk' : 'running';
}

export function dueDates(
  raisedAt: string,
  priority: Priority,
  levels: TicketLevels,
): { respond_due_at: string; fix_due_at: string } {
  const t = Date.parse(raisedAt);
  const l = levels[priority];
  return {
    respond_due_at: new Date(t + l.respondHours * HOUR_MS).toISOString(),
    fix_due_at: new Date(t + l.fixHours * HOUR_MS).toISOString(),
  };
}

export function toTicket(
  t: TicketTable,
  viewer: Actor,
  now: number,
  names: Map<string, string>,
  appName: string,
  comments: TicketCommentTable[] = [],
): Ticket {
  const restricted = mayNotSee(viewer, t);
  const agent = isAgent(viewer);
  const respond = clock(t.raised_at, t.respond_due_at, t.responded_at, now);
  const fix = clock(t.raised_at, t.fix_due_at, t.resolved_at ?? t.closed_at, now);
  const role = t.requested_role && isRole(t.requested_role) ? t.requested_role : null;
  return {
    id: t.ticket_id,
    reference: `T-${t.number}`,
    number: t.number,
    appId: t.app_id,
    appName,
    kind: t.kind as TicketKind,
    kindLabel: KIND_LABELS[t.kind as TicketKind] ?? t.kind,
    restricted,
    title: restricted ? 'Data-protection query' : t.title,
    description: restricted ? null : t.description,
    priority: t.priority as Priority,
    status: t.status as TicketStatus,
    open: t.status !== 'resolved' && t.status !== 'closed',
    raisedBy: t.raised_by,
    raisedByName: restricted
      ? 'Someone in your organisation'
      : (names.get(t.raised_by) ?? 'Someone in your organisation'),
    raisedAt: t.raised_at,
    assigneeId: t.assignee_id,
    assigneeName: t.assignee_id ? (names.get(t.assignee_id) ?? null) : null,
    respondDueAt: t.respond_due_at,
    fixDueAt: t.fix_due_at,
    respondedAt: t.responded_at,
    resolvedAt: t.resolved_at,
    closedAt: t.closed_at,
    respond,
    fix,
    breached: respond === 'breached' || fix === 'breached',
    requestedRole: t.requested_role,
    requestedRoleLabel: role ? ROLE_INFO[role].label : null,
    requestedFor: restricted ? null : t.requested_for,
    requestedForName: t.requested_for && !restricted ? (names.get(t.requested_for) ?? null) : null,
    decision: t.decision as Ticket['decision'],
    decidedBy: t.decided_by,
    decidedAt: t.decided_at,
    grantId: t.grant_id,
    comments: restricted
      ? []
      : comments
          .filter((c) => agent || c.internal === 0)
          .map((c) => ({
            id: c.comment_id,
            author: c.author,
            authorName: refName(c.author, names),
            body: c.body,
            internal: c.internal === 1,
            createdAt: c.created_at,
          })),
  };
}
