// CSV files for imports: a header row naming known columns (an unknown or missing column refuses
// the whole file), then rows each reported by the line they are on.
import { parse } from 'csv-parse/sync';
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';

export interface CsvRow {
  line: number;
  get(column: string): string;
  has(column: string): boolean;
}

export function readCsv(
  text: string,
  known: readonly string[],
  required: readonly string[],
): CsvRow[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), {
      skip_empty_lines: true,
      trim: true,
      info: true,
      relax_column_count: false,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    throw new AccordError(
      'VALIDATION_FAILED',
      `The file is not valid CSV: ${(e as Error).message}`,
    );
  }
  const [header, ...rows] = records;
  const cols = (header?.record ?? []).map((h) => h.trim().toLowerCase().replace(/\s+/g, '_'));
  const problems: Problem[] = [];
  for (const c of cols)
    if (!known.includes(c))
      problems.push({
        line: 1,
        field: c,
        message: `Unknown column “${c}”: the columns are ${known.join(', ')}`,
      });
  for (const c of required)
    if (!cols.includes(c)) problems.push({ line: 1, field: c, message: `Missing column “${c}”` });
  const dup = cols.find((c, i) => cols.indexOf(c) !== i);
  if (dup) problems.push({ line: 1, field: dup, message: `The column “${dup}” appears twice` });
  assertNoProblems(problems, 'The file’s header is not right: nothing was imported.');
  if (rows.length === 0)
    throw new AccordError('VALIDATION_FAILED', 'The file has no rows to import.');
  return rows.map(({ record, info }) => ({
    line: info.lines,
    get: (c: string) => {
      const i = cols.indexOf(c);
      return i < 0 ? '' : (record[i] ?? '');
    },
    has: (c: string) => cols.includes(c),
  }));
}

/** Refuses the whole file when any row has a problem. */
export function assertNoRowProblems(problems: Problem[]): void {
  if (problems.length)
    throw new AccordError(
      'VALIDATION_FAILED',
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in the file: nothing was imported.`,
      problems.slice(0, 1000),
    );
}
