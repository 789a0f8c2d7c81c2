// Column types that differ between the dialects, for migrations.
import type { ColumnDataType, Expression } from 'kysely';
import { sql } from 'kysely';
import type { DialectName } from './store.ts';

type ColumnType = ColumnDataType | Expression<unknown>;

export interface Columns {
  /** A point in time, stored as ISO-8601 text on SQLite and timestamptz on PostgreSQL. */
  time: ColumnType;
  /** Raw bytes. */
  bytes: ColumnType;
  /** A 64-bit integer (sequence numbers, counts). */
  bigint: ColumnType;
  /** JSON text. */
  json: ColumnType;
  /** A 0/1 flag. */
  flag: ColumnType;
}

export function columns(dialect: DialectName): Columns {
  return dialect === 'sqlite'
    ? { time: 'text', bytes: 'blob', bigint: 'integer', json: 'text', flag: 'integer' }
    : { time: 'timestamptz', bytes: 'bytea', bigint: 'bigint', json: 'text', flag: sql`smallint` };
}
