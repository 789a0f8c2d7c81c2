// Records pages: look a person up (identifiers and a purpose) and see their records with the
// match basis; add one record through a form built from its type; upload a file to import and
// watch its progress; read an import's report.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyPluginAsync } from 'fastify';
import multipart from '@fastify/multipart';
import type { Services } from '../../services.ts';
import { AccordError } from '../../errors.ts';
import type { FieldInfo } from '../../domain/records/annotations.ts';
import type { Actor } from '../../domain/policy/actor.ts';
import { formatOf } from '../../domain/records/import-rows.ts';
import { field, may, submitForm } from '../pages.ts';

const LOOKUP_FIELDS = [
  'nhsNumber',
  'niNumber',
  'membershipNumber',
  'policeReference',
  'familyName',
  'givenName',
  'dateOfBirth',
  'postcode',
] as const;

/** A record from a form: values converted by field type; empty fields left out. */
function payloadFrom(body: unknown, fields: readonly FieldInfo[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const raw = field(body, f.name).trim();
    if (!raw) continue;
    if (f.type === 'number' || f.type === 'integer') out[f.name] = Number(raw);
    else if (f.type === 'boolean') out[f.name] = raw === 'yes';
    else if (f.type === 'array')
      out[f.name] = raw
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean);
    else out[f.name] = raw;
  }
  return out;
}

export function recordsPages(services: Services): FastifyPluginAsync {
  const uploads = path.join(services.config.dataDir, 'uploads');
  return async (app) => {
    await app.register(multipart, {
      limits: { fileSize: 4 * 1024 * 1024 * 1024, files: 1, fields: 5 },
    });

    app.get(
      '/records/lookup',
      { config: { page: 'records.read' }, schema: { hide: true } },
      async (_req, reply) =>
        reply.page('records/lookup.njk', { pageTitle: 'Find a person’s records' }),
    );

    app.post(
      '/records/lookup',
      { config: { page: 'records.read' }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(
          reply,
          'records/lookup.njk',
          { pageTitle: 'Find a person’s records' },
          async () => {
            const query = Object.fromEntries(
              LOOKUP_FIELDS.map((f) => [f, field(req.body, f) || undefined]),
            );
            const purpose = field(req.body, 'purpose');
            const result = await services.records.lookup(req.actor!, query, purpose);
            const types = new Map(
              (await services.recordTypes.list(req.actor!)).map((t) => [t.id, t]),
            );
            return reply.page('records/lookup.njk', {
              pageTitle: 'Find a person’s records',
              result,
              purpose,
              types: Object.fromEntries(types),
              values: req.body,
            });
          },
        ),
    );

    const recordForm = async (assetId: string, actor: Actor) => {
      const asset = await services.assets.get(actor, assetId);
      const type = (await services.recordTypes.list(actor)).find((t) => t.key === asset.typeKey)!;
      return {
        pageTitle: `Add a record to ${asset.name}`,
        backLink: `/assets/${asset.id}`,
        asset,
        type,
      };
    };

    app.get(
      '/assets/:assetId/records/new',
      { config: { page: 'records.write' }, schema: { hide: true } },
      async (req, reply) =>
        reply.page(
          'records/record-form.njk',
          await recordForm((req.params as { assetId: string }).assetId, req.actor!),
        ),
    );
    app.post(
      '/assets/:assetId/records/new',
      { config: { page: 'records.write' }, schema: { hide: true } },
      async (req, reply) => {
        const data = await recordForm((req.params as { assetId: string }).assetId, req.actor!);
        return submitForm(reply, 'records/record-form.njk', data, async () => {
          const w = await services.records.create(
            req.actor!,
            data.asset.id,
            payloadFrom(req.body, data.type.fields),
            field(req.body, 'purpose'),
          );
          return reply.page('records/record-added.njk', {
            pageTitle: 'Record added',
            asset: data.asset,
            written: w,
          });
        });
      },
    );

    // The upload is written to disk as it arrives (memory stays flat), then imported in the
    // background; the browser is sent to the import's page to watch it.
    app.post(
      '/assets/:assetId/import',
      { config: { page: 'records.write' }, schema: { hide: true } },
      async (req, reply) => {
        const actor = req.actor!;
        const asset = await services.assets.get(actor, (req.params as { assetId: string }).assetId);
        const page = {
          pageTitle: asset.name,
          backLink: '/assets',
          asset,
          imports: await services.imports.jobs(actor, asset.id),
          canManage: may(actor, 'assets.manage'),
          canWrite: true,
          flagText: {},
          basisLabel: (x: string) => x,
        };
        return submitForm(reply, 'records/asset.njk', page, async () => {
          if (!req.isMultipart())
            throw new AccordError('UNSUPPORTED_MEDIA_TYPE', 'Upload the file with the form.');
          fs.mkdirSync(uploads, { recursive: true });
          const tmp = path.join(uploads, `${randomUUID()}.upload`);
          let purpose = '';
          let fileName = '';
          let mime = '';
          const hash = createHash('sha256');
          for await (const part of req.parts()) {
            if (part.type === 'field' && part.fieldname === 'purpose') purpose = String(part.value);
            else if (part.type === 'file') {
              fileName = part.filename;
              mime = part.mimetype;
              await pipeline(
                part.file,
                new Transform({
                  transform: (c: Buffer, _e, done) => (hash.update(c), done(null, c)),
                }),
                fs.createWriteStream(tmp),
              );
            }
          }
          const format = formatOf(fileName, mime);
          const problems = [];
          if (!fileName || !fs.existsSync(tmp) || fs.statSync(tmp).size === 0)
            problems.push({ field: 'file', message: 'Choose a file to import' });
          else if (!format)
            problems.push({ field: 'file', message: 'The file must be .csv or .jsonl' });
          if (!purpose.trim())
            problems.push({
              field: 'purpose',
              message: 'Say why these records are being imported',
            });
          if (problems.length) {
            fs.rmSync(tmp, { force: true });
            reply.request.body = { purpose };
            throw new AccordError('VALIDATION_FAILED', 'The import cannot start.', problems);
          }
          // Opened now, not lazily: the file is removed as soon as the import ends, and a lazy
          // open after an early refusal would fail with nobody listening and stop the process.
          const stream = fs.createReadStream('', {
            fd: fs.openSync(tmp, 'r'),
            highWaterMark: 1 << 20,
          });
          const started = new Promise<string>((resolve, reject) => {
            services.imports
              .run(actor, {
                assetId: asset.id,
                format: format!,
                fileName,
                purpose,
                stream,
                totalBytes: fs.statSync(tmp).size,
                fileSha256: hash.digest('hex'),
                onStart: resolve,
              })
              .catch((e: unknown) => reject(e instanceof Error ? e : new Error(String(e))))
              .finally(() => {
                stream.destroy();
                fs.rmSync(tmp, { force: true });
              });
          });
          return reply.redirect(`/imports/${await started}`, 303);
        });
      },
    );

    app.get(
      '/imports/:importId',
      { config: { page: 'assets.read' }, schema: { hide: true } },
      async (req, reply) => {
        const job = await services.imports.job(
          req.actor!,
          (req.params as { importId: string }).importId,
        );
        const asset = await services.assets.get(req.actor!, job.assetId);
        return reply.page('records/import.njk', {
          pageTitle: `Import of ${job.fileName}`,
          backLink: `/assets/${asset.id}`,
          job,
          asset,
          progress: services.imports.progress.get(job.id),
        });
      },
    );

    app.get(
      '/imports/:importId/progress',
      { config: { page: 'assets.read' }, schema: { hide: true } },
      async (req) => {
        const job = await services.imports.job(
          req.actor!,
          (req.params as { importId: string }).importId,
        );
        const p = services.imports.progress.get(job.id);
        return {
          status: job.status,
          rowsRead: p?.rowsRead ?? job.rowsRead,
          bytesRead: p?.bytesRead ?? null,
          totalBytes: p?.totalBytes ?? null,
        };
      },
    );
  };
}
