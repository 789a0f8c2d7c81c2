// The subject-access bundle as released: what it holds for each record, and the redaction of
// passages marked in free text (third parties' personal data) before release.
import type { Redaction } from './subjects.ts';

export interface BundleAccess {
  at: string;
  by: string;
  byName: string;
  action: string;
  purpose: string | null;
  outcome: string;
}

export interface BundleRecipient {
  at: string;
  organisation: string;
  agreement: string | null;
  action: string;
}

export interface BundleRecord {
  recordId: string;
  assetId: string;
  assetName: string;
  typeKey: string;
  version: number;
  payload: Record<string, unknown>;
  /** Fields with passages withheld. */
  redactedFields: string[];
  source: { ref: string; label: string };
  lawfulBasis: { code: string; label: string };
  specialCondition: { code: string; label: string } | null;
  /** Purposes the record was imported, read or shared for (from the audit log). */
  purposes: string[];
  retainUntil: string | null;
  retentionRule: { period: string; from: string | null; action: string } | null;
  restricted: boolean;
  restrictionReason: string | null;
  sentTo: BundleRecipient[];
  accesses: BundleAccess[];
  /** More accesses exist than the bundle lists (the newest are listed). */
  accessesTruncated: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface Bundle {
  requestId: string;
  reference: string;
  organisation: string;
  receivedOn: string;
  dueOn: string;
  producedAt: string;
  producedBy: string;
  subjectsMatched: number;
  records: BundleRecord[];
  redactions: number;
  /** How each part was found, in plain words (e.g. where recipients come from). */
  method: string[];
}

export const REDACTED = '[withheld: information about someone else]';

/** The payload with every marked passage replaced. */
export function applyRedactions(
  recordId: string,
  payload: Record<string, unknown>,
  marks: readonly Redaction[],
): { payload: Record<string, unknown>; fields: string[] } {
  const out = { ...payload };
  const fields = new Set<string>();
  for (const m of marks) {
    if (m.recordId !== recordId) continue;
    const v = out[m.field];
    if (typeof v !== 'string' || !m.text || !v.includes(m.text)) continue;
    out[m.field] = v.split(m.text).join(REDACTED);
    fields.add(m.field);
  }
  return { payload: out, fields: [...fields].sort() };
}
