// Training: who is current on each mandatory course, recording completions (one at a time or a
// CSV file), and courses.
import type { FastifyPluginAsync } from 'fastify';
import multipart from '@fastify/multipart';
import type { Services } from '../../services.ts';
import type { Actor } from '../../domain/policy/actor.ts';
import { AccordError } from '../../errors.ts';
import { dateField, field, may, submitForm } from '../pages.ts';

export function trainingPages(services: Services): FastifyPluginAsync {
  return async (app) => {
    await app.register(multipart, { limits: { fileSize: 5_000_000, files: 1 } });

    app.get(
      '/training',
      { config: { page: 'training.read' }, schema: { hide: true } },
      async (req, reply) => {
        const actor = req.actor!;
        const governance = may(actor, 'training.read');
        return reply.page('training/overview.njk', {
          pageTitle: 'Training',
          overview: governance ? await services.training.overview(actor) : null,
          mine: await services.training.completions(actor, actor.personId ?? undefined),
          canManage: may(actor, 'training.manage'),
        });
      },
    );

    const recordForm = async (actor: Actor) => ({
      pageTitle: 'Record training',
      backLink: '/training',
      people: (await services.people.list(actor))
        .filter((p) => p.status === 'active')
        .map((p) => [p.id, p.name]),
      courses: (await services.training.courses(actor)).map((c) => [c.id, c.name]),
    });

    app.get(
      '/training/record',
      { config: { page: 'training.manage' }, schema: { hide: true } },
      async (req, reply) => reply.page('training/record.njk', await recordForm(req.actor!)),
    );

    app.post(
      '/training/record',
      { config: { page: 'training.manage' }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(reply, 'training/record.njk', await recordForm(req.actor!), async () => {
          const on = dateField(req.body, 'completedOn');
          await services.training.record(req.actor!, {
            personId: field(req.body, 'personId'),
            courseId: field(req.body, 'courseId'),
            completedOn: on,
            evidence: field(req.body, 'evidence'),
          });
          return reply.redirect('/training', 303);
        }),
    );

    const importForm = { pageTitle: 'Import training records', backLink: '/training' };
    app.get(
      '/training/import',
      { config: { page: 'training.manage' }, schema: { hide: true } },
      async (_req, reply) => reply.page('training/import.njk', importForm),
    );

    // The file arrives as multipart/form-data; its CSRF token comes in the form's address.
    app.post(
      '/training/import',
      { config: { page: 'training.manage' }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(reply, 'training/import.njk', importForm, async () => {
          const file = req.isMultipart() ? await req.file() : undefined;
          const text = file ? (await file.toBuffer()).toString('utf8') : '';
          if (!text.trim())
            throw new AccordError('VALIDATION_FAILED', 'Choose a CSV file.', [
              { field: 'file', message: 'Choose a CSV file to import' },
            ]);
          const { imported } = await services.training.importCsv(req.actor!, text);
          return reply.page('training/imported.njk', {
            pageTitle: 'Training records imported',
            imported,
          });
        }),
    );

    const courseForm = { pageTitle: 'Add a course', backLink: '/training' };
    app.get(
      '/training/courses/new',
      { config: { page: 'training.manage' }, schema: { hide: true } },
      async (_req, reply) => reply.page('training/course.njk', courseForm),
    );
    app.post(
      '/training/courses/new',
      { config: { page: 'training.manage' }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(reply, 'training/course.njk', courseForm, async () => {
          await services.training.createCourse(req.actor!, {
            name: field(req.body, 'name'),
            description: field(req.body, 'description'),
            validityDays: Number(field(req.body, 'validityDays') || 'NaN'),
            mandatory: field(req.body, 'mandatory') === 'yes',
          });
          return reply.redirect('/training', 303);
        }),
    );
  };
}
