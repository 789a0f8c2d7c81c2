// The rows of a CSV or JSON Lines file, each checked against a record type, as a stream: good
// rows are yielded with their identifiers; bad ones are counted and described in a report (the
// first MAX_PROBLEMS_KEPT in full). Imports and transfers from an uploaded file read files
// through this one reader, so a file is judged the same way wherever it goes.
import type { Readable } from 'node:stream';
import type { ValidateFunction } from 'ajv';
import { AccordError } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { Extracted } from './identifiers.ts';
import { HeaderError, readRows } from './import-rows.ts';
import type { ImportFormat } from './import-rows.ts';
import type { RecordType } from './record-types.service.ts';
import { checkPayload } from './validate-record.ts';

export const MAX_PROBLEMS_KEPT = 1000;

export interface RowReport {
  rowsRead: number;
  rowsFailed: number;
  /** The first MAX_PROBLEMS_KEPT problems, each with its line. */
  problems: Problem[];
}

export interface GoodRow {
  line: number;
  value: Record<string, unknown>;
  ids: Extracted[];
}

export const emptyReport = (): RowReport => ({ rowsRead: 0, rowsFailed: 0, problems: [] });

/**
 * Good rows of the file, in order; `report` fills in as it is read. A CSV header naming columns
 * the type does not have is VALIDATION_FAILED at once (no row could be read right).
 */
export async function* validatedRows(
  type: RecordType,
  validate: ValidateFunction,
  format: ImportFormat,
  stream: Readable,
  report: RowReport,
  /** What would have happened to a good file, for the messages: "imported", "sent". */
  done: string,
): AsyncGenerator<GoodRow> {
  const keep = (p: Problem): void => {
    if (report.problems.length < MAX_PROBLEMS_KEPT) report.problems.push(p);
  };
  try {
    for await (const row of readRows(format, stream, type.fields)) {
      report.rowsRead++;
      if (row.error) {
        report.rowsFailed++;
        keep({ line: row.line, field: 'line', message: `Line ${row.line} ${row.error}` });
        continue;
      }
      const c = checkPayload(type, validate, row.value);
      if (c.problems.length) {
        report.rowsFailed++;
        for (const p of c.problems) keep({ ...p, line: row.line });
        continue;
      }
      yield { line: row.line, value: row.value!, ids: c.ids };
    }
  } catch (e) {
    if (e instanceof HeaderError)
      throw new AccordError(
        'VALIDATION_FAILED',
        `The file’s header is not right: nothing was ${done}.`,
        e.unknown.map((c) => ({
          line: 1,
          field: c,
          message: `Unknown column “${c}”: ${type.key} has ${type.fields.map((f) => f.name).join(', ')}`,
        })),
      );
    throw e;
  }
}

/** "2 rows of 10 have problems: nothing was <done>." */
export function failedRowsMessage(report: RowReport, done: string): string {
  const n = report.rowsFailed;
  return `${n} row${n === 1 ? '' : 's'} of ${report.rowsRead} ${n === 1 ? 'has' : 'have'} problems: nothing was ${done}.`;
}
