// /api/vendors: vendors and processors with their due diligence and lapsed assurance.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../../services.ts';
import { ErrorResponse, IdParam, Reason } from '../schemas.ts';
import { actorOf, errors } from './helpers.ts';
import {
  CertificationSchema,
  DayOrNull,
  LongText,
  Nullable,
  ShortList,
  SubProcessorSchema,
  VendorSchema,
} from './governance.schemas.ts';

const VendorBody = Type.Object(
  {
    name: Type.String({ maxLength: 200 }),
    services: LongText(2000),
    isProcessor: Type.Boolean(),
    contractRef: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    contractStart: DayOrNull,
    contractEnd: DayOrNull,
    art28Terms: Type.Optional(Type.Boolean()),
    certifications: Type.Optional(Type.Array(CertificationSchema, { maxItems: 20 })),
    dataLocations: Type.Optional(ShortList),
    internationalTransfers: Type.Optional(Type.Boolean()),
    transferMechanism: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
    subProcessors: Type.Optional(Type.Array(SubProcessorSchema, { maxItems: 100 })),
    breachHistory: Type.Optional(LongText(4000)),
    exitPlan: Type.Optional(LongText(4000)),
    recoveryPlanTestedOn: DayOrNull,
    purposes: Type.Optional(LongText(4000)),
    dataCategories: Type.Optional(ShortList),
    subjectCategories: Type.Optional(ShortList),
    retention: Type.Optional(LongText(2000)),
    securityMeasures: Type.Optional(LongText(4000)),
    nextReviewOn: Type.String({ maxLength: 10 }),
    onCharter: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export function governanceVendorRoutes(services: Services): FastifyPluginAsync {
  const { vendors } = services.governance;
  return async (base) => {
    const app = base.withTypeProvider<TypeBoxTypeProvider>();
    const vtags = ['vendors'];
    const VParams = IdParam('vendorId');
    const vone = { 200: VendorSchema, ...errors(ErrorResponse) };

    app.get(
      '/vendors',
      {
        config: { permission: 'governance.read' },
        schema: {
          summary: 'Vendors and processors, with lapsed assurance flagged',
          tags: vtags,
          querystring: Type.Object(
            {
              status: Type.Optional(Type.String({ maxLength: 10 })),
              processor: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Array(VendorSchema), ...errors(ErrorResponse) },
        },
      },
      async (req) => vendors.list(actorOf(req), req.query),
    );

    app.post(
      '/vendors',
      {
        config: { permission: 'vendors.manage' },
        schema: {
          summary: 'Add a vendor with its due diligence',
          tags: vtags,
          body: VendorBody,
          response: { 201: VendorSchema, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) => reply.code(201).send(await vendors.create(actorOf(req), req.body)),
    );

    app.get(
      '/vendors/:vendorId',
      {
        config: { permission: 'governance.read' },
        schema: { summary: 'One vendor', tags: vtags, params: VParams, response: vone },
      },
      async (req) => vendors.get(actorOf(req), req.params.vendorId),
    );

    app.put(
      '/vendors/:vendorId',
      {
        config: { permission: 'vendors.manage' },
        schema: {
          summary: 'Change a vendor’s due diligence record',
          tags: vtags,
          params: VParams,
          body: VendorBody,
          response: vone,
        },
      },
      async (req) => vendors.update(actorOf(req), req.params.vendorId, req.body),
    );

    app.post(
      '/vendors/:vendorId/review',
      {
        config: { permission: 'vendors.manage' },
        schema: {
          summary: 'Record a due-diligence review and the next review date',
          tags: vtags,
          params: VParams,
          body: Type.Object(
            { nextReviewOn: Type.String({ maxLength: 10 }), note: Type.Optional(LongText(4000)) },
            { additionalProperties: false },
          ),
          response: vone,
        },
      },
      async (req) => vendors.review(actorOf(req), req.params.vendorId, req.body),
    );

    app.post(
      '/vendors/:vendorId/end',
      {
        config: { permission: 'vendors.manage' },
        schema: {
          summary: 'End the relationship (history is kept)',
          tags: vtags,
          params: VParams,
          body: Reason,
          response: vone,
        },
      },
      async (req) => vendors.end(actorOf(req), req.params.vendorId, req.body.reason),
    );
  };
}
