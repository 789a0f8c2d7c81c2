// Authorisation matrix entries for the portfolio and help-desk API (spread into MATRIX in
// matrix-routes.ts). Written from the issue, not from permissions.ts: everyone in the organisation
// (and partner systems) reads the portfolio; administrators manage it; administrators and partner
// systems (CI pipelines, scanners) send events and scans; every person raises and reads tickets;
// the service desk (administrators) works them.
import { ROLES } from '../../src/domain/policy/roles.ts';
import type { Role } from '../../src/domain/policy/roles.ts';
import type { Actor } from '../../src/domain/policy/actor.ts';
import type { Caller, MatrixContext, MatrixEntry } from './matrix-routes.ts';
import type { OrgFixture, Who } from '../helpers/people.ts';

const PEOPLE: Caller[] = [...ROLES, 'member'];
const EVERYONE: Caller[] = [...PEOPLE, 'system'];
const only = (...roles: Role[]): Caller[] => roles;
const INGEST: Caller[] = ['administrator', 'system'];

let n = 0;
const unique = (s: string): string => `${s}-${Date.now().toString(36)}-${++n}`;
const node = (ctx: MatrixContext, org: OrgFixture): Actor => ({ ...ctx.node, orgId: org.orgId });
const p = (ctx: MatrixContext) => ctx.services.portfolio;

async function appIn(ctx: MatrixContext, org: OrgFixture): Promise<string> {
  return (await p(ctx).applications.create(node(ctx, org), { name: unique('app') })).id;
}

/** A ticket raised by `who` (a person), against a fresh application. */
async function ticketIn(
  ctx: MatrixContext,
  org: OrgFixture,
  who: Who = 'member',
  kind = 'fault',
): Promise<string> {
  const actor = await org.actor(who);
  let requestedFor: string | undefined;
  if (kind === 'access-request') {
    const { person } = await ctx.services.people.createAccount(
      ctx.services.store,
      org.orgId,
      { email: `${unique('req')}@example.org`, name: 'Requested Person' },
      'node',
    );
    requestedFor = person.id;
  }
  return (
    await p(ctx).tickets.raise(actor, {
      appId: await appIn(ctx, org),
      kind,
      title: 'Matrix ticket',
      description: 'For the authorisation matrix',
      requestedRole: kind === 'access-request' ? 'handler' : undefined,
      requestedFor,
    })
  ).id;
}

async function hostIn(ctx: MatrixContext, org: OrgFixture): Promise<string> {
  return (await p(ctx).availability.addHost(node(ctx, org), `${unique('h')}.example.org`)).id;
}

async function noticeIn(ctx: MatrixContext, org: OrgFixture): Promise<string> {
  return (
    await p(ctx).availability.postNotice(node(ctx, org), await appIn(ctx, org), {
      kind: 'incident',
      title: 'Matrix incident',
    })
  ).id;
}

async function itemIn(ctx: MatrixContext, org: OrgFixture): Promise<string> {
  return (
    await p(ctx).roadmap.create(node(ctx, org), {
      appId: await appIn(ctx, org),
      title: 'Matrix item',
      horizon: 'next',
    })
  ).id;
}

const SARIF = {
  version: '2.1.0',
  runs: [
    {
      tool: { driver: { name: 'matrix-scanner', rules: [{ id: 'R1' }] } },
      results: [{ ruleId: 'R1', message: { text: 'x' } }],
    },
  ],
};

export const PORTFOLIO_MATRIX: Record<string, MatrixEntry> = {
  'GET /api/portfolio/applications': {
    permission: 'portfolio.read',
    allowed: EVERYONE,
    build: async () => ({ url: '/api/portfolio/applications', ok: 200 }),
  },
  'POST /api/portfolio/applications': {
    permission: 'portfolio.manage',
    allowed: only('administrator'),
    build: async () => ({
      url: '/api/portfolio/applications',
      payload: { name: unique('app'), critical: true, lifecycle: 'active' },
      ok: 201,
    }),
  },
  'POST /api/portfolio/applications/import': {
    permission: 'portfolio.manage',
    allowed: only('administrator'),
    build: async () => ({
      url: '/api/portfolio/applications/import',
      payload: `name,critical,lifecycle\n${unique('csv-app')},yes,active\n`,
      contentType: 'text/csv',
      ok: 201,
    }),
  },
  'GET /api/portfolio/applications/:applicationId': {
    permission: 'portfolio.read',
    allowed: EVERYONE,
    build: async (ctx) => ({
      url: `/api/portfolio/applications/${await appIn(ctx, ctx.own)}`,
      crossUrl: `/api/portfolio/applications/${await appIn(ctx, ctx.other)}`,
      ok: 200,
    }),
  },
  'PUT /api/portfolio/applications/:applicationId': {
    permission: 'portfolio.manage',
    allowed: only('administrator'),
    build: async (ctx) => ({
      url: `/api/portfolio/applications/${await appIn(ctx, ctx.own)}`,
      crossUrl: `/api/portfolio/applications/${await appIn(ctx, ctx.other)}`,
      payload: { onboarded: true },
      ok: 200,
    }),
  },
  'POST /api/portfolio/applications/:applicationId/webhook-secret': {
    permission: 'portfolio.manage',
    allowed: only('administrator'),
    build: async (ctx) => ({
      url: `/api/portfolio/applications/${await appIn(ctx, ctx.own)}/webhook-secret`,
      crossUrl: `/api/portfolio/applications/${await appIn(ctx, ctx.other)}/webhook-secret`,
      ok: 201,
    }),
  },
  'GET /api/portfolio/indicators': {
    permission: 'portfolio.read',
    allowed: EVERYONE,
    build: async () => ({ url: '/api/portfolio/indicators', ok: 200 }),
  },
  'GET /api/portfolio/settings': {
    permission: 'portfolio.read',
    allowed: EVERYONE,
    build: async () => ({ url: '/api/portfolio/settings', ok: 200 }),
  },
  'PUT /api/portfolio/settings': {
    permission: 'portfolio.manage',
    allowed: only('administrator'),
    build: async () => ({
      url: '/api/portfolio/settings',
      payload: { itBudget: 1_000_000, vulnerabilityDays: { critical: 10 } },
      ok: 200,
    }),
  },
  'GET /api/portfolio/health-hosts': {
    permission: 'portfolio.read',
    allowed: EVERYONE,
    build: async () => ({ url: '/api/portfolio/health-hosts', ok: 200 }),
  },
  'POST /api/portfolio/health-hosts': {
    permission: 'portfolio.manage',
    allowed: only('administrator'),
    build: async () => ({
      url: '/api/portfolio/health-hosts',
      payload: { host: `${unique('status')}.example.org` },
      ok: 201,
    }),
  },
  'POST /api/portfolio/health-hosts/:hostId/remove': {
    permission: 'portfolio.manage',
    allowed: only('administrator'),
    build: async (ctx) => ({
      url: `/api/portfolio/health-hosts/${await hostIn(ctx, ctx.own)}/remove`,
      crossUrl: `/api/portfolio/health-hosts/${await hostIn(ctx, ctx.other)}/remove`,
      ok: 204,
    }),
  },
  'POST /api/portfolio/events': {
    permission: 'portfolio.ingest',
    allowed: INGEST,
    build: async (ctx) => ({
      url: '/api/portfolio/events',
      payload: {
        events: [
          {
            type: 'deployment',
            application: await appIn(ctx, ctx.own),
            id: unique('d'),
            at: new Date().toISOString(),
          },
        ],
      },
      ok: 201,
    }),
  },
  'POST /api/portfolio/events/import': {
    permission: 'portfolio.ingest',
    allowed: INGEST,
    build: async (ctx) => ({
      url: '/api/portfolio/events/import',
      payload: `application,type,id,at\n${await appIn(ctx, ctx.own)},deployment,${unique('d')},2026-03-01T10:00:00Z\n`,
      contentType: 'text/csv',
      ok: 201,
    }),
  },
  'GET /api/portfolio/delivery': {
    permission: 'portfolio.read',
    allowed: EVERYONE,
    build: async () => ({ url: '/api/portfolio/delivery', ok: 200 }),
  },
  'GET /api/portfolio/applications/:applicationId/delivery': {
    permission: 'portfolio.read',
    allowed: EVERYONE,
    build: async (ctx) => ({
      url: `/api/portfolio/applications/${await appIn(ctx, ctx.own)}/delivery`,
      crossUrl: `/api/portfolio/applications/${await appIn(ctx, ctx.other)}/delivery`,
      ok: 200,
    }),
  },
  'POST /api/portfolio/applications/:applicationId/scans': {
    permission: 'portfolio.ingest',
    allowed: INGEST,
    build: async (ctx) => ({
      url: `/api/portfolio/applications/${await appIn(ctx, ctx.own)}/scans`,
      crossUrl: `/api/portfolio/applications/${await appIn(ctx, ctx.other)}/scans`,
      payload: SARIF,
      ok: 201,
    }),
  },
  'GET /api/portfolio/applications/:applicationId/vulnerabilities': {
    permission: 'portfolio.read',
    allowed: EVERYONE,
    build: async (ctx) => ({
      url: `/api/portfolio/applications/${await appIn(ctx, ctx.own)}/vulnerabilities`,
      crossUrl: `/api/portfolio/applications/${await appIn(ctx, ctx.other)}/vulnerabilities`,
      ok: 200,
    }),
  },
  'GET /api/portfolio/vulnerabilities': {
    permission: 'portfolio.read',
    allowed: EVERYONE,
    build: async () => ({ url: '/api/portfolio/vulnerabilities', ok: 200 }),
  },
  'GET /api/portfolio/availability': {
    permission: 'portfolio.read',
    allowed: EVERYONE,
    build: async () => ({ url: '/api/portfolio/availability', ok: 200 }),
  },
  'GET /api/portfolio/applications/:applicationId/availability': {
    permission: 'portfolio.read',
    allowed: EVERYONE,
    build: async (ctx) => ({
      url: `/api/portfolio/applications/${await appIn(ctx, ctx.own)}/availability`,
      crossUrl: `/api/portfolio/applications/${await appIn(ctx, ctx.other)}/availability`,
      ok: 200,
    }),
  },
  'POST /api/portfolio/applications/:applicationId/notices': {
    permission: 'portfolio.manage',
    allowed: only('administrator'),
    build: async (ctx) => ({
      url: `/api/portfolio/applications/${await appIn(ctx, ctx.own)}/notices`,
      crossUrl: `/api/portfolio/applications/${await appIn(ctx, ctx.other)}/notices`,
      payload: { kind: 'incident', title: 'Payments are failing' },
      ok: 201,
    }),
  },
  'POST /api/portfolio/notices/:noticeId/resolve': {
    permission: 'portfolio.manage',
    allowed: only('administrator'),
    build: async (ctx) => ({
      url: `/api/portfolio/notices/${await noticeIn(ctx, ctx.own)}/resolve`,
      crossUrl: `/api/portfolio/notices/${await noticeIn(ctx, ctx.other)}/resolve`,
      ok: 200,
    }),
  },
  'GET /api/portfolio/roadmap': {
    permission: 'portfolio.read',
    allowed: EVERYONE,
    build: async () => ({ url: '/api/portfolio/roadmap', ok: 200 }),
  },
  'POST /api/portfolio/roadmap': {
    permission: 'portfolio.manage',
    allowed: only('administrator'),
    build: async (ctx) => ({
      url: '/api/portfolio/roadmap',
      payload: { appId: await appIn(ctx, ctx.own), title: 'Online payments', horizon: '2027-Q1' },
      ok: 201,
    }),
  },
  'PUT /api/portfolio/roadmap/:itemId': {
    permission: 'portfolio.manage',
    allowed: only('administrator'),
    build: async (ctx) => ({
      url: `/api/portfolio/roadmap/${await itemIn(ctx, ctx.own)}`,
      crossUrl: `/api/portfolio/roadmap/${await itemIn(ctx, ctx.other)}`,
      payload: { status: 'in-progress', horizon: 'now' },
      ok: 200,
    }),
  },
  'GET /api/helpdesk/tickets': {
    permission: 'tickets.read',
    allowed: PEOPLE,
    build: async () => ({ url: '/api/helpdesk/tickets?state=all', ok: 200 }),
  },
  'POST /api/helpdesk/tickets': {
    permission: 'tickets.raise',
    allowed: PEOPLE,
    build: async (ctx) => ({
      url: '/api/helpdesk/tickets',
      payload: {
        appId: await appIn(ctx, ctx.own),
        kind: 'fault',
        title: 'Cannot sign in',
        description: 'The sign-in page errors',
      },
      ok: 201,
    }),
  },
  'GET /api/helpdesk/tickets/:ticketId': {
    permission: 'tickets.read',
    allowed: PEOPLE,
    build: async (ctx) => ({
      url: `/api/helpdesk/tickets/${await ticketIn(ctx, ctx.own)}`,
      crossUrl: `/api/helpdesk/tickets/${await ticketIn(ctx, ctx.other)}`,
      ok: 200,
    }),
  },
  'POST /api/helpdesk/tickets/:ticketId/comments': {
    permission: 'tickets.raise',
    allowed: PEOPLE,
    build: async (ctx) => ({
      url: `/api/helpdesk/tickets/${await ticketIn(ctx, ctx.own)}/comments`,
      crossUrl: `/api/helpdesk/tickets/${await ticketIn(ctx, ctx.other)}/comments`,
      payload: { body: 'Me too' },
      ok: 201,
    }),
  },
  'POST /api/helpdesk/tickets/:ticketId/status': {
    permission: 'tickets.raise',
    allowed: PEOPLE,
    // Each person closes a ticket they raised themselves.
    build: async (ctx) => ({
      url: `/api/helpdesk/tickets/${await ticketIn(ctx, ctx.own, ctx.who === 'system' ? 'member' : ctx.who)}/status`,
      crossUrl: `/api/helpdesk/tickets/${await ticketIn(ctx, ctx.other)}/status`,
      payload: { status: 'closed' },
      ok: 200,
    }),
  },
  'POST /api/helpdesk/tickets/:ticketId/triage': {
    permission: 'tickets.work',
    allowed: only('administrator'),
    build: async (ctx) => ({
      url: `/api/helpdesk/tickets/${await ticketIn(ctx, ctx.own)}/triage`,
      crossUrl: `/api/helpdesk/tickets/${await ticketIn(ctx, ctx.other)}/triage`,
      payload: { priority: 'P2', status: 'in-progress' },
      ok: 200,
    }),
  },
  'POST /api/helpdesk/tickets/:ticketId/approve': {
    permission: 'tickets.work',
    allowed: only('administrator'),
    build: async (ctx) => ({
      url: `/api/helpdesk/tickets/${await ticketIn(ctx, ctx.own, 'member', 'access-request')}/approve`,
      crossUrl: `/api/helpdesk/tickets/${await ticketIn(ctx, ctx.other, 'member', 'access-request')}/approve`,
      payload: {},
      ok: 200,
    }),
  },
  'POST /api/helpdesk/tickets/:ticketId/refuse': {
    permission: 'tickets.work',
    allowed: only('administrator'),
    build: async (ctx) => ({
      url: `/api/helpdesk/tickets/${await ticketIn(ctx, ctx.own, 'member', 'access-request')}/refuse`,
      crossUrl: `/api/helpdesk/tickets/${await ticketIn(ctx, ctx.other, 'member', 'access-request')}/refuse`,
      payload: { reason: 'Not needed for the job' },
      ok: 200,
    }),
  },
};
