// What the corrections services return: a notice as its sender or its recipient sees it.
import type { CorrectionNoticeTable } from './corrections.table.ts';

export const KINDS = ['rectify', 'erase', 'restrict', 'unrestrict'] as const;
export type CorrectionKind = (typeof KINDS)[number];
export const STATES = ['sent', 'overdue', 'acknowledged', 'disputed'] as const;
export type CorrectionState = (typeof STATES)[number];
/** States the recipient can still act in. */
export const OPEN_STATES = ['sent', 'overdue'];

export const KIND_LABELS: Record<string, string> = {
  rectify: 'Rectify',
  erase: 'Erase',
  restrict: 'Restrict processing',
  unrestrict: 'Lift restriction',
};
export const STATE_LABELS: Record<string, string> = {
  sent: 'Awaiting the partner',
  overdue: 'Overdue',
  acknowledged: 'Acknowledged',
  disputed: 'Disputed',
};

export interface CorrectionNotice {
  id: string;
  /** Whether the viewer's organisation sent or received it. */
  direction: 'sent' | 'received';
  partnerOrgId: string;
  partnerName: string;
  transferId: string;
  line: number;
  kind: CorrectionKind;
  kindLabel: string;
  /** The agreed fields corrected (rectify). */
  fields: string[];
  agreementRef: string;
  purpose: string;
  state: CorrectionState;
  stateLabel: string;
  dueAt: string;
  /** Why the partner disputed it. */
  disputeReason: string | null;
  /** The request that led to it (sender only). */
  requestId: string | null;
  /** The recipient's copy it applies to (recipient only, once known). */
  recordId: string | null;
  createdAt: string;
  closedAt: string | null;
  /** What the recipient may do now. */
  actions: ('apply' | 'dispute')[];
  /** Opened for the recipient only: the corrected values and the sender's reason. */
  changes?: Record<string, unknown>;
  senderReason?: string;
}

export function toNotice(
  r: CorrectionNoticeTable,
  viewerOrgId: string,
  partnerName: string,
  opened?: { changes: Record<string, unknown>; reason: string },
): CorrectionNotice {
  const sent = r.org_id === viewerOrgId;
  return {
    id: r.notice_id,
    direction: sent ? 'sent' : 'received',
    partnerOrgId: sent ? r.recipient_org_id : r.org_id,
    partnerName,
    transferId: r.transfer_id,
    line: r.line,
    kind: r.kind as CorrectionKind,
    kindLabel: KIND_LABELS[r.kind] ?? r.kind,
    fields: JSON.parse(r.fields) as string[],
    agreementRef: r.agreement_ref,
    purpose: r.purpose,
    state: r.state as CorrectionState,
    stateLabel: STATE_LABELS[r.state] ?? r.state,
    dueAt: r.due_at,
    disputeReason: r.reason,
    requestId: sent ? r.request_id : null,
    recordId: sent ? null : r.recipient_record_id,
    createdAt: r.created_at,
    closedAt: r.closed_at,
    actions: !sent && OPEN_STATES.includes(r.state) ? ['apply', 'dispute'] : [],
    ...(opened ? { changes: opened.changes, senderReason: opened.reason } : {}),
  };
}
