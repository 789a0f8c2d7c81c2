// The audit log's public face: the latest signed checkpoint with the node's public key, inclusion
// proofs and consistency proofs. These reveal hashes only, never entries, so a partner or a
// regulator can check that an event is logged without seeing the rest of the log.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../../services.ts';
import { AccordError } from '../../errors.ts';
import { consistencyProof, inclusionProof } from '../../domain/audit/proofs.ts';
import { ErrorResponse } from '../schemas.ts';
import { actorOf, errors } from './helpers.ts';

const EntrySchema = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  orgId: Type.Union([Type.String(), Type.Null()]),
  actor: Type.String(),
  action: Type.String(),
  target: Type.Union([Type.String(), Type.Null()]),
  purpose: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
});

const Hex = Type.String({ pattern: '^[0-9a-f]*$' });
export const CheckpointSchema = Type.Object({
  size: Type.Integer(),
  root: Hex,
  at: Type.String({ format: 'date-time' }),
  keyId: Type.String(),
  note: Type.String({ description: 'The signed text: origin, tree size, base64 root hash, time.' }),
  signature: Type.String({ description: 'Ed25519 signature of `note`, base64.' }),
});

export function auditRoutes(services: Services): FastifyPluginAsync {
  return async (appBase) => {
    const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      '/checkpoint',
      {
        config: { public: true },
        schema: {
          summary: 'The latest signed checkpoint of the audit log, and the key that signed it',
          tags: ['audit'],
          response: {
            200: Type.Object({
              checkpoint: Type.Union([CheckpointSchema, Type.Null()]),
              publicKey: Type.String({
                description: 'Ed25519 public key, raw bytes base64url (JWK "x").',
              }),
              keyId: Type.String(),
            }),
          },
        },
      },
      async () => ({
        checkpoint: (await services.audit.checkpoint()) ?? null,
        publicKey: services.keys.publicKeyRaw,
        keyId: services.keys.keyId,
      }),
    );

    app.get(
      '/proof/:seq',
      {
        config: { public: true },
        schema: {
          summary: 'Proof that an audit entry is included in the signed log',
          tags: ['audit'],
          params: Type.Object({ seq: Type.Integer({ minimum: 0 }) }),
          response: {
            200: Type.Object({
              seq: Type.Integer(),
              treeSize: Type.Integer(),
              leafHash: Hex,
              path: Type.Array(Hex),
              checkpoint: CheckpointSchema,
            }),
            404: ErrorResponse,
          },
        },
      },
      async (req) => inclusionProof(services.audit, req.params.seq),
    );

    app.get(
      '/consistency',
      {
        config: { public: true },
        schema: {
          summary: 'Proof that a later tree only appended to an earlier one',
          tags: ['audit'],
          querystring: Type.Object({
            first: Type.Integer({ minimum: 1 }),
            second: Type.Integer({ minimum: 1 }),
          }),
          response: {
            200: Type.Object({
              first: Type.Integer(),
              second: Type.Integer(),
              firstRoot: Hex,
              secondRoot: Hex,
              path: Type.Array(Hex),
            }),
            400: ErrorResponse,
          },
        },
      },
      async (req) => {
        if (req.query.first > req.query.second)
          throw new AccordError('AUDIT_BAD_RANGE', 'first must not be larger than second.');
        return consistencyProof(services.audit, req.query.first, req.query.second);
      },
    );

    app.get(
      '/entries',
      {
        config: { permission: 'audit.read' },
        schema: {
          summary: "Your organisation's audit entries, newest first (auditor, DPO, SIRO)",
          tags: ['audit'],
          querystring: Type.Object(
            {
              actor: Type.Optional(Type.String()),
              action: Type.Optional(Type.String()),
              target: Type.Optional(Type.String()),
              before: Type.Optional(Type.Integer({ minimum: 0 })),
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Array(EntrySchema), ...errors(ErrorResponse) },
        },
      },
      async (req) => services.auditReader.entries(actorOf(req), req.query),
    );
  };
}
