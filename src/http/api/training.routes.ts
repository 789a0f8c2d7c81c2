// /api/training: courses, completions and CSV import.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../../services.ts';
import { ErrorResponse } from '../schemas.ts';
import { actorOf, errors } from './helpers.ts';

const CourseSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  validityDays: Type.Integer(),
  mandatory: Type.Boolean(),
});
const CompletionSchema = Type.Object({
  id: Type.String(),
  personId: Type.String(),
  courseId: Type.String(),
  courseName: Type.String(),
  completedOn: Type.String(),
  expiresOn: Type.String(),
  current: Type.Boolean(),
  source: Type.String(),
  evidence: Type.Union([Type.String(), Type.Null()]),
  recordedBy: Type.String(),
});

export function trainingRoutes(services: Services): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['training'];
    // CSV arrives as text/csv; it is parsed (and every row checked) by the training service.
    app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );

    app.get(
      '/training/courses',
      {
        config: { permission: 'training.read' },
        schema: {
          summary: 'Courses and how long each completion counts',
          tags,
          response: { 200: Type.Array(CourseSchema), ...errors(ErrorResponse) },
        },
      },
      async (req) => services.training.courses(actorOf(req)),
    );

    app.post(
      '/training/courses',
      {
        config: { permission: 'training.manage' },
        schema: {
          summary: 'Add a course',
          tags,
          body: Type.Object(
            {
              name: Type.String({ maxLength: 200 }),
              description: Type.Optional(Type.String({ maxLength: 2000 })),
              validityDays: Type.Integer(),
              mandatory: Type.Boolean(),
            },
            { additionalProperties: false },
          ),
          response: { 201: CourseSchema, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await services.training.createCourse(actorOf(req), req.body)),
    );

    app.get(
      '/training/completions',
      {
        config: { permission: 'training.read' },
        schema: {
          summary: 'Training completions (anyone may see their own)',
          tags,
          querystring: Type.Object(
            { personId: Type.Optional(Type.String()) },
            { additionalProperties: false },
          ),
          response: { 200: Type.Array(CompletionSchema), ...errors(ErrorResponse) },
        },
      },
      async (req) => services.training.completions(actorOf(req), req.query.personId),
    );

    app.post(
      '/training/completions',
      {
        config: { permission: 'training.manage' },
        schema: {
          summary: 'Record a completion',
          tags,
          body: Type.Object(
            {
              personId: Type.String(),
              courseId: Type.String(),
              completedOn: Type.String(),
              evidence: Type.Optional(Type.String({ maxLength: 2000 })),
            },
            { additionalProperties: false },
          ),
          response: { 201: CompletionSchema, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await services.training.record(actorOf(req), req.body)),
    );

    app.post(
      '/training/import',
      {
        config: { permission: 'training.manage' },
        schema: {
          summary:
            'Import completions from CSV (columns email, course, completed_on, evidence): all rows or none',
          tags,
          consumes: ['text/csv'],
          body: Type.String({ maxLength: 5_000_000 }),
          response: { 201: Type.Object({ imported: Type.Integer() }), ...errors(ErrorResponse) },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await services.training.importCsv(actorOf(req), req.body)),
    );
  };
}
