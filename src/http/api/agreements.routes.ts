// /api/agreements, /api/agreement-versions, /api/purposes, /api/sharing/decide and
// /api/decisions/:seq/why: the agreement register and lifecycle, the purposes vocabulary, asking
// the policy decision point, and the explanation of any logged decision.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../../services.ts';
import { withAccess } from '../../domain/policy/gate.ts';
import { ErrorResponse, IdParam } from '../schemas.ts';
import { actorOf, errors } from './helpers.ts';
import {
  AgreementSchema,
  DecisionSchema,
  ExplanationSchema,
  PurposeSchema,
  TermsSchema,
} from './agreements.schemas.ts';

const tags = ['agreements'];
const VersionParam = IdParam('versionId');
const ProblemList = Type.Array(
  Type.Object({ field: Type.Optional(Type.String()), message: Type.String() }),
);

export function agreementsRoutes(services: Services): FastifyPluginAsync {
  const { agreements } = services;
  return async (base) => {
    const app = base.withTypeProvider<TypeBoxTypeProvider>();
    const ok = { 200: AgreementSchema, ...errors(ErrorResponse) };

    app.get(
      '/agreements',
      {
        config: { permission: 'agreements.read' },
        schema: {
          summary: 'Agreements your organisation proposed or is party to, with status and review',
          tags,
          response: { 200: Type.Array(AgreementSchema), ...errors(ErrorResponse) },
        },
      },
      async (req) => agreements.list(actorOf(req)),
    );
    app.post(
      '/agreements',
      {
        config: { permission: 'agreements.write' },
        schema: {
          summary: 'Start a draft agreement',
          tags,
          body: Type.Object(
            { title: Type.String({ maxLength: 200 }) },
            { additionalProperties: false },
          ),
          response: { 201: AgreementSchema, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await agreements.draft(actorOf(req), req.body.title)),
    );
    app.get(
      '/agreements/:agreementId',
      {
        config: { permission: 'agreements.read' },
        schema: {
          summary: 'One agreement, by id or reference (DSA-12)',
          tags,
          params: IdParam('agreementId'),
          response: ok,
        },
      },
      async (req) => agreements.find(actorOf(req), req.params.agreementId),
    );
    app.post(
      '/agreements/:agreementId/versions',
      {
        config: { permission: 'agreements.write' },
        schema: {
          summary:
            'Start a new version from the latest terms (the version in force stays in force)',
          tags,
          params: IdParam('agreementId'),
          response: { 201: AgreementSchema, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await agreements.newVersion(actorOf(req), req.params.agreementId)),
    );
    app.put(
      '/agreement-versions/:versionId/terms',
      {
        config: { permission: 'agreements.write' },
        schema: {
          summary: 'Save a draft’s terms (incomplete terms are fine until proposal)',
          tags,
          params: VersionParam,
          body: TermsSchema,
          response: ok,
        },
      },
      async (req) => agreements.saveDraft(actorOf(req), req.params.versionId, req.body),
    );
    app.get(
      '/agreement-versions/:versionId/problems',
      {
        config: { permission: 'agreements.write' },
        schema: {
          summary: 'What stops a draft being proposed (every problem)',
          tags,
          params: VersionParam,
          response: { 200: ProblemList, ...errors(ErrorResponse) },
        },
      },
      async (req) => agreements.problems(actorOf(req), req.params.versionId),
    );
    app.post(
      '/agreement-versions/:versionId/propose',
      {
        config: { permission: 'agreements.write' },
        schema: {
          summary: 'Propose a draft to every party',
          tags,
          params: VersionParam,
          response: ok,
        },
      },
      async (req) => agreements.propose(actorOf(req), req.params.versionId),
    );
    app.post(
      '/agreement-versions/:versionId/withdraw',
      {
        config: { permission: 'agreements.write' },
        schema: {
          summary: 'Withdraw a draft or a proposal',
          tags,
          params: VersionParam,
          response: ok,
        },
      },
      async (req) => agreements.withdraw(actorOf(req), req.params.versionId),
    );
    app.post(
      '/agreement-versions/:versionId/decision',
      {
        config: { permission: 'agreements.approve' },
        schema: {
          summary: 'Approve or reject a proposed version for your organisation (DPO and SIRO)',
          tags,
          params: VersionParam,
          body: Type.Object(
            {
              decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
              comment: Type.Optional(Type.String({ maxLength: 2000 })),
            },
            { additionalProperties: false },
          ),
          response: ok,
        },
      },
      async (req) =>
        agreements.decide(
          actorOf(req),
          req.params.versionId,
          req.body.decision,
          req.body.comment ?? null,
        ),
    );
    app.post(
      '/agreement-versions/:versionId/control',
      {
        config: { permission: 'agreements.approve' },
        schema: {
          summary:
            'Suspend, resume or terminate an approved version (terminate may name a later time)',
          tags,
          params: VersionParam,
          body: Type.Object(
            {
              action: Type.Union([
                Type.Literal('suspend'),
                Type.Literal('resume'),
                Type.Literal('terminate'),
              ]),
              reason: Type.String({ maxLength: 2000 }),
              at: Type.Optional(Type.String({ format: 'date-time' })),
            },
            { additionalProperties: false },
          ),
          response: ok,
        },
      },
      async (req) =>
        agreements.control(
          actorOf(req),
          req.params.versionId,
          req.body.action,
          req.body.reason,
          req.body.at,
        ),
    );

    app.get(
      '/purposes',
      {
        config: { permission: 'agreements.read' },
        schema: {
          summary: 'The purposes vocabulary',
          tags,
          response: { 200: Type.Array(PurposeSchema), ...errors(ErrorResponse) },
        },
      },
      async (req) => services.purposes.list(actorOf(req)),
    );
    app.post(
      '/purposes',
      {
        config: { permission: 'purposes.manage' },
        schema: {
          summary: 'Add a purpose to the vocabulary',
          tags,
          body: Type.Object(
            {
              key: Type.String({ maxLength: 60 }),
              label: Type.String({ maxLength: 200 }),
              description: Type.Optional(Type.String({ maxLength: 1000 })),
            },
            { additionalProperties: false },
          ),
          response: { 201: PurposeSchema, ...errors(ErrorResponse) },
        },
      },
      async (req, reply) =>
        reply.code(201).send(
          await services.purposes.add(actorOf(req), {
            key: req.body.key,
            label: req.body.label,
            description: req.body.description ?? '',
          }),
        ),
    );

    app.post(
      '/sharing/decide',
      {
        config: { permission: 'agreements.read' },
        schema: {
          summary:
            'Ask the policy decision point: may you receive this from that organisation, for this purpose, now? (audited; nothing is shared)',
          tags,
          body: Type.Object(
            {
              operation: Type.Union([
                Type.Literal('transfer'),
                Type.Literal('lookup'),
                Type.Literal('check'),
              ]),
              providerOrgId: Type.String({ maxLength: 100 }),
              recordType: Type.String({ maxLength: 60 }),
              purpose: Type.String({ minLength: 1, maxLength: 200 }),
              fields: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 200 })),
              checkKey: Type.Optional(Type.String({ maxLength: 60 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: DecisionSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) =>
        withAccess(services, actorOf(req), (gate) => services.sharing.decide(gate, req.body)),
    );
    app.get(
      '/decisions/:seq/why',
      {
        config: { permission: 'decisions.explain' },
        schema: {
          summary: 'Why a logged decision was made, and what to do next',
          tags,
          params: Type.Object({ seq: Type.Integer({ minimum: 0 }) }),
          response: { 200: ExplanationSchema, ...errors(ErrorResponse) },
        },
      },
      async (req) => services.why.explain(actorOf(req), req.params.seq),
    );
  };
}
