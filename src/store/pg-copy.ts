// Bulk loading on PostgreSQL with COPY … FROM STDIN (text format), on a transaction's own client.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export type CopyValue = string | number | Buffer | null;

/** One value in COPY's text format: backslash escapes, \N for null, bytea as hex. */
function encode(v: CopyValue): string {
  if (v === null) return '\\N';
  if (typeof v === 'number') return String(v);
  if (Buffer.isBuffer(v)) return `\\\\x${v.toString('hex')}`;
  return v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

export async function copyInto(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  rows: readonly CopyValue[][],
): Promise<void> {
  if (rows.length === 0) return;
  const sink = client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`));
  const body = `${rows.map((r) => r.map(encode).join('\t')).join('\n')}\n`;
  await pipeline(Readable.from([body]), sink);
}
