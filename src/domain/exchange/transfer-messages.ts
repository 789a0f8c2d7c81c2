// What travels between nodes for a transfer: the offer (the transfer as the sender holds it, with
// its signed manifest, and no records), then each sealed chunk as a message of its own, and the
// answers the recipient's node gives to both. Message bodies come from a partner: each is checked
// for shape here before anything reads it.
import { AccordError } from '../../errors.ts';
import type { TransferTable } from './exchange.table.ts';
import type { Step } from './transfer-states.ts';

const TEXT = [
  'transfer_id',
  'org_id',
  'recipient_org_id',
  'agreement_id',
  'version_id',
  'agreement_ref',
  'purpose',
  'record_type',
  'fields',
  'selection',
  'manifest',
  'created_by',
  'created_at',
] as const;
const COUNTS = ['record_count', 'chunk_count', 'byte_count'] as const;
const OPTIONAL = ['manifest_jws', 'ready_at'] as const;

/** The transfer as the sender holds it, without its per-node bookkeeping. */
export type TransferHeader = Pick<
  TransferTable,
  (typeof TEXT)[number] | (typeof COUNTS)[number] | (typeof OPTIONAL)[number]
>;

/** The first message: what the transfer is, and the signed manifest describing every chunk. */
export interface OfferMessage {
  transfer: TransferHeader;
}

/** One sealed chunk; the outbox keeps only its place and reads the chunk when it sends it. */
export interface ChunkMessage {
  transferId: string;
  index: number;
  jwe?: string;
}

/**
 * The recipient node's answer to an offer or a chunk: 'staged' (with the chunks it holds, on an
 * offer; how many, on a chunk), or the transfer's state once every chunk arrived.
 */
export interface Arrival {
  state: string;
  expiresAt?: string | null;
  have?: number[];
  held?: number;
}

export interface StateMessage {
  transferId: string;
  step: Step;
  reason: string | null;
}

/** Copies exactly the header's fields from a partner's message, refusing any of the wrong type. */
export function headerOf(raw: unknown): TransferHeader {
  const r = (raw ?? {}) as Record<string, unknown>;
  const ok =
    TEXT.every((k) => typeof r[k] === 'string') &&
    COUNTS.every((k) => Number.isSafeInteger(r[k]) && (r[k] as number) >= 0) &&
    OPTIONAL.every((k) => r[k] === null || typeof r[k] === 'string');
  if (!ok) throw new AccordError('VALIDATION_FAILED', 'The transfer offer is incomplete.');
  return Object.fromEntries(
    [...TEXT, ...COUNTS, ...OPTIONAL].map((k) => [k, r[k]]),
  ) as unknown as TransferHeader;
}
