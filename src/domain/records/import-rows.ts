// Reads an import file as a stream of rows with their line numbers: JSON Lines (one object per
// line) or CSV (a header row; values converted by the record type's field types). Memory stays
// flat whatever the file's size.
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { FieldInfo } from './annotations.ts';

export type ImportFormat = 'csv' | 'jsonl';

export interface Row {
  line: number;
  value?: Record<string, unknown>;
  /** Why the line could not be read at all. */
  error?: string;
}

export function formatOf(fileName: string, contentType?: string): ImportFormat | undefined {
  if (/\.csv$/i.test(fileName) || contentType?.startsWith('text/csv')) return 'csv';
  if (/\.(jsonl|ndjson)$/i.test(fileName) || /ndjson|jsonl/.test(contentType ?? '')) return 'jsonl';
  return undefined;
}

const LINE_END = /\r\n|\n|\r/;

/**
 * The lines of a stream, as readline gives them (LF, CRLF or a lone CR ends a line; a last line
 * without an end counts) but cut from whole chunks, a chunk's lines at a time: each chunk is
 * decoded once up to its last line end, and a character or CRLF split between chunks waits in
 * the carried-over bytes.
 */
export async function* lineBatches(stream: Readable): AsyncGenerator<string[]> {
  let carry: Buffer | undefined;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const buf = carry ? Buffer.concat([carry, bytes]) : bytes;
    // A CR as the very last byte may be half of a CRLF: it waits for the next chunk.
    // (lastIndexOf counts a negative offset from the end, hence the length check.)
    const cr = buf.length > 1 ? buf.lastIndexOf(13, buf.length - 2) : -1;
    const cut = Math.max(buf.lastIndexOf(10), cr);
    if (cut === -1) {
      carry = buf;
      continue;
    }
    carry = cut + 1 < buf.length ? buf.subarray(cut + 1) : undefined;
    const found = buf.toString('utf8', 0, cut + 1).split(LINE_END);
    found.pop(); // the empty string after the last line end
    yield found;
  }
  if (!carry?.length) return;
  const rest = carry.toString('utf8').split(LINE_END);
  if (rest[rest.length - 1] === '') rest.pop(); // it ended with a lone CR
  yield rest;
}

async function* jsonLines(stream: Readable): AsyncGenerator<Row> {
  let line = 0;
  for await (const batch of lineBatches(stream)) {
    for (const text of batch) {
      line++;
      if (!text.trim()) continue;
      try {
        const value: unknown = JSON.parse(text);
        if (value === null || typeof value !== 'object' || Array.isArray(value))
          yield { line, error: 'is not a JSON object' };
        else yield { line, value: value as Record<string, unknown> };
      } catch (e) {
        yield { line, error: `is not valid JSON (${(e as Error).message})` };
      }
    }
  }
}

function convert(f: FieldInfo | undefined, raw: string): unknown {
  if (!f) return raw;
  if (f.type === 'number' || f.type === 'integer')
    return raw.trim() === '' ? undefined : Number(raw);
  if (f.type === 'boolean')
    return /^(true|yes|y|1)$/i.test(raw.trim())
      ? true
      : /^(false|no|n|0)$/i.test(raw.trim())
        ? false
        : raw;
  if (f.type === 'array')
    return raw
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean);
  return raw;
}

/** Thrown for a CSV header naming columns the record type does not have. */
export class HeaderError extends Error {
  constructor(readonly unknown: string[]) {
    super(`unknown columns: ${unknown.join(', ')}`);
  }
}

async function* csvRows(stream: Readable, fields: readonly FieldInfo[]): AsyncGenerator<Row> {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const parser = stream.pipe(
    parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true }),
  );
  let header: string[] | undefined;
  for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    if (!header) {
      header = rec.record.map((h) => h.trim());
      const unknown = header.filter((h) => !byName.has(h));
      if (unknown.length) throw new HeaderError(unknown);
      continue;
    }
    if (rec.record.length !== header.length) {
      yield {
        line: rec.info.lines,
        error: `has ${rec.record.length} values but the header has ${header.length} columns`,
      };
      continue;
    }
    const value: Record<string, unknown> = {};
    header.forEach((h, i) => {
      const raw = rec.record[i] ?? '';
      if (raw === '') return;
      const v = convert(byName.get(h), raw);
      if (v !== undefined) value[h] = v;
    });
    yield { line: rec.info.lines, value };
  }
}

export function readRows(
  format: ImportFormat,
  stream: Readable,
  fields: readonly FieldInfo[],
): AsyncGenerator<Row> {
  return format === 'csv' ? csvRows(stream, fields) : jsonLines(stream);
}
