// Authorisation matrix entries for the agreements API (spread into MATRIX in matrix-routes.ts).
// Written from the issue: anyone may read the register; the DPO, SIRO and IAOs draft and propose;
// each party's DPO and SIRO approve, suspend and terminate; the DPO keeps the purposes
// vocabulary; the DPO, SIRO, Caldicott Guardian and auditors read anyone's "why?".
import { ROLES } from '../../src/domain/policy/roles.ts';
import type { Role } from '../../src/domain/policy/roles.ts';
import type { Actor } from '../../src/domain/policy/actor.ts';
import type { Agreement } from '../../src/domain/agreements/agreements.view.ts';
import type { Caller, MatrixContext, MatrixEntry } from './matrix-routes.ts';
import type { OrgFixture } from '../helpers/people.ts';
import { personTerms } from '../helpers/agreements.ts';

const EVERYONE: Caller[] = [...ROLES, 'member', 'system'];
const only = (...roles: Role[]): Caller[] => roles;
const WRITERS = only('dpo', 'siro', 'iao');
const SIGNERS = only('dpo', 'siro');

let n = 0;
const unique = (s: string): string => `${s}-${Date.now().toString(36)}-${++n}`;
const node = (ctx: MatrixContext, org: OrgFixture): Actor => ({ ...ctx.node, orgId: org.orgId });

/** A draft by `org` (Accord acting for it), with `partner` as the other party and complete terms. */
async function draftIn(
  ctx: MatrixContext,
  org: OrgFixture,
  partner: OrgFixture,
): Promise<Agreement> {
  const a = await ctx.services.agreements.draft(node(ctx, org), unique('agreement'));
  return ctx.services.agreements.saveDraft(
    node(ctx, org),
    a.latest.versionId,
    personTerms(ctx.services, org, partner),
  );
}

async function proposedIn(ctx: MatrixContext, org: OrgFixture, partner: OrgFixture) {
  const a = await draftIn(ctx, org, partner);
  return ctx.services.agreements.propose(node(ctx, org), a.latest.versionId);
}

async function approvedIn(ctx: MatrixContext, org: OrgFixture, partner: OrgFixture) {
  let a = await proposedIn(ctx, org, partner);
  for (const o of [org, partner])
    for (const who of ['dpo', 'siro'] as const)
      a = await ctx.services.agreements.decide(
        await o.actor(who),
        a.latest.versionId,
        'approve',
        null,
      );
  return a;
}

export const AGREEMENTS_MATRIX: Record<string, MatrixEntry> = {
  'GET /api/agreements': {
    permission: 'agreements.read',
    allowed: EVERYONE,
    build: async () => ({ url: '/api/agreements', ok: 200 }),
  },
  'POST /api/agreements': {
    permission: 'agreements.write',
    allowed: WRITERS,
    build: async () => ({ url: '/api/agreements', payload: { title: unique('dsa') }, ok: 201 }),
  },
  'GET /api/agreements/:agreementId': {
    permission: 'agreements.read',
    allowed: EVERYONE,
    build: async (ctx) => ({
      url: `/api/agreements/${(await draftIn(ctx, ctx.own, ctx.other)).id}`,
      crossUrl: `/api/agreements/${(await draftIn(ctx, ctx.other, ctx.own)).reference}`,
      ok: 200,
    }),
  },
  'POST /api/agreements/:agreementId/versions': {
    permission: 'agreements.write',
    allowed: WRITERS,
    build: async (ctx) => ({
      url: `/api/agreements/${(await approvedIn(ctx, ctx.own, ctx.other)).id}/versions`,
      crossUrl: `/api/agreements/${(await draftIn(ctx, ctx.other, ctx.own)).id}/versions`,
      ok: 201,
    }),
  },
  'PUT /api/agreement-versions/:versionId/terms': {
    permission: 'agreements.write',
    allowed: WRITERS,
    build: async (ctx) => ({
      url: `/api/agreement-versions/${(await draftIn(ctx, ctx.own, ctx.other)).latest.versionId}/terms`,
      crossUrl: `/api/agreement-versions/${(await draftIn(ctx, ctx.other, ctx.own)).latest.versionId}/terms`,
      payload: personTerms(ctx.services, ctx.own, ctx.other),
      ok: 200,
    }),
  },
  'GET /api/agreement-versions/:versionId/problems': {
    permission: 'agreements.write',
    allowed: WRITERS,
    build: async (ctx) => ({
      url: `/api/agreement-versions/${(await draftIn(ctx, ctx.own, ctx.other)).latest.versionId}/problems`,
      crossUrl: `/api/agreement-versions/${(await draftIn(ctx, ctx.other, ctx.own)).latest.versionId}/problems`,
      ok: 200,
    }),
  },
  'POST /api/agreement-versions/:versionId/propose': {
    permission: 'agreements.write',
    allowed: WRITERS,
    build: async (ctx) => ({
      url: `/api/agreement-versions/${(await draftIn(ctx, ctx.own, ctx.other)).latest.versionId}/propose`,
      crossUrl: `/api/agreement-versions/${(await draftIn(ctx, ctx.other, ctx.own)).latest.versionId}/propose`,
      ok: 200,
    }),
  },
  'POST /api/agreement-versions/:versionId/withdraw': {
    permission: 'agreements.write',
    allowed: WRITERS,
    build: async (ctx) => ({
      url: `/api/agreement-versions/${(await proposedIn(ctx, ctx.own, ctx.other)).latest.versionId}/withdraw`,
      crossUrl: `/api/agreement-versions/${(await draftIn(ctx, ctx.other, ctx.own)).latest.versionId}/withdraw`,
      ok: 200,
    }),
  },
  'POST /api/agreement-versions/:versionId/decision': {
    permission: 'agreements.approve',
    allowed: SIGNERS,
    build: async (ctx) => ({
      // Proposed by the other organisation, so the caller's organisation is a party.
      url: `/api/agreement-versions/${(await proposedIn(ctx, ctx.other, ctx.own)).latest.versionId}/decision`,
      // A draft: not yet sent to anyone, so not there for the caller.
      crossUrl: `/api/agreement-versions/${(await draftIn(ctx, ctx.other, ctx.own)).latest.versionId}/decision`,
      payload: { decision: 'approve' },
      ok: 200,
    }),
  },
  'POST /api/agreement-versions/:versionId/control': {
    permission: 'agreements.approve',
    allowed: SIGNERS,
    build: async (ctx) => ({
      url: `/api/agreement-versions/${(await approvedIn(ctx, ctx.own, ctx.other)).latest.versionId}/control`,
      crossUrl: `/api/agreement-versions/${(await draftIn(ctx, ctx.other, ctx.own)).latest.versionId}/control`,
      payload: { action: 'suspend', reason: 'Matrix test' },
      ok: 200,
    }),
  },
  'GET /api/purposes': {
    permission: 'agreements.read',
    allowed: EVERYONE,
    build: async () => ({ url: '/api/purposes', ok: 200 }),
  },
  'POST /api/purposes': {
    permission: 'purposes.manage',
    allowed: only('dpo'),
    build: async () => ({
      url: '/api/purposes',
      payload: { key: unique('purpose').toLowerCase(), label: 'Matrix purpose' },
      ok: 201,
    }),
  },
  'POST /api/sharing/decide': {
    permission: 'agreements.read',
    allowed: EVERYONE,
    build: async (ctx) => ({
      url: '/api/sharing/decide',
      payload: {
        operation: 'lookup',
        providerOrgId: ctx.other.orgId,
        recordType: 'person',
        purpose: 'safeguarding',
      },
      ok: 200,
    }),
  },
  'GET /api/decisions/:seq/why': {
    permission: 'decisions.explain',
    allowed: only('dpo', 'siro', 'caldicott', 'auditor'),
    // Anyone may ask why about their own decisions, so only the entry tells them apart: another
    // organisation's decision is not found rather than forbidden.
    coarse: [...ROLES, 'member'],
    build: async (ctx) => {
      const seqIn = async (org: OrgFixture) =>
        (await ctx.services.audit.list({ orgId: org.orgId, actor: 'node', limit: 1 }))[0]!.seq;
      return {
        url: `/api/decisions/${await seqIn(ctx.own)}/why`,
        crossUrl: `/api/decisions/${await seqIn(ctx.other)}/why`,
        ok: 200,
      };
    },
  },
};
