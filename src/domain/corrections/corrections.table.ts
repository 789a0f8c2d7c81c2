// Tables of the corrections module (migrations 0013 and 0024): the link from each line of a sent
// transfer to the source record it carried, the records a recipient's lines became, and the
// correction notices sent to partners under UK GDPR Art. 19.

/** The sender's half: which of its records one line of a transfer carried. */
export interface TransferSentTable {
  /** The sender. */
  org_id: string;
  source_record_id: string;
  transfer_id: string;
  /** 1-based position in the transfer, in chunk order (the order the recipient imports). */
  line: number;
}

/** The recipient's half: the records a run of lines became (one row per chunk opened). */
export interface TransferReceivedTable {
  transfer_id: string;
  first_line: number;
  /** JSON array of record ids: line first_line + i became record_ids[i]. */
  record_ids: string;
}

export interface CorrectionNoticeTable {
  notice_id: string;
  /** The sender of the original transfer, who made the correction. */
  org_id: string;
  recipient_org_id: string;
  transfer_id: string;
  line: number;
  source_record_id: string;
  /** The subject request that led to it, when there was one. */
  request_id: string | null;
  /** rectify | erase | restrict | unrestrict */
  kind: string;
  /** JSON array: the agreed fields corrected (rectify), empty otherwise. */
  fields: string;
  agreement_ref: string;
  purpose: string;
  /** Compact JWE to the recipient: the corrected values and the reason. */
  sealed: string;
  /** Compact JWS by the node over the notice's header and the digest of `sealed`. */
  signed: string;
  /** sent | overdue | acknowledged | disputed */
  state: string;
  /** Why the recipient disputed it. */
  reason: string | null;
  due_at: string;
  recipient_record_id: string | null;
  created_by: string;
  created_at: string;
  closed_by: string | null;
  closed_at: string | null;
  updated_at: string;
}

export interface CorrectionsTables {
  transfer_sent: TransferSentTable;
  transfer_received: TransferReceivedTable;
  correction_notice: CorrectionNoticeTable;
}
