// SQL for courses and completions.
import type { Executor } from '../../store/store.ts';
import type { CourseTable, TrainingCompletionTable } from './training.table.ts';

export async function courses(ex: Executor, orgId: string): Promise<CourseTable[]> {
  return ex.db
    .selectFrom('course')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('name')
    .execute();
}

export async function course(
  ex: Executor,
  orgId: string,
  courseId: string,
): Promise<CourseTable | undefined> {
  return ex.db
    .selectFrom('course')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('course_id', '=', courseId)
    .executeTakeFirst();
}

export async function insertCourse(ex: Executor, c: CourseTable): Promise<void> {
  await ex.db.insertInto('course').values(c).execute();
}

export async function insertCompletions(
  ex: Executor,
  rows: TrainingCompletionTable[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 500)
    await ex.db
      .insertInto('training_completion')
      .values(rows.slice(i, i + 500))
      .execute();
}

/** For each course, the latest expiry among the person's completions. */
export async function latestExpiries(
  ex: Executor,
  orgId: string,
  personId: string,
): Promise<Map<string, string>> {
  const rows = await ex.db
    .selectFrom('training_completion')
    .select(['course_id', (eb) => eb.fn.max('expires_on').as('expires_on')])
    .where('org_id', '=', orgId)
    .where('person_id', '=', personId)
    .groupBy('course_id')
    .execute();
  return new Map(rows.map((r) => [r.course_id, r.expires_on]));
}

/** Latest expiry per (person, course) across the organisation. */
export async function allLatestExpiries(
  ex: Executor,
  orgId: string,
): Promise<{ person_id: string; course_id: string; expires_on: string }[]> {
  return ex.db
    .selectFrom('training_completion')
    .select(['person_id', 'course_id', (eb) => eb.fn.max('expires_on').as('expires_on')])
    .where('org_id', '=', orgId)
    .groupBy(['person_id', 'course_id'])
    .execute();
}

export async function completions(
  ex: Executor,
  orgId: string,
  personId?: string,
): Promise<TrainingCompletionTable[]> {
  let q = ex.db.selectFrom('training_completion').selectAll().where('org_id', '=', orgId);
  if (personId) q = q.where('person_id', '=', personId);
  return q.orderBy('completed_on', 'desc').limit(1000).execute();
}
