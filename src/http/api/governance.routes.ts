// /api/ropa: the records of processing (JSON and CSV); /api/dashboard: the compliance dashboard
// and its trends; /api/charter: the charter's settings and preview; /api/public/charter/:orgId:
// an organisation's information charter for anyone. Also the daily dashboard snapshot sweep.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../../services.ts';
import { AccordError } from '../../errors.ts';
import { ErrorResponse, IdParam } from '../schemas.ts';
import { actorOf, errors } from './helpers.ts';
import {
  CharterSchema,
  CharterSettingsSchema,
  DashboardSchema,
  RopaSchema,
  TrendsSchema,
} from './governance-reports.schemas.ts';
import { LongText } from './governance.schemas.ts';

export function governanceRoutes(services: Services): FastifyPluginAsync {
  const { ropa, dashboard, charter } = services.governance;
  return async (base) => {
    const app = base.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/ropa',
      {
        config: { permission: 'governance.read' },
        schema: {
          summary: 'Records of processing activities (Art. 30), generated from the registers',
          tags: ['ropa'],
          response: { 200: RopaSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => ropa.document(actorOf(req)),
    );

    app.get(
      '/ropa.csv',
      {
        config: { permission: 'governance.read' },
        schema: {
          summary: 'Records of processing as CSV, one activity a row',
          tags: ['ropa'],
          produces: ['text/csv'],
          response: { 200: Type.String(), ...errors(ErrorResponse) },
        },
      },
      async (req, reply) =>
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="records-of-processing.csv"')
          .send(await ropa.csv(actorOf(req))),
    );

    app.get(
      '/dashboard',
      {
        config: { permission: 'governance.read' },
        schema: {
          summary: 'The compliance dashboard, computed now from live data',
          tags: ['dashboard'],
          response: { 200: DashboardSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => dashboard.compute(actorOf(req)),
    );

    app.get(
      '/dashboard/trends',
      {
        config: { permission: 'governance.read' },
        schema: {
          summary: 'Each indicator’s daily values over the last days (default 90)',
          tags: ['dashboard'],
          querystring: Type.Object(
            { days: Type.Optional(Type.Integer({ minimum: 1, maximum: 730 })) },
            { additionalProperties: false },
          ),
          response: { 200: TrendsSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => dashboard.trends(actorOf(req), req.query.days),
    );

    app.get(
      '/charter',
      {
        config: { permission: 'governance.read' },
        schema: {
          summary: 'The charter’s settings and the charter as citizens see it now',
          tags: ['charter'],
          response: {
            200: Type.Object({ settings: CharterSettingsSchema, charter: CharterSchema }),
            ...errors(ErrorResponse),
          },
        },
      },
      async (req) => ({
        settings: await charter.settings(actorOf(req)),
        charter: await charter.preview(actorOf(req)),
      }),
    );

    app.put(
      '/charter',
      {
        config: { permission: 'charter.manage' },
        schema: {
          summary: 'Set the charter’s contact details and text (DPO); no personal data',
          tags: ['charter'],
          body: Type.Object(
            {
              icoRegistration: Type.String({ maxLength: 20 }),
              publicEmail: Type.String({ maxLength: 200 }),
              publicPhone: Type.String({ maxLength: 50 }),
              publicAddress: LongText(1000),
              charterIntro: LongText(4000),
              requestInstructions: LongText(4000),
            },
            { additionalProperties: false },
          ),
          response: { 200: CharterSettingsSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => charter.updateSettings(actorOf(req), req.body),
    );

    app.get(
      '/public/charter/:orgId',
      {
        config: { public: true },
        schema: {
          summary: 'An organisation’s information charter (no sign-in)',
          tags: ['charter'],
          params: IdParam('orgId'),
          response: { 200: CharterSchema, 404: ErrorResponse },
        },
      },
      async (req) => {
        const c = await charter.publicCharter(req.params.orgId);
        if (!c) throw new AccordError('NOT_FOUND');
        return c;
      },
    );
  };
}

/**
 * Takes a dashboard snapshot for every organisation once a day (checking hourly), so trends
 * have a point a day even when nobody opens the dashboard. Off in tests, which call the sweep.
 */
export function governanceSchedule(services: Services): FastifyPluginAsync {
  return async (app) => {
    if (services.config.env === 'test') return;
    let first: NodeJS.Timeout | undefined;
    let timer: NodeJS.Timeout | undefined;
    const sweep = (): void => {
      services.governance.dashboard.snapshotDue().then(
        (n) => (n ? app.log.info({ organisations: n }, 'dashboard snapshots taken') : undefined),
        (e: unknown) => app.log.error({ err: e }, 'dashboard snapshot sweep failed'),
      );
    };
    app.addHook('onReady', async () => {
      first = setTimeout(sweep, 60_000);
      first.unref();
      timer = setInterval(sweep, 3_600_000);
      timer.unref();
    });
    app.addHook('onClose', async () => {
      clearTimeout(first);
      clearInterval(timer);
    });
  };
}
