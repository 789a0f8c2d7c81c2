// The "new transfer" page: a handler picks what the agreements in force let their organisation
// send (agreement, recipient, record type and purpose in one choice), then the records — every
// record of one of their assets, one person by identifiers, or the rows of a file they upload —
// and gets a sealed draft to check and send. The decision is still the sharing policy's: the
// page only offers what it would allow.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import type { Services } from '../../services.ts';
import type { Actor } from '../../domain/policy/actor.ts';
import type { Selection } from '../../domain/exchange/record-source.ts';
import { formatOf } from '../../domain/records/import-rows.ts';
import { AccordError } from '../../errors.ts';
import { field, submitForm } from '../pages.ts';

/** Identifier fields a handler may give to pick one person. */
export const PERSON_IDENTIFIERS = [
  { name: 'nhsNumber', label: 'NHS number' },
  { name: 'niNumber', label: 'National Insurance number' },
  { name: 'membershipNumber', label: 'Membership number' },
  { name: 'policeReference', label: 'Police reference' },
] as const;

/** One thing the agreements let us send, shaped for the basisRadios helper (code, label, guidance). */
interface Route {
  code: string;
  label: string;
  guidance: string;
}

/** Where the service's problem fields are answered on this page. */
const ON_PAGE: Record<string, string> = {
  selection: 'pick',
  identifiers: 'nhsNumber',
  agreementId: 'route',
  recipientOrgId: 'route',
  recordType: 'route',
  purpose: 'route',
};

/** Runs the work, pointing any problems at the fields of this page. */
async function onThisPage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (!(e instanceof AccordError)) throw e;
    // A file's problems (its rows, its size) are answered by choosing another file: the summary
    // says how many rows failed, then lists each bad row with its line.
    if (e.code === 'TRANSFER_TOO_LARGE' || e.problems.some((p) => p.line))
      throw new AccordError(e.code, e.message, [
        { field: 'file', message: e.message },
        // A line that could not be read at all already says "Line 7 is not valid JSON".
        ...e.problems.map((p) => ({
          ...p,
          field: 'file',
          line: p.message.startsWith(`Line ${p.line} `) ? undefined : p.line,
        })),
      ]);
    if (!e.problems.length) throw e;
    throw new AccordError(
      e.code,
      e.message,
      e.problems.map((p) => ({ ...p, field: p.field && (ON_PAGE[p.field] ?? p.field) })),
    );
  }
}

/** A form posted as multipart: its fields, and the uploaded file spooled to `dir` (if any). */
interface PostedForm {
  body: Record<string, string>;
  file?: { path: string; name: string; mime: string; bytes: number; truncated: boolean };
}

/**
 * Reads a multipart form, writing the file to disk as it arrives (memory stays flat, and no
 * database transaction waits on the browser). The caller removes the file when done.
 */
async function readForm(req: FastifyRequest, dir: string): Promise<PostedForm> {
  const form: PostedForm = { body: {} };
  try {
    await readParts(req, dir, form);
  } catch (e) {
    if (form.file) fs.rmSync(form.file.path, { force: true });
    throw e;
  }
  return form;
}

async function readParts(req: FastifyRequest, dir: string, form: PostedForm): Promise<void> {
  for await (const part of req.parts()) {
    if (part.type === 'field') form.body[part.fieldname] = String(part.value);
    else if (part.fieldname === 'file' && part.filename && !form.file) {
      fs.mkdirSync(dir, { recursive: true });
      const tmp = path.join(dir, `${randomUUID()}.upload`);
      form.file = {
        path: tmp,
        name: part.filename,
        mime: part.mimetype,
        bytes: 0,
        truncated: false,
      };
      await pipeline(part.file, fs.createWriteStream(tmp, { mode: 0o600 }));
      form.file.bytes = fs.statSync(tmp).size;
      form.file.truncated = part.file.truncated;
    } else part.file.resume();
  }
}

export function exchangeNewPages(services: Services): FastifyPluginAsync {
  const { transfers } = services.exchange;
  const uploads = path.join(services.config.dataDir, 'uploads');
  const maxBytes = services.config.transferUploadMaxBytes;

  /** Every (agreement, recipient, record type, purpose) the agreements in force allow us to send. */
  const routes = async (actor: Actor): Promise<Route[]> => {
    const names = new Map((await services.orgs.all()).map((o) => [o.id, o.name]));
    const out: Route[] = [];
    for (const a of await services.agreements.list(actor)) {
      const v = a.inForce;
      if (!v || v.status !== 'active' || !v.terms.operations.includes('transfer')) continue;
      for (const flow of v.terms.flows.filter((f) => f.from === actor.orgId))
        for (const p of v.terms.purposes)
          out.push({
            code: [a.id, flow.to, flow.recordType, p.key].join('|'),
            label: `${a.reference}: ${flow.recordType} records to ${names.get(flow.to) ?? flow.to}, for ${p.label}`,
            guidance: `Fields: ${flow.fields.join(', ')}`,
          });
    }
    return out;
  };

  const form = async (actor: Actor) => ({
    pageTitle: 'Send records to a partner',
    backLink: '/exchange/outbox',
    routes: await routes(actor),
    assets: (await services.assets.list(actor)).map((a) => [a.id, `${a.name} (${a.typeKey})`]),
    identifiers: PERSON_IDENTIFIERS,
  });

  const selection = (body: unknown): Selection => {
    if (field(body, 'pick') === 'asset') return { kind: 'asset', assetId: field(body, 'assetId') };
    if (field(body, 'pick') === 'subject') {
      const identifiers: Record<string, string> = {};
      for (const { name } of PERSON_IDENTIFIERS) {
        const value = field(body, name).trim();
        if (value) identifiers[name] = value;
      }
      return { kind: 'subject', identifiers };
    }
    throw new AccordError('VALIDATION_FAILED', 'Choose what to send.', [
      { field: 'pick', message: 'Choose an asset, one person or a file to send records from' },
    ]);
  };

  /** The uploaded file as the transfer's source, or the problem with it. */
  const fileSource = (file: PostedForm['file']) => {
    if (!file || file.bytes === 0)
      throw new AccordError('VALIDATION_FAILED', 'Choose a file.', [
        { field: 'file', message: 'Choose a CSV or JSON Lines file of the records to send' },
      ]);
    const format = formatOf(file.name, file.mime);
    if (!format)
      throw new AccordError('VALIDATION_FAILED', 'The file must be CSV or JSON Lines.', [
        { field: 'file', message: 'The file must be a .csv or .jsonl file' },
      ]);
    return {
      format,
      // Opened now (not lazily), so removing the file afterwards can never race the opening.
      stream: fs.createReadStream('', { fd: fs.openSync(file.path, 'r'), highWaterMark: 1 << 20 }),
      totalBytes: file.truncated ? maxBytes + 1 : file.bytes,
    };
  };

  return async (app) => {
    // One more byte than a transfer may be made from: a file cut short there is too large, and
    // the service refuses it (and audits the refusal) without reading it.
    await app.register(multipart, {
      limits: { fileSize: maxBytes + 1, files: 1, fields: 20 },
      throwFileSizeLimit: false,
    });
    const send = { config: { page: 'exchange.send' as const }, schema: { hide: true } };

    app.get('/exchange/transfers/new', send, async (req, reply) =>
      reply.page('exchange/new.njk', await form(req.actor!)),
    );

    app.post('/exchange/transfers/new', send, async (req, reply) => {
      const posted = req.isMultipart()
        ? await readForm(req, uploads)
        : { body: (req.body ?? {}) as Record<string, string> };
      // What was typed comes back with any problems (the file never does: it must be chosen again).
      req.body = posted.body;
      let opened: fs.ReadStream | undefined;
      try {
        return await submitForm(reply, 'exchange/new.njk', await form(req.actor!), async () => {
          const body = posted.body;
          const [agreementId = '', recipientOrgId = '', recordType = '', purpose = ''] = field(
            body,
            'route',
          ).split('|');
          if (!agreementId)
            throw new AccordError('VALIDATION_FAILED', 'Choose what to send under.', [
              { field: 'route', message: 'Choose the agreement, recipient and purpose' },
            ]);
          const under = { agreementId, recipientOrgId, recordType, purpose };
          const draft = await onThisPage(async () => {
            if (field(body, 'pick') !== 'file')
              return transfers.create(req.actor!, { ...under, selection: selection(body) });
            const source = fileSource(posted.file);
            opened = source.stream;
            return transfers.createFromFile(req.actor!, { ...under, ...source });
          });
          return reply.redirect(`/exchange/transfers/${draft.id}`, 303);
        });
      } finally {
        // The spooled file goes as soon as the draft is sealed (or refused): Accord keeps no copy.
        opened?.destroy();
        if (posted.file) fs.rmSync(posted.file.path, { force: true });
      }
    });
  };
}
