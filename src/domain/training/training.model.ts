// What training hands out (courses, completions, the overview) and the row mapping and date
// helpers its reads, writes and CSV import share.
import { randomUUID } from 'node:crypto';
import type { Executor } from '../../store/store.ts';
import type { Actor } from '../policy/actor.ts';
import type { CourseTable, TrainingCompletionTable } from './training.table.ts';

export interface Course {
  id: string;
  name: string;
  description: string;
  validityDays: number;
  mandatory: boolean;
}

export interface Completion {
  id: string;
  personId: string;
  courseId: string;
  courseName: string;
  completedOn: string;
  expiresOn: string;
  current: boolean;
  source: string;
  evidence: string | null;
  recordedBy: string;
}

/** Finds people for training records (the people module answers). */
export interface TrainingPeople {
  idByEmail(ex: Executor, orgId: string, email: string): Promise<string | undefined>;
  activePerson(ex: Executor, orgId: string, personId: string): Promise<boolean>;
  activePeople(ex: Executor, orgId: string): Promise<{ id: string; name: string }[]>;
}

export interface TrainingCell {
  courseId: string;
  expiresOn: string | null;
  state: 'current' | 'expiring' | 'lapsed' | 'missing';
}

export interface TrainingOverview {
  courses: Course[];
  rows: { personId: string; name: string; current: boolean; cells: TrainingCell[] }[];
  /** Share of active people whose mandatory training is all current. */
  currentShare: number;
}

export const toCourse = (c: CourseTable): Course => ({
  id: c.course_id,
  name: c.name,
  description: c.description,
  validityDays: c.validity_days,
  mandatory: c.mandatory === 1,
});

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export const isDate = (s: string): boolean =>
  /^\d{4}-\d{2}-\d{2}$/.test(s) &&
  !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
  new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

/** A completion row; it expires the course's validity period after the day it was done. */
export function completionRow(
  actor: Actor,
  personId: string,
  course: CourseTable,
  completedOn: string,
  source: string,
  evidence: string | null,
  recordedAt: string,
): TrainingCompletionTable {
  return {
    completion_id: randomUUID(),
    org_id: actor.orgId,
    person_id: personId,
    course_id: course.course_id,
    completed_on: completedOn,
    expires_on: addDays(completedOn, course.validity_days),
    source,
    evidence,
    recorded_by: actor.ref,
    recorded_at: recordedAt,
  };
}

/** `day` is today: a completion is current while it expires after today. */
export function toCompletion(
  r: TrainingCompletionTable,
  courseName: string,
  day: string,
): Completion {
  return {
    id: r.completion_id,
    personId: r.person_id,
    courseId: r.course_id,
    courseName,
    completedOn: r.completed_on,
    expiresOn: r.expires_on,
    current: r.expires_on > day,
    source: r.source,
    evidence: r.evidence,
    recordedBy: r.recorded_by,
  };
}
