// Authorisation matrix entries for the reconciliation API (spread into MATRIX in
// matrix-routes.ts). Written from the issue: the SIRO, DPO, IAOs and handlers see runs and
// variances (personal data); the DPO, IAOs and handlers run reconciliations and override
// variances; the DPO, SIRO and IAOs approve overrides that change eligibility; the DPO, IAOs and
// handlers flag records as disputed or verified.
import type { Role } from '../../src/domain/policy/roles.ts';
import type { Actor } from '../../src/domain/policy/actor.ts';
import type { Run } from '../../src/domain/reconcile/reconcile.view.ts';
import type { Caller, MatrixContext, MatrixEntry } from './matrix-routes.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { generate } from '../helpers/reconcile-data.ts';
import { importMembers, memberAsset } from '../helpers/reconcile.ts';

const only = (...roles: Role[]): Caller[] => roles;
const READERS = only('siro', 'dpo', 'iao', 'handler');
const RUNNERS = only('dpo', 'iao', 'handler');
const APPROVERS = only('dpo', 'siro', 'iao');
const RECORD_READERS: Caller[] = ['siro', 'dpo', 'iao', 'caldicott', 'handler', 'system'];

const data = generate(60, 20);
const node = (ctx: MatrixContext, org: OrgFixture): Actor => ({ ...ctx.node, orgId: org.orgId });
const assets = new Map<string, string>();

async function assetOf(ctx: MatrixContext, org: OrgFixture): Promise<string> {
  let id = assets.get(org.orgId);
  if (!id) {
    id = (await memberAsset(ctx.services, org)).id;
    await importMembers(ctx.services, org, id, data.members);
    assets.set(org.orgId, id);
  }
  return id;
}

/** A fresh run (so each caller overrides a variance nobody has touched). */
async function runIn(ctx: MatrixContext, org: OrgFixture): Promise<Run> {
  return ctx.services.reconcile.reconciliations.start(node(ctx, org), {
    listAssetId: await assetOf(ctx, org),
    csv: data.paymentsCsv(),
  });
}

async function varianceIn(ctx: MatrixContext, org: OrgFixture, kind = 'only-in-b') {
  const run = await runIn(ctx, org);
  const page = await ctx.services.reconcile.variances.list(node(ctx, org), run.id, { kind });
  return page.variances[0]!;
}

/** An override waiting for approval, made by Accord (so any person may approve it). */
async function awaitingIn(ctx: MatrixContext, org: OrgFixture): Promise<string> {
  const v = await varianceIn(ctx, org, 'status-mismatch');
  const lapsed = v.a?.status === 'lapsed';
  return (
    await ctx.services.reconcile.overrides.override(node(ctx, org), v.id, {
      decision: 'set-status',
      newStatus: lapsed ? 'current' : 'lapsed',
      justification: 'matrix',
    })
  ).id;
}

async function recordIn(ctx: MatrixContext, org: OrgFixture): Promise<string> {
  const v = await varianceIn(ctx, org, 'address-mismatch');
  return v.aRef!.slice('record:'.length);
}

export const RECONCILE_MATRIX: Record<string, MatrixEntry> = {
  'GET /api/reconciliations': {
    permission: 'reconcile.read',
    allowed: READERS,
    build: async () => ({ url: '/api/reconciliations', ok: 200 }),
  },
  'POST /api/reconciliations': {
    permission: 'reconcile.run',
    allowed: RUNNERS,
    build: async (ctx) => ({
      url: '/api/reconciliations',
      payload: { listAssetId: await assetOf(ctx, ctx.own), csv: data.paymentsCsv() },
      ok: 201,
    }),
  },
  'GET /api/reconciliations/:runId': {
    permission: 'reconcile.read',
    allowed: READERS,
    build: async (ctx) => ({
      url: `/api/reconciliations/${(await runIn(ctx, ctx.own)).id}`,
      crossUrl: `/api/reconciliations/${(await runIn(ctx, ctx.other)).id}`,
      ok: 200,
    }),
  },
  'GET /api/reconciliations/:runId/variances': {
    permission: 'reconcile.read',
    allowed: READERS,
    build: async (ctx) => ({
      url: `/api/reconciliations/${(await runIn(ctx, ctx.own)).id}/variances?kind=only-in-b`,
      crossUrl: `/api/reconciliations/${(await runIn(ctx, ctx.other)).id}/variances`,
      ok: 200,
    }),
  },
  'GET /api/reconciliations/:runId/variances.csv': {
    permission: 'reconcile.read',
    allowed: READERS,
    build: async (ctx) => ({
      url: `/api/reconciliations/${(await runIn(ctx, ctx.own)).id}/variances.csv`,
      crossUrl: `/api/reconciliations/${(await runIn(ctx, ctx.other)).id}/variances.csv`,
      ok: 200,
    }),
  },
  'GET /api/variances/:varianceId': {
    permission: 'reconcile.read',
    allowed: READERS,
    build: async (ctx) => ({
      url: `/api/variances/${(await varianceIn(ctx, ctx.own)).id}`,
      crossUrl: `/api/variances/${(await varianceIn(ctx, ctx.other)).id}`,
      ok: 200,
    }),
  },
  'POST /api/variances/:varianceId/overrides': {
    permission: 'reconcile.override',
    allowed: RUNNERS,
    build: async (ctx) => ({
      url: `/api/variances/${(await varianceIn(ctx, ctx.own)).id}/overrides`,
      crossUrl: `/api/variances/${(await varianceIn(ctx, ctx.other)).id}/overrides`,
      payload: { decision: 'explained', justification: 'Paid by a relative', evidence: 'letter' },
      ok: 201,
    }),
  },
  'GET /api/overrides': {
    permission: 'reconcile.read',
    allowed: READERS,
    build: async () => ({ url: '/api/overrides', ok: 200 }),
  },
  'POST /api/overrides/:overrideId/decision': {
    permission: 'reconcile.approve',
    allowed: APPROVERS,
    build: async (ctx) => ({
      url: `/api/overrides/${await awaitingIn(ctx, ctx.own)}/decision`,
      crossUrl: `/api/overrides/${await awaitingIn(ctx, ctx.other)}/decision`,
      payload: { approve: true, note: 'checked' },
      ok: 200,
    }),
  },
  'GET /api/records/:recordId/accuracy': {
    permission: 'records.read',
    allowed: RECORD_READERS,
    build: async (ctx) => ({
      url: `/api/records/${await recordIn(ctx, ctx.own)}/accuracy`,
      crossUrl: `/api/records/${await recordIn(ctx, ctx.other)}/accuracy`,
      ok: 200,
    }),
  },
  'PUT /api/records/:recordId/accuracy': {
    permission: 'records.flag',
    allowed: RUNNERS,
    build: async (ctx) => ({
      url: `/api/records/${await recordIn(ctx, ctx.own)}/accuracy`,
      crossUrl: `/api/records/${await recordIn(ctx, ctx.other)}/accuracy`,
      payload: { flag: 'disputed', note: 'Member says the address is old' },
      ok: 200,
    }),
  },
};
