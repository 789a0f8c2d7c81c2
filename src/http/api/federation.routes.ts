// Federation between nodes. /.well-known/accord-node serves this node's public card; partner
// nodes POST envelopes to /api/federation/inbox (public: the envelope itself is authenticated —
// sealed to this node, signed by a trusted partner); administrators manage the trust list under
// /api/federation. Also the timer that retries the outbox.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AccordError } from '../../errors.ts';
import type { FederationModule } from '../../domain/federation/federation.wiring.ts';
import { INBOX_PATH } from '../../domain/federation/link.ts';
import { CARD_PATH } from '../../domain/federation/node-identity.ts';
import type { Services } from '../../services.ts';
import { ErrorResponse, IdParam } from '../schemas.ts';
import { actorOf, errors } from './helpers.ts';

const tags = ['federation'];
const fails = { ...errors(ErrorResponse), 422: ErrorResponse, 502: ErrorResponse };

const Jwk = Type.Object({}, { additionalProperties: true });
const CardSchema = Type.Object({
  nodeId: Type.String(),
  name: Type.String(),
  url: Type.String(),
  signingKey: Jwk,
  encryptionKey: Jwk,
  tlsCertSha256: Type.String(),
  fingerprint: Type.String(),
  fingerprintGrouped: Type.String(),
});
const NodeSchema = Type.Object({
  nodeId: Type.String(),
  name: Type.String(),
  url: Type.String(),
  fingerprint: Type.String(),
  state: Type.String(),
  addedBy: Type.String(),
  addedAt: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  organisations: Type.Array(Type.Object({ orgId: Type.String(), name: Type.String() })),
  features: Type.Union([Type.Array(Type.String()), Type.Null()]),
});
const Envelope = Type.Object(
  { envelope: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);
/** An envelope as posted: with the big field its message declares beside it, if any. */
const Posted = Type.Object(
  { envelope: Type.String({ minLength: 1 }), attachment: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

export function federationRoutes(services: Services): FastifyPluginAsync {
  const on = (): FederationModule => {
    if (!services.federation) throw new AccordError('FEDERATION_OFF');
    return services.federation;
  };
  return async (base) => {
    const app = base.withTypeProvider<TypeBoxTypeProvider>();
    app.get(CARD_PATH, { config: { page: 'public' }, schema: { hide: true } }, async () =>
      on().trust.card(),
    );
    app.post(
      INBOX_PATH,
      {
        config: { public: true },
        bodyLimit: services.config.federationMaxBytes,
        // Refused by Fastify before the handler runs: audited here as the inbox's refusals are.
        onError: async (req, _reply, e) => {
          if ((e as { code?: string }).code !== 'FST_ERR_CTP_BODY_TOO_LARGE') return;
          await services.federation?.inbox
            .tooLarge(INBOX_PATH, req.headers['content-length'], req.ip)
            .catch((err: unknown) =>
              req.log.error({ err }, 'auditing an oversized message failed'),
            );
        },
        schema: {
          summary: 'Receive an envelope from a partner node (sealed to this node, signed by it)',
          tags,
          body: Posted,
          response: { 200: Envelope, ...fails },
        },
      },
      async (req) => ({
        envelope: await on().inbox.receive(req.body.envelope, req.ip, req.body.attachment),
      }),
    );
    app.get(
      '/api/federation/card',
      {
        config: { permission: 'federation.manage' },
        schema: {
          summary: 'This node’s card: its keys, TLS pin and fingerprint to read to partners',
          tags,
          response: { 200: CardSchema, ...fails },
        },
      },
      async () => on().trust.card(),
    );
    app.get(
      '/api/federation/nodes',
      {
        config: { permission: 'federation.manage' },
        schema: {
          summary: 'The trust list of partner nodes and the organisations they host',
          tags,
          response: { 200: Type.Object({ nodes: Type.Array(NodeSchema) }), ...fails },
        },
      },
      async (req) => ({ nodes: await on().trust.list(actorOf(req)) }),
    );
    app.post(
      '/api/federation/nodes',
      {
        config: { permission: 'federation.manage' },
        schema: {
          summary: 'Trust a partner node: its card is fetched and must have the fingerprint given',
          tags,
          body: Type.Object(
            {
              url: Type.String({ minLength: 1, maxLength: 500 }),
              fingerprint: Type.String({ minLength: 1, maxLength: 200 }),
            },
            { additionalProperties: false },
          ),
          response: { 201: NodeSchema, ...fails },
        },
      },
      async (req, reply) =>
        reply
          .code(201)
          .send(await on().trust.trust(actorOf(req), req.body.url, req.body.fingerprint)),
    );
    app.delete(
      '/api/federation/nodes/:nodeId',
      {
        config: { permission: 'federation.manage' },
        schema: {
          summary: 'Revoke a partner node: its messages are refused from now on',
          tags,
          params: IdParam('nodeId'),
          response: { 200: NodeSchema, ...fails },
        },
      },
      async (req) => on().trust.revoke(actorOf(req), req.params.nodeId),
    );
  };
}

/** Retries the federation outbox every two seconds while federation is on. */
export function federationSchedule(services: Services): FastifyPluginAsync {
  return async (app) => {
    const f = services.federation;
    if (!f) return;
    let timer: NodeJS.Timeout | undefined;
    app.addHook('onReady', async () => {
      timer = setInterval(() => {
        f.outbox
          .flush()
          .catch((e: unknown) => app.log.error({ err: e }, 'federation outbox failed'));
      }, 2000);
      timer.unref();
    });
    app.addHook('onClose', async () => clearInterval(timer));
  };
}
