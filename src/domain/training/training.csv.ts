// Reading a CSV of training completions: the header, then every row checked against the
// organisation's people and courses before anything is imported.
import { parse } from 'csv-parse/sync';
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { DomainContext } from '../context.ts';
import { today } from '../context.ts';
import type { Gate } from '../policy/gate.ts';
import { completionRow, isDate } from './training.model.ts';
import type { TrainingPeople } from './training.model.ts';
import type { TrainingCompletionTable } from './training.table.ts';
import * as repo from './training.repository.ts';

/**
 * The completion rows of a CSV with columns email, course, completed_on and optionally evidence.
 * Every row is checked first; one bad row imports nothing and is reported with its line.
 */
export async function completionsFromCsv(
  ctx: DomainContext,
  gate: Gate,
  people: TrainingPeople,
  csv: string,
): Promise<TrainingCompletionTable[]> {
  const actor = gate.actor;
  let records: string[][];
  try {
    const rows: unknown = parse(csv, {
      skip_empty_lines: true,
      trim: true,
      relax_column_count: false,
    });
    records = rows as string[][];
  } catch (e) {
    throw new AccordError(
      'VALIDATION_FAILED',
      `The file is not valid CSV: ${(e as Error).message}`,
    );
  }
  const [header, ...rows] = records;
  const expected = ['email', 'course', 'completed_on', 'evidence'];
  const cols = (header ?? []).map((h) => h.toLowerCase());
  const problems: Problem[] = [];
  for (const c of cols)
    if (!expected.includes(c))
      problems.push({
        line: 1,
        field: c,
        message: `Unknown column “${c}”: expected ${expected.join(', ')}`,
      });
  for (const c of expected.slice(0, 3))
    if (!cols.includes(c)) problems.push({ line: 1, field: c, message: `Missing column “${c}”` });
  assertNoProblems(problems, 'The file’s header is not right: nothing was imported.');
  const courses = new Map(
    (await repo.courses(gate.tx, actor.orgId)).map((c) => [c.name.toLowerCase(), c]),
  );
  const out: TrainingCompletionTable[] = [];
  const day = today(ctx);
  for (const [i, r] of rows.entries()) {
    const line = i + 2;
    const get = (c: string): string => r[cols.indexOf(c)] ?? '';
    const personId = await people.idByEmail(gate.tx, actor.orgId, get('email').toLowerCase());
    const course = courses.get(get('course').toLowerCase());
    const on = get('completed_on');
    if (!personId)
      problems.push({
        line,
        field: 'email',
        message: `No one in your organisation has the email address “${get('email')}”`,
      });
    if (!course)
      problems.push({
        line,
        field: 'course',
        message: `There is no course called “${get('course')}”`,
      });
    if (!isDate(on))
      problems.push({
        line,
        field: 'completed_on',
        message: `“${on}” is not a date like 2026-03-31`,
      });
    else if (on > day)
      problems.push({
        line,
        field: 'completed_on',
        message: 'The completion date is in the future',
      });
    if (personId && course && isDate(on) && on <= day)
      out.push(
        completionRow(
          actor,
          personId,
          course,
          on,
          'import',
          get('evidence') || null,
          ctx.clock().toISOString(),
        ),
      );
  }
  if (problems.length)
    throw new AccordError(
      'VALIDATION_FAILED',
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in the file: nothing was imported.`,
      problems.slice(0, 1000),
    );
  if (out.length === 0)
    throw new AccordError('VALIDATION_FAILED', 'The file has no rows to import.');
  return out;
}
