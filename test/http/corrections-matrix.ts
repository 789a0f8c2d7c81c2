// Authorisation matrix entries for the corrections API (spread into MATRIX in matrix-routes.ts).
// Written from the issue: those who see transfers see the notices sent and received; those who
// open and acknowledge transfers (handlers, IAOs, partner systems) apply or dispute a notice
// received; those who see subject requests see the notices a request led to.
import type { Role } from '../../src/domain/policy/roles.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { correctionNotice } from '../helpers/corrections.ts';
import type { Caller, MatrixContext, MatrixEntry } from './matrix-routes.ts';

const only = (...roles: Role[]): Caller[] => roles;
const READERS: Caller[] = [
  ...only('siro', 'dpo', 'iao', 'caldicott', 'handler', 'auditor'),
  'system',
];
const MOVERS: Caller[] = [...only('iao', 'handler'), 'system'];
const REQUEST_READERS = only('dpo', 'siro', 'caldicott', 'auditor');

const notice = (ctx: MatrixContext, from: OrgFixture, to: OrgFixture) =>
  correctionNotice(ctx.services, from, to, async (org) => ({ ...ctx.node, orgId: org.orgId }));
const url = (id: string, step = ''): string => `/api/corrections/${id}${step ? `/${step}` : ''}`;

export const CORRECTIONS_MATRIX: Record<string, MatrixEntry> = {
  'GET /api/corrections': {
    permission: 'exchange.read',
    allowed: READERS,
    build: async () => ({ url: '/api/corrections?direction=received', ok: 200 }),
  },
  'GET /api/corrections/:noticeId': {
    permission: 'exchange.read',
    allowed: READERS,
    build: async (ctx) => ({ url: url((await notice(ctx, ctx.own, ctx.other)).noticeId), ok: 200 }),
  },
  'POST /api/corrections/:noticeId/apply': {
    permission: 'exchange.receive',
    allowed: MOVERS,
    build: async (ctx) => ({
      url: url((await notice(ctx, ctx.other, ctx.own)).noticeId, 'apply'),
      crossUrl: url((await notice(ctx, ctx.own, ctx.other)).noticeId, 'apply'),
      ok: 200,
    }),
  },
  'POST /api/corrections/:noticeId/dispute': {
    permission: 'exchange.receive',
    allowed: MOVERS,
    build: async (ctx) => ({
      url: url((await notice(ctx, ctx.other, ctx.own)).noticeId, 'dispute'),
      payload: { reason: 'Our record was checked against the original' },
      crossUrl: url((await notice(ctx, ctx.own, ctx.other)).noticeId, 'dispute'),
      ok: 200,
    }),
  },
  'GET /api/rights/requests/:requestId/corrections': {
    permission: 'rights.read',
    allowed: REQUEST_READERS,
    build: async (ctx) => ({
      url: `/api/rights/requests/${(await notice(ctx, ctx.own, ctx.other)).requestId}/corrections`,
      crossUrl: `/api/rights/requests/${(await notice(ctx, ctx.other, ctx.own)).requestId}/corrections`,
      ok: 200,
    }),
  },
};
