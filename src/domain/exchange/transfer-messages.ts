// What travels between nodes for a transfer: the offer (the transfer as the sender holds it, with
// its signed manifest, and no records), then each sealed chunk as a message of its own, and the
// answers the recipient's node gives to both. Message bodies come from a partner: each is checked
// here (its shape, an offer against the sending node's signature and the agreement as this node
// holds it) before anything reads it.
import { AccordError } from '../../errors.ts';
import type { Tx } from '../../store/store.ts';
import { decideShare } from '../agreements/decide-share.ts';
import { nodeActor } from '../policy/actor.ts';
import { verifyJws } from './envelope.ts';
import type { Manifest } from './envelope.ts';
import { onlyAgreement, shareError } from './exchange.deps.ts';
import type { ExchangeDeps } from './exchange.deps.ts';
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
  /** When the step was taken (a message can arrive late); absent from older nodes. */
  at?: string;
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

/** Checks an offer against the sending node's signature, so a forged one is never staged. */
export async function verifiedManifest(
  d: ExchangeDeps,
  tx: Tx,
  t: TransferHeader,
): Promise<Manifest> {
  if (
    (await d.federation.nodeOf(tx, t.recipient_org_id)) !== undefined ||
    !(await d.orgName(tx, t.recipient_org_id))
  )
    throw new AccordError('NOT_FOUND', 'The recipient organisation is not on this node.');
  const key = await d.federation.signingKeyFor(tx, t.org_id);
  const manifest = await verifyJws<Manifest>(key!, t.manifest_jws ?? '');
  const sealedOk =
    Array.isArray(manifest.chunks) &&
    manifest.chunks.length > 0 &&
    manifest.chunks.every((c, i) => c.index === i && typeof c.sealed === 'string');
  if (
    !sealedOk ||
    manifest.transferId !== t.transfer_id ||
    manifest.senderOrgId !== t.org_id ||
    manifest.recipientOrgId !== t.recipient_org_id ||
    manifest.chunks.length !== t.chunk_count ||
    manifest.recordCount !== t.record_count ||
    manifest.recordType !== t.record_type ||
    manifest.purpose !== t.purpose ||
    manifest.agreement?.agreementId !== t.agreement_id ||
    manifest.agreement?.versionId !== t.version_id ||
    !Array.isArray(manifest.fields) ||
    JSON.stringify([...manifest.fields].sort()) !== JSON.stringify(listOf(t.fields)?.sort())
  )
    throw new AccordError(
      'TRANSFER_TAMPERED',
      'The signed manifest does not describe this transfer.',
    );
  return manifest;
}

/** A JSON list from a partner's text, or undefined when it is not one. */
function listOf(text: string): unknown[] | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why the agreement, as this node holds it, does not allow an offered transfer now (a record type
 * or field it does not cover, a suspended or ended agreement), if it does not.
 */
export async function notAgreed(
  d: ExchangeDeps,
  tx: Tx,
  t: TransferHeader,
  manifest: Manifest,
): Promise<AccordError | undefined> {
  const decision = decideShare(onlyAgreement(await d.sharing.index(tx), t.agreement_id), {
    actor: nodeActor(t.recipient_org_id),
    operation: 'transfer',
    providerOrgId: t.org_id,
    recordType: t.record_type,
    purpose: t.purpose,
    fields: manifest.fields,
    now: d.ctx.clock().getTime(),
  });
  return decision.allow ? undefined : shareError(decision);
}
