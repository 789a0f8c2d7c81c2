// /api/exchange: the inbox and outbox of transfers, each transfer's steps (ready, recall, open,
// acknowledge, reject), look-ups and yes/no checks, notifications, the organisation's webhook and
// its exchange keys (seen and rotated).
// Also the sweep that expires unacknowledged transfers and retries webhook calls.
import type { FastifyPluginAsync } from 'fastify';
import type { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../../services.ts';
import path from 'node:path';
import { ErrorResponse, IdParam } from '../schemas.ts';
import { actorOf, errors } from './helpers.ts';
import {
  CheckAnswerSchema,
  CheckSchema,
  ExchangeKeyRotationSchema,
  ExchangeKeySchema,
  LookupAnswerSchema,
  LookupSchema,
  NewTransferSchema,
  NotificationSchema,
  NotificationsQuery,
  TransferListSchema,
  TransferSchema,
  UploadTransferQuery,
  WebhookSchema,
} from './exchange.schemas.ts';
import { acceptFileBodies, fileFormatOf, withSpooledBody } from '../spool.ts';

const tags = ['exchange'];
const Param = IdParam('transferId');
const fails = {
  ...errors(ErrorResponse),
  413: ErrorResponse,
  415: ErrorResponse,
  422: ErrorResponse,
};

export function exchangeRoutes(services: Services): FastifyPluginAsync {
  const { transfers, queries, notifications, exchangeKeys } = services.exchange;
  return async (base) => {
    const app = base.withTypeProvider<TypeBoxTypeProvider>();
    const one = { 200: TransferSchema, ...fails };
    // An uploaded file is never buffered in memory: it is spooled to a private file (up to
    // ACCORD_TRANSFER_UPLOAD_MAX_BYTES) before the transfer's transaction starts.
    const uploads = path.join(services.config.dataDir, 'uploads');
    acceptFileBodies(app);

    for (const box of ['inbox', 'outbox'] as const)
      app.get(
        `/exchange/${box}`,
        {
          config: { permission: 'exchange.read' },
          schema: {
            summary:
              box === 'inbox'
                ? 'Transfers sent to your organisation, with states, deadlines and the next step'
                : 'Transfers your organisation sent, with states, deadlines and the next step',
            tags,
            response: { 200: TransferListSchema, ...fails },
          },
        },
        async (req) => transfers.views.list(actorOf(req), box),
      );
    app.get(
      '/exchange/transfers/:transferId',
      {
        config: { permission: 'exchange.read' },
        schema: {
          summary: 'One transfer, with what you may do next',
          tags,
          params: Param,
          response: one,
        },
      },
      async (req) => transfers.views.get(actorOf(req), req.params.transferId),
    );
    app.post(
      '/exchange/transfers',
      {
        config: { permission: 'exchange.send' },
        schema: {
          summary: 'Prepare a transfer: pick records, the agreement and the purpose (a draft)',
          tags,
          body: NewTransferSchema,
          response: { 201: TransferSchema, ...fails },
        },
      },
      async (req, reply) => reply.code(201).send(await transfers.create(actorOf(req), req.body)),
    );
    app.post(
      '/exchange/transfers/upload',
      {
        config: { permission: 'exchange.send' },
        schema: {
          summary:
            'Prepare a transfer from a file of records held outside Accord: a CSV (text/csv) or JSON Lines (application/x-ndjson) body, every row checked, all rows or none (a draft)',
          tags,
          consumes: ['text/csv', 'application/x-ndjson'],
          querystring: UploadTransferQuery,
          response: { 201: TransferSchema, ...fails },
        },
      },
      async (req, reply) => {
        const format = fileFormatOf(req);
        const length = Number(req.headers['content-length']);
        const limit = services.config.transferUploadMaxBytes;
        const draftFrom = (stream: Readable, totalBytes: number) =>
          transfers.createFromFile(actorOf(req), { ...req.query, format, stream, totalBytes });
        // Too large by its own account: refused (and audited) before a byte is kept.
        const draft =
          Number.isSafeInteger(length) && length > limit
            ? await draftFrom(req.body as Readable, length)
            : await withSpooledBody(req.body as Readable, uploads, limit, (body) =>
                draftFrom(body.stream, body.bytes),
              );
        return reply.code(201).send(draft);
      },
    );
    const steps = [
      ['ready', 'exchange.send', 'Sign the manifest and deliver the transfer'],
      ['recall', 'exchange.send', 'Recall a transfer before it is opened'],
      ['acknowledge', 'exchange.receive', 'Acknowledge an opened transfer'],
    ] as const;
    for (const [step, permission, summary] of steps)
      app.post(
        `/exchange/transfers/:transferId/${step}`,
        { config: { permission }, schema: { summary, tags, params: Param, response: one } },
        async (req) => transfers[step](actorOf(req), req.params.transferId),
      );
    app.post(
      '/exchange/transfers/:transferId/open',
      {
        config: { permission: 'exchange.receive' },
        schema: {
          summary:
            'Verify and import a delivered transfer into one of your assets (all or nothing)',
          tags,
          params: Param,
          body: Type.Object(
            { assetId: Type.String({ maxLength: 100 }) },
            { additionalProperties: false },
          ),
          response: one,
        },
      },
      async (req) => transfers.open(actorOf(req), req.params.transferId, req.body.assetId),
    );
    app.post(
      '/exchange/transfers/:transferId/reject',
      {
        config: { permission: 'exchange.receive' },
        schema: {
          summary: 'Reject a transfer, saying why (anything imported from it is removed)',
          tags,
          params: Param,
          body: Type.Object(
            { reason: Type.String({ maxLength: 1000 }) },
            { additionalProperties: false },
          ),
          response: one,
        },
      },
      async (req) => transfers.reject(actorOf(req), req.params.transferId, req.body.reason),
    );
    app.post(
      '/exchange/lookups',
      {
        config: { permission: 'exchange.query' },
        schema: {
          summary: 'The agreed fields of the person matching these identifiers, for a purpose',
          tags,
          body: LookupSchema,
          response: { 200: LookupAnswerSchema, ...fails },
        },
      },
      async (req) => queries.lookup(actorOf(req), req.body),
    );
    app.post(
      '/exchange/checks',
      {
        config: { permission: 'exchange.query' },
        schema: {
          summary: 'A yes/no question from the agreement: yes, no or no-match, signed by the node',
          tags,
          body: CheckSchema,
          response: { 200: CheckAnswerSchema, ...fails },
        },
      },
      async (req) => queries.check(actorOf(req), req.body),
    );
    app.get(
      '/exchange/notifications',
      {
        config: { permission: 'exchange.read' },
        schema: {
          summary:
            'What happened to your transfers and queries: arrivals, rejections, expiries, alerts (newest first; the next page with before=<the last id>)',
          tags,
          querystring: NotificationsQuery,
          response: { 200: Type.Array(NotificationSchema), ...fails },
        },
      },
      async (req) =>
        notifications.list(actorOf(req), req.query.limit, { before: req.query.before }),
    );
    app.get(
      '/exchange/webhook',
      {
        config: { permission: 'exchange.settings' },
        schema: {
          summary: 'The webhook told of each notification',
          tags,
          response: { 200: WebhookSchema, ...fails },
        },
      },
      async (req) => notifications.webhook(actorOf(req)),
    );
    app.put(
      '/exchange/webhook',
      {
        config: { permission: 'exchange.settings' },
        schema: {
          summary: 'Set (or, with null, remove) the webhook told of each notification',
          tags,
          body: WebhookSchema,
          response: { 200: WebhookSchema, ...fails },
        },
      },
      async (req) => notifications.setWebhook(actorOf(req), req.body.url),
    );
    app.get(
      '/exchange/keys',
      {
        config: { permission: 'exchange.keys' },
        schema: {
          summary: 'The organisation’s exchange keys (ids and dates), the current one first',
          tags,
          response: { 200: Type.Array(ExchangeKeySchema), ...fails },
        },
      },
      async (req) => exchangeKeys.list(actorOf(req)),
    );
    app.post(
      '/exchange/keys/rotate',
      {
        config: { permission: 'exchange.keys' },
        schema: {
          summary:
            'Rotate the exchange key: new transfers and notices are sealed to a new key; what was sealed to the old one still opens',
          tags,
          response: { 200: ExchangeKeyRotationSchema, ...fails },
        },
      },
      async (req) => exchangeKeys.rotate(actorOf(req)),
    );
  };
}

/**
 * Expires unacknowledged transfers and retries webhook calls every minute, and destroys retired
 * exchange keys no longer needed every hour (not in tests).
 */
export function exchangeSchedule(services: Services): FastifyPluginAsync {
  return async (app) => {
    if (services.config.env === 'test') return;
    let timer: NodeJS.Timeout | undefined;
    let sweeps = 0;
    const sweep = (): void => {
      services.exchange.transfers.expireDue().then(
        (n) => (n ? app.log.info({ transfers: n }, 'transfers expired') : undefined),
        (e: unknown) => app.log.error({ err: e }, 'transfer expiry sweep failed'),
      );
      services.exchange.notifications
        .deliverDue()
        .catch((e: unknown) => app.log.error({ err: e }, 'webhook delivery failed'));
      // Hourly: whether a retired key is still needed reads every unopened transfer's first chunk.
      if (sweeps++ % 60 === 0)
        services.exchange.exchangeKeys.destroyRetired().then(
          (ids) =>
            ids.length ? app.log.info({ keys: ids }, 'retired exchange keys destroyed') : undefined,
          (e: unknown) => app.log.error({ err: e }, 'exchange key destruction failed'),
        );
    };
    app.addHook('onReady', async () => {
      timer = setInterval(sweep, 60_000);
      timer.unref();
    });
    app.addHook('onClose', async () => clearInterval(timer));
  };
}
