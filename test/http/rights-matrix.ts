// Authorisation matrix entries for the rights API (spread into MATRIX in matrix-routes.ts).
// Written from the issue: the DPO handles subject requests (bundles, erasure, restriction,
// rectification); the SIRO, Caldicott Guardian and auditors may see them; the DPO and SIRO run
// retention sweeps and set legal holds; IAOs and auditors may see what retention will do.
import type { Role } from '../../src/domain/policy/roles.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { nhsNumber, person } from '../helpers/records.ts';
import type { Caller, MatrixContext, MatrixEntry } from './matrix-routes.ts';

const only = (...roles: Role[]): Caller[] => roles;
const READERS = only('dpo', 'siro', 'caldicott', 'auditor');
const HANDLERS = only('dpo');
const RETENTION_READERS = only('dpo', 'siro', 'iao', 'auditor');
const RETENTION_RUNNERS = only('dpo', 'siro');

let n = 0;
const unique = (s: string): string => `${s}-${Date.now().toString(36)}-${++n}`;
const nodeFor = (ctx: MatrixContext, org: OrgFixture) => ({ ...ctx.node, orgId: org.orgId });

async function assetIn(ctx: MatrixContext, org: OrgFixture): Promise<string> {
  return (
    await ctx.services.assets.create(nodeFor(ctx, org), {
      name: unique('rights-asset'),
      ownerPersonId: org.people.iao.personId,
      typeKey: 'person',
      classification: 'OFFICIAL-SENSITIVE',
      lawfulBasis: 'art6-1-a',
      retentionPeriod: 'P6Y',
      retentionFrom: 'lastContact',
    })
  ).id;
}

/** A verified request of `kind` about a person with one record in a new asset. */
async function requestIn(
  ctx: MatrixContext,
  org: OrgFixture,
  kind = 'access',
): Promise<{ id: string; recordId: string }> {
  const p = person(5000 + ++n * 11);
  const w = await ctx.services.records.create(
    nodeFor(ctx, org),
    await assetIn(ctx, org),
    p,
    'matrix',
  );
  const r = await ctx.services.rights.requests.log(nodeFor(ctx, org), {
    kind,
    channel: 'letter',
    identifiers: { nhsNumber: String(p.nhsNumber) },
    identityVerified: true,
  });
  return { id: r.id, recordId: w.recordId };
}

async function holdIn(ctx: MatrixContext, org: OrgFixture): Promise<string> {
  return (
    await ctx.services.rights.holds.set(nodeFor(ctx, org), {
      scope: 'asset',
      targetId: await assetIn(ctx, org),
      reason: 'matrix',
    })
  ).id;
}

const onRequest = (
  path: string,
  kind: string,
  payload: (r: { id: string; recordId: string }) => unknown,
  ok = 200,
) => ({
  permission: 'rights.manage' as const,
  allowed: HANDLERS,
  build: async (ctx: MatrixContext) => {
    const own = await requestIn(ctx, ctx.own, kind);
    const other = await requestIn(ctx, ctx.other, kind);
    return {
      url: `/api/rights/requests/${own.id}${path}`,
      crossUrl: `/api/rights/requests/${other.id}${path}`,
      payload: payload(own),
      ok,
    };
  },
});

export const RIGHTS_MATRIX: Record<string, MatrixEntry> = {
  'GET /api/rights/requests': {
    permission: 'rights.read',
    allowed: READERS,
    build: async () => ({ url: '/api/rights/requests?state=all', ok: 200 }),
  },
  'POST /api/rights/requests': {
    permission: 'rights.manage',
    allowed: HANDLERS,
    build: async () => ({
      url: '/api/rights/requests',
      payload: { kind: 'access', channel: 'email', identifiers: { nhsNumber: nhsNumber(++n) } },
      ok: 201,
    }),
  },
  'GET /api/rights/requests/:requestId': {
    permission: 'rights.read',
    allowed: READERS,
    build: async (ctx) => ({
      url: `/api/rights/requests/${(await requestIn(ctx, ctx.own)).id}`,
      crossUrl: `/api/rights/requests/${(await requestIn(ctx, ctx.other)).id}`,
      ok: 200,
    }),
  },
  'POST /api/rights/requests/:requestId/moves': onRequest('/moves', 'access', () => ({
    move: 'start',
  })),
  'POST /api/rights/requests/:requestId/extension': onRequest('/extension', 'access', () => ({
    months: 1,
    reason: 'numerous records',
  })),
  'GET /api/rights/requests/:requestId/bundle': onRequest('/bundle', 'access', () => undefined),
  'POST /api/rights/requests/:requestId/redactions': onRequest(
    '/redactions',
    'access',
    (r) => ({ recordId: r.recordId, field: 'address', text: 'High Street', reason: 'matrix' }),
    201,
  ),
  'POST /api/rights/requests/:requestId/erasure': onRequest('/erasure', 'erasure', () => ({})),
  'POST /api/rights/requests/:requestId/restriction': onRequest(
    '/restriction',
    'restriction',
    () => ({ reason: 'accuracy contested' }),
  ),
  'POST /api/rights/requests/:requestId/rectification': onRequest(
    '/rectification',
    'rectification',
    (r) => ({ recordId: r.recordId, changes: { address: '2 New Road' }, reason: 'moved' }),
  ),
  'GET /api/retention/due': {
    permission: 'retention.read',
    allowed: RETENTION_READERS,
    build: async () => ({ url: '/api/retention/due', ok: 200 }),
  },
  'POST /api/retention/sweeps': {
    permission: 'retention.run',
    allowed: RETENTION_RUNNERS,
    build: async () => ({ url: '/api/retention/sweeps', payload: { dryRun: true }, ok: 200 }),
  },
  'GET /api/retention/holds': {
    permission: 'retention.read',
    allowed: RETENTION_READERS,
    build: async () => ({ url: '/api/retention/holds', ok: 200 }),
  },
  'POST /api/retention/holds': {
    permission: 'holds.manage',
    allowed: RETENTION_RUNNERS,
    build: async (ctx) => ({
      url: '/api/retention/holds',
      payload: { scope: 'asset', targetId: await assetIn(ctx, ctx.own), reason: 'matrix' },
      ok: 201,
    }),
  },
  'POST /api/retention/holds/:holdId/lift': {
    permission: 'holds.manage',
    allowed: RETENTION_RUNNERS,
    build: async (ctx) => ({
      url: `/api/retention/holds/${await holdIn(ctx, ctx.own)}/lift`,
      crossUrl: `/api/retention/holds/${await holdIn(ctx, ctx.other)}/lift`,
      payload: { reason: 'matrix done' },
      ok: 200,
    }),
  },
};
