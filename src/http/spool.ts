// A request body saved to a private file before any database work starts. An import or a transfer
// runs in one transaction, and on SQLite that holds the node's only write lock: streamed straight
// from the client, a slow or stalled upload would stop every other write on the node for as long
// as the client liked. Spooled first, the transaction lasts only as long as the work.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AccordError } from '../errors.ts';
import type { ImportFormat } from '../domain/records/import-rows.ts';

/** Lets a route take a CSV or JSON Lines body as a stream: never parsed or buffered by Fastify. */
export function acceptFileBodies(app: FastifyInstance): void {
  app.addContentTypeParser(
    ['application/x-ndjson', 'application/jsonl', 'text/csv'],
    (_req, payload, done) => done(null, payload),
  );
}

/** The file format a request's body declares, or an UNSUPPORTED_MEDIA_TYPE error. */
export function fileFormatOf(req: FastifyRequest): ImportFormat {
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('text/csv')) return 'csv';
  if (/ndjson|jsonl/.test(type)) return 'jsonl';
  throw new AccordError('UNSUPPORTED_MEDIA_TYPE', 'Send text/csv or application/x-ndjson.');
}

export interface Spooled {
  /** The body, read from the file (opened already, so removing the file cannot race it). */
  stream: Readable;
  /** Bytes received; past `maxBytes` the rest is not kept, and this is `maxBytes + 1`. */
  bytes: number;
}

/** Runs `fn` on the spooled body, then removes the file whatever happens. */
export async function withSpooledBody<T>(
  body: Readable,
  dir: string,
  maxBytes: number,
  fn: (s: Spooled) => Promise<T>,
): Promise<T> {
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${randomUUID()}.upload`);
  const fh = await fs.promises.open(file, 'wx+', 0o600);
  let stream: Readable | undefined;
  try {
    let bytes = 0;
    for await (const chunk of body.iterator({ destroyOnReturn: false }) as AsyncIterable<
      Buffer | string
    >) {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (bytes + b.length > maxBytes) {
        bytes = maxBytes + 1;
        body.resume(); // the rest is read and dropped, so the client still gets its answer
        break;
      }
      await fh.write(b);
      bytes += b.length;
    }
    stream = fh.createReadStream({ start: 0, highWaterMark: 1 << 20 });
    return await fn({ stream, bytes });
  } finally {
    if (stream) stream.destroy();
    else await fh.close();
    await fs.promises.rm(file, { force: true });
  }
}
