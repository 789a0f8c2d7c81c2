// Tables of the corrections module (migration 0013): the link from each line of a sent transfer to
// the source record it carried (and the record it became at the recipient), and the correction
// notices sent to partners under UK GDPR Art. 19.

/** One line of a transfer: which of the sender's records it carried, and what it became. */
export interface TransferRecordTable {
  transfer_id: string;
  /** 1-based position in the transfer, in chunk order (the order the recipient imports). */
  line: number;
  /** The sender. */
  org_id: string;
  source_record_id: string;
  /** Set when the recipient opens the transfer. */
  recipient_record_id: string | null;
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
  transfer_record: TransferRecordTable;
  correction_notice: CorrectionNoticeTable;
}
