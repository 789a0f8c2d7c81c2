// /api/corrections: correction notices (UK GDPR Art. 19) — the ones the organisation sent, with
// each partner's state, and its inbox of received ones, to apply or dispute; and the notices a
// subject request led to. Also the sweep that marks unanswered notices overdue.
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../../services.ts';
import { ErrorResponse, IdParam } from '../schemas.ts';
import { actorOf, errors } from './helpers.ts';
import {
  CorrectionListQuery,
  CorrectionListSchema,
  CorrectionSchema,
  DisputeSchema,
} from './corrections.schemas.ts';

const tags = ['corrections'];
const Param = IdParam('noticeId');
const fails = { ...errors(ErrorResponse), 422: ErrorResponse };

export function correctionsRoutes(services: Services): FastifyPluginAsync {
  const corrections = services.corrections;
  return async (base) => {
    const app = base.withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      '/corrections',
      {
        config: { permission: 'exchange.read' },
        schema: {
          summary:
            'Correction notices your organisation sent (with each partner’s state) or received',
          tags,
          querystring: CorrectionListQuery,
          response: { 200: CorrectionListSchema, ...fails },
        },
      },
      async (req) =>
        corrections.list(actorOf(req), req.query.direction ?? 'sent', { state: req.query.state }),
    );
    app.get(
      '/corrections/:noticeId',
      {
        config: { permission: 'exchange.read' },
        schema: {
          summary: 'One notice; its recipient sees the corrected values',
          tags,
          params: Param,
          response: { 200: CorrectionSchema, ...fails },
        },
      },
      async (req) => corrections.get(actorOf(req), req.params.noticeId),
    );
    app.post(
      '/corrections/:noticeId/apply',
      {
        config: { permission: 'exchange.receive' },
        schema: {
          summary: 'Apply a received notice to your copy of the record, and acknowledge it',
          tags,
          params: Param,
          response: { 200: CorrectionSchema, ...fails },
        },
      },
      async (req) => corrections.apply(actorOf(req), req.params.noticeId),
    );
    app.post(
      '/corrections/:noticeId/dispute',
      {
        config: { permission: 'exchange.receive' },
        schema: {
          summary: 'Dispute a received notice, saying why',
          tags,
          params: Param,
          body: DisputeSchema,
          response: { 200: CorrectionSchema, ...fails },
        },
      },
      async (req) => corrections.dispute(actorOf(req), req.params.noticeId, req.body.reason),
    );
    app.get(
      '/rights/requests/:requestId/corrections',
      {
        config: { permission: 'rights.read' },
        schema: {
          summary: 'The correction notices a subject request led to, with each partner’s state',
          tags,
          params: IdParam('requestId'),
          response: { 200: CorrectionListSchema, ...fails },
        },
      },
      async (req) => corrections.forRequest(actorOf(req), req.params.requestId),
    );
  };
}

/** Marks unanswered correction notices overdue, every hour (not in tests). */
export function correctionsSchedule(services: Services): FastifyPluginAsync {
  return async (app) => {
    if (services.config.env === 'test') return;
    let timer: NodeJS.Timeout | undefined;
    const sweep = (): void => {
      services.corrections.markOverdue().then(
        (n) => (n ? app.log.info({ notices: n }, 'correction notices overdue') : undefined),
        (e: unknown) => app.log.error({ err: e }, 'correction overdue sweep failed'),
      );
    };
    app.addHook('onReady', async () => {
      timer = setInterval(sweep, 3_600_000);
      timer.unref();
    });
    app.addHook('onClose', async () => clearInterval(timer));
  };
}
