// One entry per protected API route for the authorisation matrix: the permission it must
// declare, who may call it in their own organisation, and how to call it (fresh resources each
// time, so a change made by one caller cannot change what the next one sees).
// Written independently of src/domain/policy/permissions.ts on purpose: this is the specification.
import { ROLES } from '../../src/domain/policy/roles.ts';
import type { Role } from '../../src/domain/policy/roles.ts';
import type { Actor } from '../../src/domain/policy/actor.ts';
import type { Action } from '../../src/domain/policy/permissions.ts';
import type { Services } from '../../src/services.ts';
import type { OrgFixture, Who } from '../helpers/people.ts';
import { AGREEMENTS_MATRIX } from './agreements-matrix.ts';
import { CORRECTIONS_MATRIX } from './corrections-matrix.ts';
import { EXCHANGE_MATRIX } from './exchange-matrix.ts';
import { FEDERATION_MATRIX } from './federation-matrix.ts';
import { GOVERNANCE_MATRIX } from './governance-matrix.ts';
import { PORTFOLIO_MATRIX } from './portfolio-matrix.ts';
import { RECONCILE_MATRIX } from './reconcile-matrix.ts';
import { RIGHTS_MATRIX } from './rights-matrix.ts';

export type Caller = Who | 'system';

export interface MatrixContext {
  services: Services;
  own: OrgFixture;
  other: OrgFixture;
  who: Caller;
  /** Accord acting for the caller's organisation, to set things up. */
  node: Actor;
}

export interface MatrixCall {
  url: string;
  payload?: unknown;
  contentType?: string;
  /** The status for an allowed caller. */
  ok: number;
  /** The same call aimed at the other organisation's resource: 404 for anyone past the route check. */
  crossUrl?: string;
}

export interface MatrixEntry {
  permission: Action;
  allowed: Caller[];
  /** Callers the route-level check lets through (defaults to `allowed`): it decides cross-organisation 403 vs 404. */
  coarse?: Caller[];
  build(ctx: MatrixContext): Promise<MatrixCall>;
}

const PEOPLE: Caller[] = [...ROLES, 'member'];
const EVERYONE: Caller[] = [...PEOPLE, 'system'];
const GOVERNANCE: Caller[] = ['siro', 'dpo', 'administrator', 'auditor'];
const only = (...roles: Role[]): Caller[] => roles;

let n = 0;
const unique = (s: string): string => `${s}-${Date.now().toString(36)}-${++n}`;

/** A new person in the organisation, with no roles. */
async function freshPerson(ctx: MatrixContext, org: OrgFixture = ctx.own): Promise<string> {
  const { person } = await ctx.services.people.createAccount(
    ctx.services.store,
    org.orgId,
    { email: `${unique('p')}@example.org`, name: 'Fresh Person' },
    'node',
  );
  return person.id;
}

async function grantIn(ctx: MatrixContext, org: OrgFixture): Promise<string> {
  const personId = await freshPerson(ctx, org);
  const node = { ...ctx.node, orgId: org.orgId };
  return (await ctx.services.roles.grant(node, { personId, role: 'handler', reason: 'matrix' })).id;
}

async function ruleIn(ctx: MatrixContext, org: OrgFixture): Promise<string> {
  const node = { ...ctx.node, orgId: org.orgId };
  return (
    await ctx.services.duties.createRule(node, {
      name: unique('rule'),
      kind: 'duties',
      members: ['request', 'approve'],
    })
  ).id;
}

async function exceptionIn(ctx: MatrixContext, org: OrgFixture): Promise<string> {
  const node = { ...ctx.node, orgId: org.orgId };
  const ruleId = await ruleIn(ctx, org);
  const personId = await freshPerson(ctx, org);
  const until = new Date(Date.now() + 30 * 86_400_000).toISOString();
  return (
    await ctx.services.duties.createException(
      node,
      { ruleId, personId, justification: 'matrix test exception', validUntil: until },
      (ex, o, id) => ctx.services.people.activePerson(ex, o, id),
    )
  ).id;
}

async function tokenOf(ctx: MatrixContext, org: OrgFixture, who: Caller): Promise<string> {
  const actor = await org.actor(who === 'system' ? 'administrator' : who);
  return (
    await ctx.services.tokens.create(actor, {
      name: unique('t'),
      scopes: ['org:read'],
      expiresInDays: 5,
      system: who === 'system',
    })
  ).token.id;
}

const today = (): string => new Date().toISOString().slice(0, 10);

export const MATRIX: Record<string, MatrixEntry> = {
  // Agreements, purposes, decisions (issue 5): test/http/agreements-matrix.ts
  ...AGREEMENTS_MATRIX,
  ...EXCHANGE_MATRIX,
  ...CORRECTIONS_MATRIX,
  ...FEDERATION_MATRIX,
  // Governance registers, ROPA, dashboard and charter (issue 8): test/http/governance-matrix.ts
  ...GOVERNANCE_MATRIX,
  // Application portfolio and help desk (issue 9): test/http/portfolio-matrix.ts
  ...PORTFOLIO_MATRIX,
  ...RECONCILE_MATRIX,
  // Subject rights and retention (issue 7): test/http/rights-matrix.ts
  ...RIGHTS_MATRIX,
  'GET /api/organisation': {
    permission: 'org.read',
    allowed: EVERYONE,
    build: async () => ({ url: '/api/organisation', ok: 200 }),
  },
  'GET /api/me': {
    permission: 'org.read',
    allowed: EVERYONE,
    build: async () => ({ url: '/api/me', ok: 200 }),
  },
  'GET /api/people': {
    permission: 'people.read',
    allowed: GOVERNANCE,
    build: async () => ({ url: '/api/people', ok: 200 }),
  },
  'POST /api/people': {
    permission: 'people.manage',
    allowed: only('administrator'),
    build: async () => ({
      url: '/api/people',
      payload: { email: `${unique('new')}@example.org`, name: 'New Person' },
      ok: 201,
    }),
  },
  'GET /api/people/:personId': {
    permission: 'people.read',
    allowed: GOVERNANCE,
    coarse: PEOPLE, // anyone may read their own account
    build: async (ctx) => ({
      url: `/api/people/${await freshPerson(ctx)}`,
      crossUrl: `/api/people/${ctx.other.people.member.personId}`,
      ok: 200,
    }),
  },
  'POST /api/people/:personId/disable': {
    permission: 'people.manage',
    allowed: only('administrator'),
    build: async (ctx) => ({
      url: `/api/people/${await freshPerson(ctx)}/disable`,
      crossUrl: `/api/people/${await freshPerson(ctx, ctx.other)}/disable`,
      payload: { reason: 'left' },
      ok: 200,
    }),
  },
  'POST /api/people/:personId/enable': {
    permission: 'people.manage',
    allowed: only('administrator'),
    build: async (ctx) => {
      const id = await freshPerson(ctx);
      await ctx.services.people.setStatus(ctx.node, id, 'disabled', 'matrix');
      return {
        url: `/api/people/${id}/enable`,
        crossUrl: `/api/people/${await freshPerson(ctx, ctx.other)}/enable`,
        payload: { reason: 'back' },
        ok: 200,
      };
    },
  },
  'POST /api/people/:personId/reset-link': {
    permission: 'people.manage',
    allowed: only('administrator'),
    build: async (ctx) => ({
      url: `/api/people/${await freshPerson(ctx)}/reset-link`,
      crossUrl: `/api/people/${ctx.other.people.member.personId}/reset-link`,
      payload: {},
      ok: 200,
    }),
  },
  'GET /api/roles': {
    permission: 'roles.read',
    allowed: PEOPLE,
    build: async () => ({ url: '/api/roles?status=all', ok: 200 }),
  },
  'GET /api/roles/gaps': {
    permission: 'roles.read',
    allowed: PEOPLE,
    build: async () => ({ url: '/api/roles/gaps', ok: 200 }),
  },
  'POST /api/roles': {
    permission: 'roles.grant',
    allowed: only('administrator'),
    build: async (ctx) => ({
      url: '/api/roles',
      payload: { personId: await freshPerson(ctx), role: 'handler', reason: 'matrix' },
      ok: 201,
    }),
  },
  'GET /api/roles/:grantId': {
    permission: 'roles.read',
    allowed: PEOPLE,
    build: async (ctx) => ({
      url: `/api/roles/${await grantIn(ctx, ctx.own)}`,
      crossUrl: `/api/roles/${await grantIn(ctx, ctx.other)}`,
      ok: 200,
    }),
  },
  'POST /api/roles/:grantId/revoke': {
    permission: 'roles.grant',
    allowed: only('administrator'),
    build: async (ctx) => ({
      url: `/api/roles/${await grantIn(ctx, ctx.own)}/revoke`,
      crossUrl: `/api/roles/${await grantIn(ctx, ctx.other)}/revoke`,
      payload: { reason: 'matrix' },
      ok: 200,
    }),
  },
  'GET /api/duties': {
    permission: 'duties.read',
    allowed: PEOPLE,
    build: async () => ({ url: '/api/duties', ok: 200 }),
  },
  'POST /api/duties/rules': {
    permission: 'duties.manage',
    allowed: only('siro'),
    build: async () => ({
      url: '/api/duties/rules',
      payload: { name: unique('rule'), kind: 'roles', members: ['iao', 'auditor'] },
      ok: 201,
    }),
  },
  'PUT /api/duties/rules/:ruleId': {
    permission: 'duties.manage',
    allowed: only('siro'),
    build: async (ctx) => ({
      url: `/api/duties/rules/${await ruleIn(ctx, ctx.own)}`,
      crossUrl: `/api/duties/rules/${await ruleIn(ctx, ctx.other)}`,
      payload: {
        name: unique('renamed'),
        kind: 'duties',
        members: ['request', 'approve'],
        active: false,
      },
      ok: 200,
    }),
  },
  'POST /api/duties/exceptions': {
    permission: 'duties.manage',
    allowed: only('siro'),
    build: async (ctx) => ({
      url: '/api/duties/exceptions',
      payload: {
        ruleId: await ruleIn(ctx, ctx.own),
        personId: await freshPerson(ctx),
        justification: 'needed for the matrix',
        validUntil: new Date(Date.now() + 86_400_000 * 10).toISOString(),
      },
      ok: 201,
    }),
  },
  'POST /api/duties/exceptions/:exceptionId/revoke': {
    permission: 'duties.manage',
    allowed: only('siro'),
    build: async (ctx) => ({
      url: `/api/duties/exceptions/${await exceptionIn(ctx, ctx.own)}/revoke`,
      crossUrl: `/api/duties/exceptions/${await exceptionIn(ctx, ctx.other)}/revoke`,
      ok: 204,
    }),
  },
  'GET /api/training/courses': {
    permission: 'training.read',
    allowed: PEOPLE,
    build: async () => ({ url: '/api/training/courses', ok: 200 }),
  },
  'POST /api/training/courses': {
    permission: 'training.manage',
    allowed: only('administrator', 'dpo'),
    build: async () => ({
      url: '/api/training/courses',
      payload: { name: unique('course'), validityDays: 365, mandatory: false },
      ok: 201,
    }),
  },
  'GET /api/training/completions': {
    permission: 'training.read',
    allowed: GOVERNANCE,
    coarse: PEOPLE,
    build: async () => ({ url: '/api/training/completions', ok: 200 }),
  },
  'POST /api/training/completions': {
    permission: 'training.manage',
    allowed: only('administrator', 'dpo'),
    build: async (ctx) => {
      const [course] = await ctx.services.training.courses(ctx.node);
      return {
        url: '/api/training/completions',
        payload: { personId: await freshPerson(ctx), courseId: course!.id, completedOn: today() },
        ok: 201,
      };
    },
  },
  'POST /api/training/import': {
    permission: 'training.manage',
    allowed: only('administrator', 'dpo'),
    build: async (ctx) => {
      const email = `${unique('csv')}@example.org`;
      await ctx.services.people.createAccount(
        ctx.services.store,
        ctx.own.orgId,
        { email, name: 'Csv Person' },
        'node',
      );
      return {
        url: '/api/training/import',
        payload: `email,course,completed_on\n${email},Data protection,${today()}\n`,
        contentType: 'text/csv',
        ok: 201,
      };
    },
  },
  'GET /api/tokens': {
    permission: 'tokens.manage',
    allowed: PEOPLE,
    build: async () => ({ url: '/api/tokens', ok: 200 }),
  },
  'POST /api/tokens': {
    permission: 'tokens.manage',
    allowed: PEOPLE,
    build: async () => ({
      url: '/api/tokens',
      payload: { name: unique('token'), scopes: ['org:read'], expiresInDays: 7 },
      ok: 201,
    }),
  },
  'POST /api/tokens/:tokenId/revoke': {
    permission: 'tokens.manage',
    allowed: PEOPLE,
    build: async (ctx) => ({
      url: `/api/tokens/${await tokenOf(ctx, ctx.own, ctx.who)}/revoke`,
      crossUrl: `/api/tokens/${await tokenOf(ctx, ctx.other, 'member')}/revoke`,
      ok: 200,
    }),
  },
  'GET /api/audit/entries': {
    permission: 'audit.read',
    allowed: only('auditor', 'dpo', 'siro'),
    build: async () => ({ url: '/api/audit/entries?limit=5', ok: 200 }),
  },
};
