// /api/record-types, /api/assets, /api/records, /api/lookups, /api/imports.
// Identifiers go in request bodies, never in addresses: addresses end up in logs and histories.
import type { FastifyPluginAsync } from 'fastify';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../../services.ts';
import { ErrorResponse, IdParam } from '../schemas.ts';
import { actorOf, errors } from './helpers.ts';
import { acceptFileBodies, fileFormatOf, withSpooledBody } from '../spool.ts';
import {
  Nullable,
  RecordTypeSchema,
  AssetSchema,
  AssetBody,
  StoredRecordSchema,
  ImportJobSchema,
  Purpose,
  Identifiers,
} from './records.schemas.ts';

export function recordsRoutes(services: Services): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<TypeBoxTypeProvider>();
    // Import bodies are never buffered in memory: each is spooled to a private file before the
    // import's transaction starts (src/http/spool.ts says why).
    const uploads = path.join(services.config.dataDir, 'uploads');
    acceptFileBodies(app);

    app.get(
      '/record-types',
      {
        config: { permission: 'record-types.read' },
        schema: {
          summary: 'Record types (every version)',
          tags: ['records'],
          response: { 200: Type.Array(RecordTypeSchema), ...errors(ErrorResponse) },
        },
      },
      async (req) => services.recordTypes.list(actorOf(req)),
    );
    app.get(
      '/record-types/:typeId',
      {
        config: { permission: 'record-types.read' },
        schema: {
          summary: 'One record type version',
          tags: ['records'],
          params: IdParam('typeId'),
          response: { 200: RecordTypeSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => services.recordTypes.get(actorOf(req), req.params.typeId),
    );
    app.post(
      '/record-types',
      {
        config: { permission: 'record-types.manage' },
        schema: {
          summary:
            'Define a record type, or a new version of one: every field needs an x-accord annotation',
          tags: ['records'],
          body: Type.Object(
            {
              key: Type.String(),
              title: Type.String(),
              description: Type.Optional(Type.String()),
              schema: Type.Record(Type.String(), Type.Unknown()),
            },
            { additionalProperties: false },
          ),
          response: { 201: RecordTypeSchema, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await services.recordTypes.define(actorOf(req), req.body)),
    );

    app.get(
      '/assets',
      {
        config: { permission: 'assets.read' },
        schema: {
          summary: 'The information asset register, with flags',
          tags: ['records'],
          response: { 200: Type.Array(AssetSchema), ...errors(ErrorResponse) },
        },
      },
      async (req) => services.assets.list(actorOf(req)),
    );
    app.post(
      '/assets',
      {
        config: { permission: 'assets.manage' },
        schema: {
          summary: 'Add an information asset',
          tags: ['records'],
          body: AssetBody,
          response: { 201: AssetSchema, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await services.assets.create(actorOf(req), req.body)),
    );
    app.get(
      '/assets/:assetId',
      {
        config: { permission: 'assets.read' },
        schema: {
          summary: 'One asset',
          tags: ['records'],
          params: IdParam('assetId'),
          response: { 200: AssetSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => services.assets.get(actorOf(req), req.params.assetId),
    );
    app.put(
      '/assets/:assetId',
      {
        config: { permission: 'assets.manage' },
        schema: {
          summary: 'Change an asset',
          tags: ['records'],
          params: IdParam('assetId'),
          body: AssetBody,
          response: { 200: AssetSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => services.assets.update(actorOf(req), req.params.assetId, req.body),
    );

    app.post(
      '/assets/:assetId/records',
      {
        config: { permission: 'records.write' },
        schema: {
          summary: 'Add one record to an asset',
          tags: ['records'],
          params: IdParam('assetId'),
          body: Type.Object(
            { purpose: Purpose, record: Type.Record(Type.String(), Type.Unknown()) },
            { additionalProperties: false },
          ),
          response: {
            201: Type.Object({
              recordId: Type.String(),
              subjectId: Type.String(),
              matched: Type.Boolean(),
            }),
            ...errors(ErrorResponse),
          },
        },
      },
      async (req, reply) =>
        reply
          .code(201)
          .send(
            await services.records.create(
              actorOf(req),
              req.params.assetId,
              req.body.record,
              req.body.purpose,
            ),
          ),
    );

    app.get(
      '/records/:recordId',
      {
        config: { permission: 'records.read' },
        schema: {
          summary: 'One record, opened for a stated purpose',
          tags: ['records'],
          params: IdParam('recordId'),
          querystring: Type.Object({ purpose: Purpose }),
          response: { 200: StoredRecordSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => services.records.get(actorOf(req), req.params.recordId, req.query.purpose),
    );

    app.post(
      '/lookups',
      {
        config: { permission: 'records.read' },
        schema: {
          summary: 'Find a subject by identifiers and return their records, with what matched',
          tags: ['records'],
          body: Type.Object({ purpose: Purpose, ...Identifiers }, { additionalProperties: false }),
          response: {
            200: Type.Object({
              subjectId: Nullable(Type.String()),
              basis: Nullable(Type.String()),
              basisLabel: Nullable(Type.String()),
              records: Type.Array(StoredRecordSchema),
            }),
            ...errors(ErrorResponse),
          },
        },
      },
      async (req) => {
        const { purpose, ...ids } = req.body;
        return services.records.lookup(actorOf(req), ids, purpose);
      },
    );

    app.post(
      '/assets/:assetId/imports',
      {
        config: { permission: 'records.write' },
        bodyLimit: 4 * 1024 * 1024 * 1024,
        schema: {
          summary:
            'Import a CSV (text/csv) or JSON Lines (application/x-ndjson) body into an asset: all rows or none',
          tags: ['records'],
          params: IdParam('assetId'),
          consumes: ['text/csv', 'application/x-ndjson'],
          querystring: Type.Object({
            purpose: Purpose,
            fileName: Type.Optional(Type.String({ maxLength: 200 })),
          }),
          response: { 201: ImportJobSchema, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) => {
        const format = fileFormatOf(req);
        const job = await withSpooledBody(
          req.body as Readable,
          uploads,
          Number.MAX_SAFE_INTEGER,
          (body) =>
            services.imports.run(actorOf(req), {
              assetId: req.params.assetId,
              format,
              fileName: req.query.fileName ?? `api.${format}`,
              stream: body.stream,
              totalBytes: body.bytes,
              purpose: req.query.purpose,
            }),
        );
        return reply.code(201).send(job);
      },
    );

    app.get(
      '/imports',
      {
        config: { permission: 'assets.read' },
        schema: {
          summary: 'Imports and their reports',
          tags: ['records'],
          querystring: Type.Object({ assetId: Type.Optional(Type.String()) }),
          response: { 200: Type.Array(ImportJobSchema), ...errors(ErrorResponse) },
        },
      },
      async (req) => services.imports.jobs(actorOf(req), req.query.assetId),
    );
    app.get(
      '/imports/:importId',
      {
        config: { permission: 'assets.read' },
        schema: {
          summary: 'One import and its report',
          tags: ['records'],
          params: IdParam('importId'),
          response: { 200: ImportJobSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => services.imports.job(actorOf(req), req.params.importId),
    );
  };
}
