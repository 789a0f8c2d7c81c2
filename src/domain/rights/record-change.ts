// What the rights module tells others when it changes records for a subject: the corrections
// module listens, to send each partner that received a changed record a correction notice
// (UK GDPR Art. 19). Listeners run inside the change's transaction and decision.
import type { Gate } from '../policy/gate.ts';

export type RecordChange =
  | {
      kind: 'rectify';
      requestId: string;
      recordId: string;
      /** The fields corrected. */
      fields: string[];
      /** The whole corrected record (listeners project it onto what each partner agreed). */
      payload: Record<string, unknown>;
      reason: string;
    }
  | {
      kind: 'erase' | 'restrict' | 'unrestrict';
      requestId: string;
      recordIds: string[];
      reason: string;
    };

/** Returns, in words, whom it told (for the request's timeline); empty when nobody. */
export type RecordChangeListener = (gate: Gate, change: RecordChange) => Promise<string[]>;
