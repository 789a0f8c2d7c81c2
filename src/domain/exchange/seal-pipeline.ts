// Sealing a big transfer through a worker thread (seal-worker.ts): this thread reads the sender's
// records a page at a time, still sealed, and hands each page over a few pages ahead; the worker
// opens, filters, projects and encrypts them into chunks. This thread counts and links each page
// the worker reports and stores each chunk it posts, in order, in the one transaction, so a
// refusal or a failure still leaves nothing but the audit entry.
import type { Failed } from '../records/worker-channel.ts';
import type { WorkerKind } from '../records/worker-spares.ts';
import { WorkerChannel, ownCopy } from '../records/worker-channel.ts';
import type { SealedChunk } from './chunker.ts';
import type { HexPage } from './record-source.ts';
import type { SealWorkerSetup } from './seal-worker.ts';

/** A page of sealed rows packed for the worker, with any data keys it has not been given yet. */
export interface SealPage {
  kind: 'page';
  recordIds: string[];
  versions: number[];
  keyVersions: number[];
  /** The sealed payloads end to end: row i is bytes [ends[i-1] ?? 0, ends[i]). */
  sealed: Uint8Array;
  ends: Uint32Array;
  keys: { version: number; key: Uint8Array }[];
}
export type ToSealWorker = SealPage | { kind: 'end' };
export type ToSealMain =
  { kind: 'page'; kept: string[] } | ({ kind: 'chunk' } & SealedChunk) | { kind: 'done' } | Failed;

export const SEAL_WORKER: WorkerKind = {
  entry: new URL('./seal-worker.mjs', import.meta.url),
  // It holds a few pages and one chunk at a time; the cap only stops a runaway.
  limits: { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 16 },
};

/** An asset at least this big is sealed on a worker (a worker takes a moment to start). */
export const SEAL_IN_WORKER_FROM = 10_000;
/**
 * Pages handed over and not yet reported back: enough sealed text to keep this thread reading
 * (and linking) while the worker starts, which takes half a second or so.
 */
const AHEAD_PAGES = 256;
const AHEAD_BYTES = 32 << 20;

export interface SealSteps {
  /** The records a page kept, in order: count them, link them. */
  page(recordIds: string[]): Promise<void>;
  /** A sealed chunk: store it. */
  chunk(c: SealedChunk): Promise<void>;
}

function pack(p: HexPage, keys: SealPage['keys']): SealPage {
  const ends = new Uint32Array(p.payloads.length);
  let end = 0;
  p.payloads.forEach((hex, i) => (ends[i] = end += hex.length >> 1));
  // Each row's hex decoded straight into its place: no Buffer per row.
  const sealed = Buffer.allocUnsafeSlow(end);
  p.payloads.forEach((hex, i) => sealed.write(hex, i ? ends[i - 1]! : 0, 'hex'));
  return {
    kind: 'page',
    recordIds: p.recordIds,
    versions: p.versions,
    keyVersions: p.keyVersions,
    sealed,
    ends,
    keys,
  };
}

/**
 * Seals `pages` (restricted records already left out) on a worker; `dataKey` gives the sender's
 * data key of a version. Resolves once the last chunk is stored.
 */
export async function sealThroughWorker(
  setup: SealWorkerSetup,
  pages: AsyncIterable<HexPage>,
  dataKey: (version: number) => Promise<Buffer>,
  steps: SealSteps,
): Promise<void> {
  const worker = new WorkerChannel<ToSealWorker, ToSealMain>(SEAL_WORKER, setup);
  const given = new Set<number>();
  const source = pages[Symbol.asyncIterator]();
  // Without a filter every row read is kept: pages are counted and linked as they are read, not
  // when the worker reports them (it still reports each, and must agree).
  const eager = setup.where.length === 0;
  const inFlight: { bytes: number; rows: number }[] = [];
  let bytes = 0;
  let ended = false;
  try {
    for (;;) {
      while (
        !ended &&
        (inFlight.length === 0 || (inFlight.length < AHEAD_PAGES && bytes < AHEAD_BYTES))
      ) {
        const next = await source.next();
        if (next.done) {
          ended = true;
          worker.send({ kind: 'end' });
          break;
        }
        const keys: SealPage['keys'] = [];
        for (const v of new Set(next.value.keyVersions))
          if (!given.has(v)) {
            given.add(v);
            keys.push({ version: v, key: ownCopy(await dataKey(v)) });
          }
        const page = pack(next.value, keys);
        if (eager) await steps.page(page.recordIds);
        inFlight.push({ bytes: page.sealed.byteLength, rows: page.recordIds.length });
        bytes += page.sealed.byteLength;
        worker.send(page, [page.sealed.buffer as ArrayBuffer, page.ends.buffer as ArrayBuffer]);
        // Cloned into the message: this thread's copies are done with.
        for (const k of keys) k.key.fill(0);
      }
      const m = await worker.next();
      if (m.kind === 'done') return;
      if (m.kind === 'page') {
        const sent = inFlight.shift()!;
        bytes -= sent.bytes;
        if (!eager) await steps.page(m.kept);
        else if (m.kept.length !== sent.rows)
          throw new Error(`the worker kept ${m.kept.length} of ${sent.rows} rows with no filter`);
      } else await steps.chunk(m);
    }
  } finally {
    await worker.close();
  }
}
