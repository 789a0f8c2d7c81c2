// Cutting a transfer's projected records into sealed chunks: at most `records` records and about
// `bytes` bytes of canonical JSON each (a record that would take a chunk past its size starts the
// next one), each encrypted to the recipient and described by the SHA-256 over its records'
// digests. Pure, so the same cutting runs in line for a small transfer and on a worker thread
// for a big one.
import { chunkDigest, digestTexts, encryptLines, encryptList } from './envelope.ts';
import type { SealTo } from './exchange-keys.ts';

export interface ChunkLimits {
  records: number;
  bytes: number;
}

/** How a chunk's records are sealed: a canonical text per line, or one JSON list (older nodes). */
export type ChunkFormat = 'lines' | 'list';

export interface SealedChunk {
  index: number;
  count: number;
  /** SHA-256 over the chunk's record digests (what the manifest lists). */
  digest: string;
  jwe: string;
}

export class Chunker {
  // Each pending record's canonical text: sealed one per line, and hashed.
  private texts: string[] = [];
  private bytes = 0;
  private index = 0;

  constructor(
    private readonly recipient: SealTo,
    private readonly transferId: string,
    private readonly limits: ChunkLimits,
    private readonly sealed: (c: SealedChunk) => Promise<void>,
    private readonly format: ChunkFormat = 'lines',
  ) {}

  /** Adds a projected record, written as canonical JSON (projection.ts `projection`). */
  async add(text: string): Promise<void> {
    if (this.texts.length && this.bytes + text.length > this.limits.bytes) await this.flush();
    this.texts.push(text);
    this.bytes += text.length;
    if (this.texts.length >= this.limits.records) await this.flush();
  }

  /** Seals what is pending (the last chunk, at the end). */
  async flush(): Promise<void> {
    if (!this.texts.length) return;
    const index = this.index++;
    const encrypt = this.format === 'lines' ? encryptLines : encryptList;
    const jwe = await encrypt(this.recipient, this.transferId, index, this.texts);
    const c = {
      index,
      count: this.texts.length,
      digest: chunkDigest(digestTexts(this.texts)),
      jwe,
    };
    this.texts = [];
    this.bytes = 0;
    await this.sealed(c);
  }
}
