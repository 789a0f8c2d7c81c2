// Subject requests as the pages and the API see them: rows turned into domain types, with the
// statutory clock worked out for today.
import * as m from './requests.model.ts';
import type { Channel, RequestKind, RequestStatus } from './requests.model.ts';
import type { SubjectRequestTable } from './rights.table.ts';
import { clockState } from './statutory-clock.ts';
import type { ClockState, Pause } from './statutory-clock.ts';
import type { Redaction, RequestDetails } from './subjects.ts';

export interface SubjectRequestSummary {
  id: string;
  reference: string;
  kind: RequestKind;
  kindLabel: string;
  channel: Channel;
  channelLabel: string;
  receivedAt: string;
  receivedOn: string;
  status: RequestStatus;
  statusLabel: string;
  open: boolean;
  identityVerified: boolean;
  subjectsMatched: number;
  extensionMonths: number;
  extensionReason: string | null;
  pauses: Pause[];
  clock: ClockState;
  outcome: string | null;
  createdAt: string;
  closedAt: string | null;
}

export interface RequestEvent {
  at: string;
  by: string;
  byName: string;
  kind: string;
  note: string;
  data: Record<string, unknown>;
}

export interface SubjectRequest extends SubjectRequestSummary {
  subjectIds: string[];
  identifiers: Record<string, string>;
  description: string;
  redactions: Redaction[];
  moves: m.Move[];
  timeline: RequestEvent[];
}

export function toSummary(r: SubjectRequestTable, today: string): SubjectRequestSummary {
  const status = r.status as RequestStatus;
  const pauses = JSON.parse(r.pauses) as Pause[];
  const open = r.closed_at === null;
  const clock = clockState(
    { receivedOn: r.received_on, extensionMonths: r.extension_months, pauses },
    // A closed request's clock stopped when it closed.
    open ? today : r.closed_at!.slice(0, 10),
  );
  return {
    id: r.request_id,
    reference: r.reference,
    kind: r.kind as RequestKind,
    kindLabel: m.KIND_LABELS[r.kind as RequestKind] ?? r.kind,
    channel: r.channel as Channel,
    channelLabel: m.CHANNEL_LABELS[r.channel as Channel] ?? r.channel,
    receivedAt: r.received_at,
    receivedOn: r.received_on,
    status,
    statusLabel: m.STATUS_LABELS[status] ?? r.status,
    open,
    identityVerified: r.identity_verified === 1,
    subjectsMatched: (JSON.parse(r.subject_ids) as string[]).length,
    extensionMonths: r.extension_months,
    extensionReason: r.extension_reason,
    pauses,
    clock,
    outcome: r.outcome,
    createdAt: r.created_at,
    closedAt: r.closed_at,
  };
}

export function toRequest(
  r: SubjectRequestTable,
  d: RequestDetails,
  timeline: RequestEvent[],
  today: string,
): SubjectRequest {
  return {
    ...toSummary(r, today),
    subjectIds: JSON.parse(r.subject_ids) as string[],
    identifiers: d.identifiers,
    description: d.description,
    redactions: d.redactions,
    moves: m.movesFrom(r.status as RequestStatus),
    timeline,
  };
}
