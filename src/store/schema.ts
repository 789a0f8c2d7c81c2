// The database as Kysely sees it: every module's table types, gathered in one interface.
// Conventions on both dialects: ids are text (UUIDs), times are ISO-8601 UTC strings (timestamptz
// on PostgreSQL, parsed back to strings), flags are integers 0/1, JSON is text, bytes are Buffers.
import type { AuditTables } from '../domain/audit/audit.table.ts';
import type { NodeTables } from '../domain/node/node.table.ts';

export interface DB extends AuditTables, NodeTables {}
