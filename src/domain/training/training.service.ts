// Training: courses with validity periods, completions recorded by hand or imported from CSV, and
// the status the policy decision point uses. A person whose mandatory training has lapsed cannot
// reach personal data.
import { randomUUID } from 'node:crypto';
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { Db, Executor } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import { today } from '../context.ts';
import type { Actor, TrainingStatus } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import { completionsFromCsv } from './training.csv.ts';
import { addDays, completionRow, isDate, toCompletion, toCourse } from './training.model.ts';
import type {
  Completion,
  Course,
  TrainingCell,
  TrainingOverview,
  TrainingPeople,
} from './training.model.ts';
import type { CourseTable } from './training.table.ts';
import * as repo from './training.repository.ts';

// Callers import these from the service.
export { addDays } from './training.model.ts';
export type {
  Completion,
  Course,
  TrainingCell,
  TrainingOverview,
  TrainingPeople,
} from './training.model.ts';

export class TrainingService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly people: TrainingPeople,
  ) {}

  async seed(db: Db, orgId: string, by: string): Promise<void> {
    const at = this.ctx.clock().toISOString();
    const defaults: [string, string, number, boolean][] = [
      [
        'Data protection',
        'UK GDPR and the Data Protection Act 2018: lawful bases, rights, breaches.',
        365,
        true,
      ],
      [
        'Information security',
        'Handling, marking and protecting information; spotting phishing.',
        365,
        true,
      ],
      ['Caldicott principles', 'Using health and care information confidentially.', 1095, false],
    ];
    for (const [name, description, validity, mandatory] of defaults) {
      await repo.insertCourse(db, {
        course_id: randomUUID(),
        org_id: orgId,
        name,
        description,
        validity_days: validity,
        mandatory: mandatory ? 1 : 0,
        created_by: by,
        created_at: at,
      });
    }
  }

  /** What decide() needs: whether every mandatory course is current (no access check, no audit). */
  async status(ex: Executor, orgId: string, personId: string): Promise<TrainingStatus> {
    const day = today(this.ctx);
    const mandatory = (await repo.courses(ex, orgId)).filter((c) => c.mandatory === 1);
    const latest = await repo.latestExpiries(ex, orgId, personId);
    const lapsed: TrainingStatus['lapsed'] = [];
    const missing: string[] = [];
    for (const c of mandatory) {
      const expires = latest.get(c.course_id);
      if (!expires) missing.push(c.name);
      else if (expires <= day) lapsed.push({ course: c.name.toLowerCase(), expiredOn: expires });
    }
    lapsed.sort((a, b) => a.expiredOn.localeCompare(b.expiredOn));
    return {
      current: lapsed.length === 0 && missing.length === 0,
      lapsed,
      missing: missing.map((m) => m.toLowerCase()),
    };
  }

  /** Courses of an organisation, without an access check (set-up work that runs as the node). */
  async coursesOf(ex: Executor, orgId: string): Promise<Course[]> {
    return (await repo.courses(ex, orgId)).map(toCourse);
  }

  async courses(actor: Actor): Promise<Course[]> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('training.read', {
        orgId: actor.orgId,
        ref: 'courses',
        ownerPersonId: actor.personId,
      });
      return (await repo.courses(gate.tx, actor.orgId)).map(toCourse);
    });
  }

  async createCourse(
    actor: Actor,
    input: { name: string; description?: string; validityDays: number; mandatory: boolean },
  ): Promise<Course> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('training.manage', { orgId: actor.orgId, ref: 'courses' });
      const problems: Problem[] = [];
      if (!input.name?.trim()) problems.push({ field: 'name', message: 'Enter the course name' });
      if (
        !Number.isInteger(input.validityDays) ||
        input.validityDays < 1 ||
        input.validityDays > 3650
      )
        problems.push({
          field: 'validityDays',
          message: 'Validity must be a whole number of days from 1 to 3650',
        });
      assertNoProblems(problems);
      if (
        (await repo.courses(gate.tx, actor.orgId)).some(
          (c) => c.name.toLowerCase() === input.name.trim().toLowerCase(),
        )
      )
        throw new AccordError('CONFLICT', `There is already a course called ${input.name.trim()}.`);
      const row: CourseTable = {
        course_id: randomUUID(),
        org_id: actor.orgId,
        name: input.name.trim(),
        description: input.description?.trim() ?? '',
        validity_days: input.validityDays,
        mandatory: input.mandatory ? 1 : 0,
        created_by: actor.ref,
        created_at: this.ctx.clock().toISOString(),
      };
      await repo.insertCourse(gate.tx, row);
      gate.record('training.course.created', `course:${row.course_id}`, {
        name: row.name,
        validityDays: row.validity_days,
        mandatory: input.mandatory,
      });
      return toCourse(row);
    });
  }

  async record(
    actor: Actor,
    input: { personId: string; courseId: string; completedOn: string; evidence?: string | null },
    db: Db = this.ctx.store,
  ): Promise<Completion> {
    return withAccess(
      this.ctx,
      actor,
      async (gate) => {
        gate.require('training.manage', { orgId: actor.orgId, ref: `person:${input.personId}` });
        const problems: Problem[] = [];
        const course = input.courseId
          ? await repo.course(gate.tx, actor.orgId, input.courseId)
          : undefined;
        if (!course) problems.push({ field: 'courseId', message: 'Choose a course' });
        if (
          !input.personId ||
          !(await this.people.activePerson(gate.tx, actor.orgId, input.personId))
        )
          problems.push({ field: 'personId', message: 'Choose a person in your organisation' });
        if (!isDate(input.completedOn ?? ''))
          problems.push({
            field: 'completedOn',
            message: 'Enter the date the course was completed, like 2026-03-31',
          });
        else if (input.completedOn > today(this.ctx))
          problems.push({
            field: 'completedOn',
            message: 'The completion date cannot be in the future',
          });
        assertNoProblems(problems);
        const row = completionRow(
          actor,
          input.personId,
          course!,
          input.completedOn,
          'manual',
          input.evidence?.trim() || null,
          this.ctx.clock().toISOString(),
        );
        await repo.insertCompletions(gate.tx, [row]);
        gate.record('training.recorded', `person:${row.person_id}`, {
          course: course!.name,
          completedOn: row.completed_on,
          expiresOn: row.expires_on,
        });
        return toCompletion(row, course!.name, today(this.ctx));
      },
      db,
    );
  }

  /**
   * Imports completions from CSV with columns email, course, completed_on and optionally evidence.
   * Every row is checked first; one bad row imports nothing and is reported with its line.
   */
  async importCsv(actor: Actor, csv: string): Promise<{ imported: number }> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('training.manage', { orgId: actor.orgId, ref: 'training-import' });
      const out = await completionsFromCsv(this.ctx, gate, this.people, csv);
      await repo.insertCompletions(gate.tx, out);
      gate.record('training.imported', 'training-import', { rows: out.length });
      return { imported: out.length };
    });
  }

  /**
   * Everyone in the organisation against each mandatory course: current, expiring within 30
   * days, lapsed or never done. The compliance dashboard's training figure comes from here.
   */
  async overview(actor: Actor): Promise<TrainingOverview> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('training.read', { orgId: actor.orgId, ref: 'training' });
      const day = today(this.ctx);
      const soon = addDays(day, 30);
      const courses = (await repo.courses(gate.tx, actor.orgId)).filter((c) => c.mandatory === 1);
      const latest = new Map(
        (await repo.allLatestExpiries(gate.tx, actor.orgId)).map((r) => [
          `${r.person_id}/${r.course_id}`,
          r.expires_on,
        ]),
      );
      const people = await this.people.activePeople(gate.tx, actor.orgId);
      const rows = people.map((p) => {
        const cells = courses.map((c) => {
          const expiresOn = latest.get(`${p.id}/${c.course_id}`) ?? null;
          const state: TrainingCell['state'] = !expiresOn
            ? 'missing'
            : expiresOn <= day
              ? 'lapsed'
              : expiresOn <= soon
                ? 'expiring'
                : 'current';
          return { courseId: c.course_id, expiresOn, state };
        });
        return {
          personId: p.id,
          name: p.name,
          current: cells.every((c) => c.state === 'current' || c.state === 'expiring'),
          cells,
        };
      });
      return {
        courses: courses.map(toCourse),
        rows,
        currentShare: rows.length ? rows.filter((r) => r.current).length / rows.length : 1,
      };
    });
  }

  /** Completions, newest first; people may always see their own. */
  async completions(actor: Actor, personId?: string): Promise<Completion[]> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('training.read', {
        orgId: actor.orgId,
        ref: personId ? `person:${personId}` : 'training',
        ownerPersonId: personId ?? null,
      });
      const courses = new Map(
        (await repo.courses(gate.tx, actor.orgId)).map((c) => [c.course_id, c.name]),
      );
      return (await repo.completions(gate.tx, actor.orgId, personId)).map((r) =>
        toCompletion(r, courses.get(r.course_id) ?? '?', today(this.ctx)),
      );
    });
  }
}
