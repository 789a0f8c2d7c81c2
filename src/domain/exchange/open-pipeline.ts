// Opening a big transfer through a worker thread (open-worker.ts): this thread reads each sealed
// chunk and hands it over a few chunks ahead; the worker decrypts, checks and prepares it; this
// thread stores each prepared chunk as it comes back, in manifest order. The transaction, the
// store and the links stay here, so a failure anywhere still leaves nothing imported.
import type { KeyObject } from 'node:crypto';
import type { PreparedBatch } from '../records/record-prepare.ts';
import type { RecordWriter, Written } from '../records/record-writer.ts';
import { WorkerChannel, ownCopy } from '../records/worker-channel.ts';
import type { Failed } from '../records/worker-channel.ts';
import type { WorkerKind } from '../records/worker-spares.ts';
import type { ManifestChunk } from './envelope.ts';
import type { OpenWith } from './exchange-keys.ts';
import { NO_KID, chunkKid, openChunk } from './open-chunk.ts';
import type { ChunkRules } from './open-chunk.ts';
import type { OpenWorkerSetup } from './open-worker.ts';

export type ToOpenWorker =
  | {
      kind: 'chunk';
      index: number;
      count: number;
      digest: string;
      jwe: string;
      /** The last line before this chunk (problems are reported by line). */
      line: number;
      /** Private keys the worker has not been given yet (PKCS#8), by the `kid` chunks name. */
      keys: { kid: string; der: Uint8Array }[];
    }
  | { kind: 'end' };
export type ToOpenMain =
  { kind: 'ready' } | { kind: 'batch'; index: number; prepared: PreparedBatch } | Failed;

/**
 * How many chunks, at most, this thread opens itself while the worker starts: all it can in
 * service; tests set none (every chunk through the worker) or a few (to see the hand-over).
 */
export const openTuning = { inlineWhileStarting: Infinity };

/** Chunks handed to the worker and not yet stored: it opens the next while this one is stored. */
const AHEAD = 3;
export const OPEN_WORKER: WorkerKind = {
  entry: new URL('./open-worker.mjs', import.meta.url),
  // It holds a few chunks at a time (AHEAD, AHEAD_BYTES), however big the transfer; one chunk
  // may be 64 MiB of text (ACCORD_TRANSFER_CHUNK_BYTES), so the cap only stops a runaway.
  limits: { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 16 },
};

/** …and no more sealed text than this ahead (beyond the chunk awaited), if chunks are big. */
const AHEAD_BYTES = 32 << 20;

const der = (key: KeyObject): Buffer => ownCopy(key.export({ format: 'der', type: 'pkcs8' }));

/**
 * Opens `chunks` on a worker, storing each with `writer`; `stored` is told each chunk's records
 * as written, in order (to link and count them). `read` gives a chunk's sealed text. A worker
 * takes half a second or so to start: until it says it is ready, this thread opens the first
 * chunks itself, by the same `rules`.
 */
export async function openThroughWorker(
  setup: Omit<OpenWorkerSetup, 'keys'>,
  rules: ChunkRules,
  chunks: readonly ManifestChunk[],
  read: (index: number) => Promise<string>,
  openWith: OpenWith,
  writer: RecordWriter,
  stored: (written: Written[], c: ManifestChunk) => Promise<void>,
): Promise<void> {
  const keys = await writer.keys();
  let ready = false;
  const dataKey = ownCopy(keys.dataKey.key);
  const indexKey = ownCopy(keys.indexKey);
  const worker = new WorkerChannel<ToOpenWorker, ToOpenMain>(
    OPEN_WORKER,
    { ...setup, keys: { dataKey: { version: keys.dataKey.version, key: dataKey }, indexKey } },
    (m) => m.kind === 'ready' && (ready = true),
  );
  // The setup was cloned as it was posted: these copies are done with.
  dataKey.fill(0);
  indexKey.fill(0);
  const given = new Set<string>();
  // The last line before each chunk (problems are reported by line).
  const lines: number[] = [];
  let before = 0;
  for (const c of chunks) {
    lines.push(before);
    before += c.count;
  }
  let sent = 0;
  let ahead = 0;
  const sizes: number[] = [];
  const sendNext = async (): Promise<void> => {
    const at = sent++;
    const c = chunks[at]!;
    const jwe = await read(c.index);
    sizes[at] = jwe.length;
    ahead += jwe.length;
    const kid = chunkKid(jwe);
    const slot = kid ?? NO_KID;
    const handed: { kid: string; der: Uint8Array }[] = [];
    if (!given.has(slot)) {
      given.add(slot);
      // No key: the worker finds none either, and refuses the chunk as not made for us.
      const key = await openWith(kid);
      if (key) handed.push({ kid: slot, der: der(key) });
    }
    worker.send({
      kind: 'chunk',
      index: c.index,
      count: c.count,
      digest: c.digest,
      jwe,
      line: lines[at]!,
      keys: handed,
    });
    for (const k of handed) k.der.fill(0);
  };
  try {
    for (const [i, c] of chunks.entries()) {
      // Nothing handed over yet and the worker still starting: open this one here.
      if (sent === i && !ready && i < openTuning.inlineWhileStarting) {
        sent++;
        const jwe = await read(c.index);
        await stored(await writer.write(await openChunk(rules, openWith, c, jwe, lines[i]!)), c);
        continue;
      }
      while (sent === i || (sent < chunks.length && sent - i < AHEAD && ahead < AHEAD_BYTES))
        await sendNext();
      const m = await worker.next();
      // ('ready' never reaches here: it only sets the flag.)
      if (m.kind !== 'batch' || m.index !== c.index)
        throw new Error(`a message came back in place of chunk ${c.index + 1}`);
      await stored(await writer.store(m.prepared), c);
      ahead -= sizes[i]!;
    }
    worker.send({ kind: 'end' });
  } finally {
    await worker.close();
  }
}
