// Authorisation matrix entries for the exchange API (spread into MATRIX in matrix-routes.ts).
// Written from the issue: handlers and IAOs send and receive transfers; those who may read
// personal data run look-ups and checks; the inbox and outbox are seen by those roles and by
// auditors; an administrator sets the webhook; an administrator or the DPO rotates the exchange
// key. Partner systems may do all but the webhook and the keys.
import type { Role } from '../../src/domain/policy/roles.ts';
import type { Actor } from '../../src/domain/policy/actor.ts';
import type { Caller, MatrixContext, MatrixEntry } from './matrix-routes.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { CHECK_KEY, exchangeAgreement, peopleAsset } from '../helpers/exchange.ts';
import { person } from '../helpers/records.ts';

const only = (...roles: Role[]): Caller[] => roles;
const READERS: Caller[] = [
  ...only('siro', 'dpo', 'iao', 'caldicott', 'handler', 'auditor'),
  'system',
];
const MOVERS: Caller[] = [...only('iao', 'handler'), 'system'];
const ASKERS: Caller[] = [...only('siro', 'dpo', 'iao', 'caldicott', 'handler'), 'system'];

const node = (ctx: MatrixContext, org: OrgFixture): Actor => ({ ...ctx.node, orgId: org.orgId });

/** Per pair of organisations, once: an agreement each way and an asset of people each side. */
const pairs = new Map<string, Promise<{ agreementId: string; source: string; inbox: string }>>();
function setUp(ctx: MatrixContext, from: OrgFixture, to: OrgFixture) {
  const key = `${from.orgId}>${to.orgId}`;
  let p = pairs.get(key);
  if (!p) {
    p = (async () => {
      const a = await exchangeAgreement(ctx.services, from, to);
      return {
        agreementId: a.id,
        source: await peopleAsset(ctx.services, from, 2),
        inbox: await peopleAsset(ctx.services, to, 0),
      };
    })();
    pairs.set(key, p);
  }
  return p;
}

async function draft(ctx: MatrixContext, from: OrgFixture, to: OrgFixture): Promise<string> {
  const pair = await setUp(ctx, from, to);
  return (
    await ctx.services.exchange.transfers.create(node(ctx, from), {
      recipientOrgId: to.orgId,
      agreementId: pair.agreementId,
      purpose: 'safeguarding',
      recordType: 'person',
      selection: { kind: 'asset', assetId: pair.source },
    })
  ).id;
}

async function delivered(ctx: MatrixContext, from: OrgFixture, to: OrgFixture): Promise<string> {
  const id = await draft(ctx, from, to);
  await ctx.services.exchange.transfers.ready(node(ctx, from), id);
  return id;
}

async function opened(ctx: MatrixContext, from: OrgFixture, to: OrgFixture): Promise<string> {
  const id = await delivered(ctx, from, to);
  await ctx.services.exchange.transfers.open(node(ctx, to), id, (await setUp(ctx, from, to)).inbox);
  return id;
}

const transferUrl = (id: string, step = ''): string =>
  `/api/exchange/transfers/${id}${step ? `/${step}` : ''}`;

export const EXCHANGE_MATRIX: Record<string, MatrixEntry> = {
  'GET /api/exchange/inbox': {
    permission: 'exchange.read',
    allowed: READERS,
    build: async () => ({ url: '/api/exchange/inbox', ok: 200 }),
  },
  'GET /api/exchange/outbox': {
    permission: 'exchange.read',
    allowed: READERS,
    build: async () => ({ url: '/api/exchange/outbox', ok: 200 }),
  },
  'GET /api/exchange/notifications': {
    permission: 'exchange.read',
    allowed: READERS,
    build: async () => ({ url: '/api/exchange/notifications', ok: 200 }),
  },
  'GET /api/exchange/transfers/:transferId': {
    permission: 'exchange.read',
    allowed: READERS,
    build: async (ctx) => ({
      url: transferUrl(await draft(ctx, ctx.own, ctx.other)),
      crossUrl: transferUrl(await draft(ctx, ctx.other, ctx.own)),
      ok: 200,
    }),
  },
  'POST /api/exchange/transfers': {
    permission: 'exchange.send',
    allowed: MOVERS,
    build: async (ctx) => {
      const pair = await setUp(ctx, ctx.own, ctx.other);
      return {
        url: '/api/exchange/transfers',
        payload: {
          recipientOrgId: ctx.other.orgId,
          agreementId: pair.agreementId,
          purpose: 'safeguarding',
          recordType: 'person',
          selection: { kind: 'asset', assetId: pair.source },
        },
        ok: 201,
      };
    },
  },
  'POST /api/exchange/transfers/upload': {
    permission: 'exchange.send',
    allowed: MOVERS,
    build: async (ctx) => {
      const pair = await setUp(ctx, ctx.own, ctx.other);
      const query = new URLSearchParams({
        recipientOrgId: ctx.other.orgId,
        agreementId: pair.agreementId,
        purpose: 'safeguarding',
        recordType: 'person',
      });
      return {
        url: `/api/exchange/transfers/upload?${query.toString()}`,
        payload: `${JSON.stringify(person(3))}\n`,
        contentType: 'application/x-ndjson',
        ok: 201,
      };
    },
  },
  'POST /api/exchange/transfers/:transferId/ready': {
    permission: 'exchange.send',
    allowed: MOVERS,
    build: async (ctx) => ({
      url: transferUrl(await draft(ctx, ctx.own, ctx.other), 'ready'),
      crossUrl: transferUrl(await draft(ctx, ctx.other, ctx.own), 'ready'),
      ok: 200,
    }),
  },
  'POST /api/exchange/transfers/:transferId/recall': {
    permission: 'exchange.send',
    allowed: MOVERS,
    build: async (ctx) => ({
      url: transferUrl(await delivered(ctx, ctx.own, ctx.other), 'recall'),
      crossUrl: transferUrl(await delivered(ctx, ctx.other, ctx.own), 'recall'),
      ok: 200,
    }),
  },
  'POST /api/exchange/transfers/:transferId/open': {
    permission: 'exchange.receive',
    allowed: MOVERS,
    build: async (ctx) => ({
      url: transferUrl(await delivered(ctx, ctx.other, ctx.own), 'open'),
      payload: { assetId: (await setUp(ctx, ctx.other, ctx.own)).inbox },
      crossUrl: transferUrl(await delivered(ctx, ctx.own, ctx.other), 'open'),
      ok: 200,
    }),
  },
  'POST /api/exchange/transfers/:transferId/acknowledge': {
    permission: 'exchange.receive',
    allowed: MOVERS,
    build: async (ctx) => ({
      url: transferUrl(await opened(ctx, ctx.other, ctx.own), 'acknowledge'),
      crossUrl: transferUrl(await opened(ctx, ctx.own, ctx.other), 'acknowledge'),
      ok: 200,
    }),
  },
  'POST /api/exchange/transfers/:transferId/reject': {
    permission: 'exchange.receive',
    allowed: MOVERS,
    build: async (ctx) => ({
      url: transferUrl(await delivered(ctx, ctx.other, ctx.own), 'reject'),
      payload: { reason: 'Not for us' },
      crossUrl: transferUrl(await delivered(ctx, ctx.own, ctx.other), 'reject'),
      ok: 200,
    }),
  },
  'POST /api/exchange/lookups': {
    permission: 'exchange.query',
    allowed: ASKERS,
    build: async (ctx) => {
      await setUp(ctx, ctx.other, ctx.own);
      return {
        url: '/api/exchange/lookups',
        payload: {
          providerOrgId: ctx.other.orgId,
          purpose: 'safeguarding',
          identifiers: { nhsNumber: String(person(0).nhsNumber) },
        },
        ok: 200,
      };
    },
  },
  'POST /api/exchange/checks': {
    permission: 'exchange.query',
    allowed: ASKERS,
    build: async (ctx) => {
      await setUp(ctx, ctx.other, ctx.own);
      return {
        url: '/api/exchange/checks',
        payload: {
          providerOrgId: ctx.other.orgId,
          purpose: 'safeguarding',
          checkKey: CHECK_KEY,
          identifiers: { nhsNumber: String(person(1).nhsNumber) },
        },
        ok: 200,
      };
    },
  },
  'GET /api/exchange/webhook': {
    permission: 'exchange.settings',
    allowed: only('administrator'),
    build: async () => ({ url: '/api/exchange/webhook', ok: 200 }),
  },
  'PUT /api/exchange/webhook': {
    permission: 'exchange.settings',
    allowed: only('administrator'),
    build: async () => ({ url: '/api/exchange/webhook', payload: { url: null }, ok: 200 }),
  },
  // Rotating the exchange key is a security decision: the administrator or the DPO, no tokens of
  // partner systems.
  'GET /api/exchange/keys': {
    permission: 'exchange.keys',
    allowed: only('administrator', 'dpo'),
    build: async () => ({ url: '/api/exchange/keys', ok: 200 }),
  },
  'POST /api/exchange/keys/rotate': {
    permission: 'exchange.keys',
    allowed: only('administrator', 'dpo'),
    build: async () => ({ url: '/api/exchange/keys/rotate', ok: 200 }),
  },
};
