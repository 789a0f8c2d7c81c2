// Authorisation matrix entries for the records module (see matrix-routes.ts).
import { Readable } from 'node:stream';
import { ROLES } from '../../src/domain/policy/roles.ts';
import type { Role } from '../../src/domain/policy/roles.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { person } from '../helpers/records.ts';
import type { Caller, MatrixContext, MatrixEntry } from './matrix-routes.ts';

const PEOPLE: Caller[] = [...ROLES, 'member'];
const EVERYONE: Caller[] = [...PEOPLE, 'system'];
const only = (...roles: Role[]): Caller[] => roles;
const READERS: Caller[] = ['siro', 'dpo', 'iao', 'caldicott', 'handler', 'system'];
const WRITERS: Caller[] = ['iao', 'handler', 'system'];
const ASSET_MANAGERS: Caller[] = only('administrator', 'iao', 'dpo', 'siro');

let n = 0;
const unique = (s: string): string => `${s}-${Date.now().toString(36)}-${++n}`;
const nodeFor = (ctx: MatrixContext, org: OrgFixture) => ({ ...ctx.node, orgId: org.orgId });

function assetBody(org: OrgFixture) {
  return {
    name: unique('asset'),
    ownerPersonId: org.people.iao.personId,
    typeKey: 'person',
    classification: 'OFFICIAL-SENSITIVE',
    lawfulBasis: 'art6-1-e',
    retentionPeriod: 'P6Y',
    retentionFrom: 'lastContact',
  };
}

async function assetIn(ctx: MatrixContext, org: OrgFixture): Promise<string> {
  return (await ctx.services.assets.create(nodeFor(ctx, org), assetBody(org))).id;
}

async function recordIn(
  ctx: MatrixContext,
  org: OrgFixture,
): Promise<{ recordId: string; nhs: string }> {
  const p = person(++n * 13);
  const w = await ctx.services.records.create(
    nodeFor(ctx, org),
    await assetIn(ctx, org),
    p,
    'matrix',
  );
  return { recordId: w.recordId, nhs: String(p.nhsNumber) };
}

async function importIn(ctx: MatrixContext, org: OrgFixture): Promise<string> {
  const assetId = await assetIn(ctx, org);
  const job = await ctx.services.imports.run(nodeFor(ctx, org), {
    assetId,
    format: 'jsonl',
    fileName: 'm.jsonl',
    stream: Readable.from([`${JSON.stringify(person(++n * 17))}\n`]),
    purpose: 'matrix',
  });
  return job.id;
}

async function typeIn(ctx: MatrixContext, org: OrgFixture): Promise<string> {
  return (await ctx.services.recordTypes.list(nodeFor(ctx, org)))[0]!.id;
}

export const RECORDS_MATRIX: Record<string, MatrixEntry> = {
  'GET /api/record-types': {
    permission: 'record-types.read',
    allowed: EVERYONE,
    build: async () => ({ url: '/api/record-types', ok: 200 }),
  },
  'GET /api/record-types/:typeId': {
    permission: 'record-types.read',
    allowed: EVERYONE,
    build: async (ctx) => ({
      url: `/api/record-types/${await typeIn(ctx, ctx.own)}`,
      crossUrl: `/api/record-types/${await typeIn(ctx, ctx.other)}`,
      ok: 200,
    }),
  },
  'POST /api/record-types': {
    permission: 'record-types.manage',
    allowed: only('administrator', 'dpo'),
    build: async () => ({
      url: '/api/record-types',
      payload: {
        key: unique('t')
          .toLowerCase()
          .replace(/[^a-z0-9-]/g, '-'),
        title: 'Tenancy',
        schema: {
          type: 'object',
          properties: {
            tenancyRef: { type: 'string', 'x-accord': { category: 'none', marking: 'OFFICIAL' } },
          },
        },
      },
      ok: 201,
    }),
  },
  'GET /api/assets': {
    permission: 'assets.read',
    allowed: PEOPLE,
    build: async () => ({ url: '/api/assets', ok: 200 }),
  },
  'POST /api/assets': {
    permission: 'assets.manage',
    allowed: ASSET_MANAGERS,
    build: async (ctx) => ({ url: '/api/assets', payload: assetBody(ctx.own), ok: 201 }),
  },
  'GET /api/assets/:assetId': {
    permission: 'assets.read',
    allowed: PEOPLE,
    build: async (ctx) => ({
      url: `/api/assets/${await assetIn(ctx, ctx.own)}`,
      crossUrl: `/api/assets/${await assetIn(ctx, ctx.other)}`,
      ok: 200,
    }),
  },
  'PUT /api/assets/:assetId': {
    permission: 'assets.manage',
    allowed: ASSET_MANAGERS,
    build: async (ctx) => ({
      url: `/api/assets/${await assetIn(ctx, ctx.own)}`,
      crossUrl: `/api/assets/${await assetIn(ctx, ctx.other)}`,
      payload: assetBody(ctx.own),
      ok: 200,
    }),
  },
  'POST /api/assets/:assetId/records': {
    permission: 'records.write',
    allowed: WRITERS,
    build: async (ctx) => ({
      url: `/api/assets/${await assetIn(ctx, ctx.own)}/records`,
      crossUrl: `/api/assets/${await assetIn(ctx, ctx.other)}/records`,
      payload: { purpose: 'matrix', record: person(++n * 31) },
      ok: 201,
    }),
  },
  'GET /api/records/:recordId': {
    permission: 'records.read',
    allowed: READERS,
    build: async (ctx) => ({
      url: `/api/records/${(await recordIn(ctx, ctx.own)).recordId}?purpose=matrix`,
      crossUrl: `/api/records/${(await recordIn(ctx, ctx.other)).recordId}?purpose=matrix`,
      ok: 200,
    }),
  },
  'POST /api/lookups': {
    permission: 'records.read',
    allowed: READERS,
    build: async (ctx) => ({
      url: '/api/lookups',
      payload: { purpose: 'matrix', nhsNumber: (await recordIn(ctx, ctx.own)).nhs },
      ok: 200,
    }),
  },
  'POST /api/assets/:assetId/imports': {
    permission: 'records.write',
    allowed: WRITERS,
    build: async (ctx) => ({
      url: `/api/assets/${await assetIn(ctx, ctx.own)}/imports?purpose=matrix`,
      crossUrl: `/api/assets/${await assetIn(ctx, ctx.other)}/imports?purpose=matrix`,
      payload: `${JSON.stringify(person(++n * 37))}\n`,
      contentType: 'application/x-ndjson',
      ok: 201,
    }),
  },
  'GET /api/imports': {
    permission: 'assets.read',
    allowed: PEOPLE,
    build: async () => ({ url: '/api/imports', ok: 200 }),
  },
  'GET /api/imports/:importId': {
    permission: 'assets.read',
    allowed: PEOPLE,
    build: async (ctx) => ({
      url: `/api/imports/${await importIn(ctx, ctx.own)}`,
      crossUrl: `/api/imports/${await importIn(ctx, ctx.other)}`,
      ok: 200,
    }),
  },
};
