// Reads an import file as a stream of rows with their line numbers: JSON Lines (one object per
// line) or CSV (a header row; values converted by the record type's field types). Memory stays
// flat whatever the file's size.
import readline from 'node:readline';
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

async function* jsonLines(stream: Readable): AsyncGenerator<Row> {
  let line = 0;
  for await (const text of readline.createInterface({ input: stream, crlfDelay: Infinity })) {
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
