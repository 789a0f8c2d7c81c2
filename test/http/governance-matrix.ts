// Authorisation matrix entries for the governance API (spread into MATRIX in matrix-routes.ts).
// Written from the issue, not from permissions.ts: who may read the registers, write DPIAs,
// advise (DPO), sign off (SIRO), manage risks and vendors, report and handle incidents.
import { ROLES } from '../../src/domain/policy/roles.ts';
import type { Role } from '../../src/domain/policy/roles.ts';
import type { Actor } from '../../src/domain/policy/actor.ts';
import { SCREENING_IDS } from '../../src/domain/governance/dpia.screening.ts';
import type { Caller, MatrixContext, MatrixEntry } from './matrix-routes.ts';
import type { OrgFixture } from '../helpers/people.ts';

const PEOPLE: Caller[] = [...ROLES, 'member'];
const EVERYONE: Caller[] = [...PEOPLE, 'system'];
const READERS: Caller[] = ['siro', 'dpo', 'iao', 'caldicott', 'auditor', 'administrator'];
const only = (...roles: Role[]): Caller[] => roles;

let n = 0;
const unique = (s: string): string => `${s}-${Date.now().toString(36)}-${++n}`;
const inDays = (d: number): string =>
  new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
const node = (ctx: MatrixContext, org: OrgFixture): Actor => ({ ...ctx.node, orgId: org.orgId });
const g = (ctx: MatrixContext) => ctx.services.governance;

type DpiaStage = 'screening' | 'assessment' | 'advice' | 'sign-off' | 'signed';

/** A DPIA written by Accord itself (so no one is its author) at the given stage. */
async function dpiaIn(
  ctx: MatrixContext,
  org: OrgFixture,
  stage: DpiaStage,
  residual: 'medium' | 'high' = 'medium',
): Promise<string> {
  const a = node(ctx, org);
  const d = await g(ctx).dpias.create(a, { title: unique('dpia'), description: 'matrix' });
  if (stage === 'screening') return d.id;
  await g(ctx).dpias.screen(a, d.id, {
    answers: Object.fromEntries(SCREENING_IDS.map((id) => [id, id === 'matching'])),
  });
  if (stage === 'assessment') return d.id;
  await g(ctx).dpias.saveAssessment(a, d.id, {
    necessity: 'n',
    proportionality: 'p',
    risks: [{ description: 'r', likelihood: 3, severity: 3, measures: 'm', residual }],
    submit: true,
  });
  if (stage === 'advice') return d.id;
  await g(ctx).dpias.advise(a, d.id, { advice: 'ok', recommendation: 'proceed' });
  if (stage === 'sign-off') return d.id;
  await g(ctx).dpias.signOff(a, d.id, { decision: 'approved', reviewOn: inDays(100) });
  return d.id;
}

async function riskIn(ctx: MatrixContext, org: OrgFixture): Promise<string> {
  return (
    await g(ctx).risks.create(node(ctx, org), {
      title: unique('risk'),
      description: 'matrix',
      category: 'information',
      ownerId: org.people.iao.personId,
      inherentLikelihood: 3,
      inherentImpact: 3,
      reviewOn: inDays(30),
    })
  ).id;
}

const vendorInput = (name: string) => ({
  name,
  services: 'Printing',
  isProcessor: false,
  nextReviewOn: inDays(90),
});

async function vendorIn(ctx: MatrixContext, org: OrgFixture): Promise<string> {
  return (await g(ctx).vendors.create(node(ctx, org), vendorInput(unique('vendor')))).id;
}

type IncidentStage = 'reported' | 'triaged' | 'notify' | 'tell' | 'closable';

async function incidentIn(
  ctx: MatrixContext,
  org: OrgFixture,
  stage: IncidentStage = 'reported',
): Promise<string> {
  const a = node(ctx, org);
  const i = await g(ctx).incidents.report(a, { summary: unique('incident') });
  if (stage === 'reported') return i.id;
  if (stage === 'closable') {
    await g(ctx).incidents.triage(a, i.id, { personalData: false });
    await g(ctx).incidents.updateResponse(a, i.id, { containment: 'contained' });
    return i.id;
  }
  await g(ctx).incidents.triage(a, i.id, {
    personalData: true,
    breachTypes: ['confidentiality'],
    dataCategories: ['Not yet known'],
    likelihood: 'possible',
    severity: 'significant',
  });
  if (stage === 'triaged') return i.id;
  await g(ctx).incidents.decide(a, i.id, { notifyIco: true, tellSubjects: stage === 'tell' });
  return i.id;
}

const both = async (
  ctx: MatrixContext,
  make: (org: OrgFixture) => Promise<string>,
  path: (id: string) => string,
) => ({ url: path(await make(ctx.own)), crossUrl: path(await make(ctx.other)) });

export const GOVERNANCE_MATRIX: Record<string, MatrixEntry> = {
  // DPIAs
  'GET /api/dpias': {
    permission: 'governance.read',
    allowed: READERS,
    build: async () => ({ url: '/api/dpias', ok: 200 }),
  },
  'GET /api/dpias/screening-questions': {
    permission: 'governance.read',
    allowed: READERS,
    build: async () => ({ url: '/api/dpias/screening-questions', ok: 200 }),
  },
  'POST /api/dpias': {
    permission: 'dpia.write',
    allowed: only('siro', 'dpo', 'iao', 'caldicott'),
    build: async () => ({
      url: '/api/dpias',
      payload: { title: unique('dpia'), description: 'New processing' },
      ok: 201,
    }),
  },
  'GET /api/dpias/:dpiaId': {
    permission: 'governance.read',
    allowed: READERS,
    build: async (ctx) => ({
      ...(await both(
        ctx,
        (o) => dpiaIn(ctx, o, 'screening'),
        (id) => `/api/dpias/${id}`,
      )),
      ok: 200,
    }),
  },
  'PUT /api/dpias/:dpiaId/screening': {
    permission: 'dpia.write',
    allowed: only('siro', 'dpo', 'iao', 'caldicott'),
    build: async (ctx) => ({
      ...(await both(
        ctx,
        (o) => dpiaIn(ctx, o, 'screening'),
        (id) => `/api/dpias/${id}/screening`,
      )),
      payload: { answers: Object.fromEntries(SCREENING_IDS.map((id) => [id, false])) },
      ok: 200,
    }),
  },
  'PUT /api/dpias/:dpiaId/assessment': {
    permission: 'dpia.write',
    allowed: only('siro', 'dpo', 'iao', 'caldicott'),
    build: async (ctx) => ({
      ...(await both(
        ctx,
        (o) => dpiaIn(ctx, o, 'assessment'),
        (id) => `/api/dpias/${id}/assessment`,
      )),
      payload: { necessity: 'Needed', proportionality: 'Only what is needed' },
      ok: 200,
    }),
  },
  'POST /api/dpias/:dpiaId/advice': {
    permission: 'dpia.advise',
    allowed: only('dpo'),
    build: async (ctx) => ({
      ...(await both(
        ctx,
        (o) => dpiaIn(ctx, o, 'advice'),
        (id) => `/api/dpias/${id}/advice`,
      )),
      payload: { advice: 'Proceed', recommendation: 'proceed' },
      ok: 200,
    }),
  },
  'POST /api/dpias/:dpiaId/sign-off': {
    permission: 'dpia.sign',
    allowed: only('siro'),
    build: async (ctx) => ({
      ...(await both(
        ctx,
        (o) => dpiaIn(ctx, o, 'sign-off'),
        (id) => `/api/dpias/${id}/sign-off`,
      )),
      payload: { decision: 'approved', reviewOn: inDays(200) },
      ok: 200,
    }),
  },
  'POST /api/dpias/:dpiaId/ico-consultation': {
    permission: 'dpia.advise',
    allowed: only('dpo'),
    build: async (ctx) => ({
      ...(await both(
        ctx,
        (o) => dpiaIn(ctx, o, 'signed', 'high'),
        (id) => `/api/dpias/${id}/ico-consultation`,
      )),
      payload: { consultedOn: inDays(0), reference: 'ICO-1', outcome: 'No objection' },
      ok: 200,
    }),
  },
  'POST /api/dpias/:dpiaId/review': {
    permission: 'dpia.write',
    allowed: only('siro', 'dpo', 'iao', 'caldicott'),
    build: async (ctx) => ({
      ...(await both(
        ctx,
        (o) => dpiaIn(ctx, o, 'signed'),
        (id) => `/api/dpias/${id}/review`,
      )),
      payload: { nextReviewOn: inDays(365) },
      ok: 200,
    }),
  },
  'POST /api/dpias/:dpiaId/reopen': {
    permission: 'dpia.write',
    allowed: only('siro', 'dpo', 'iao', 'caldicott'),
    build: async (ctx) => ({
      ...(await both(
        ctx,
        (o) => dpiaIn(ctx, o, 'signed'),
        (id) => `/api/dpias/${id}/reopen`,
      )),
      payload: { reason: 'Scope changed' },
      ok: 200,
    }),
  },
  'PUT /api/dpias/:dpiaId/summary': {
    permission: 'dpia.write',
    allowed: only('siro', 'dpo', 'iao', 'caldicott'),
    build: async (ctx) => ({
      ...(await both(
        ctx,
        (o) => dpiaIn(ctx, o, 'signed'),
        (id) => `/api/dpias/${id}/summary`,
      )),
      payload: { publicSummary: 'What we assessed', publish: true },
      ok: 200,
    }),
  },
  // Risks
  'GET /api/risks': {
    permission: 'governance.read',
    allowed: READERS,
    build: async () => ({ url: '/api/risks', ok: 200 }),
  },
  'GET /api/risks/heat-map': {
    permission: 'governance.read',
    allowed: READERS,
    build: async () => ({ url: '/api/risks/heat-map', ok: 200 }),
  },
  'GET /api/risks/appetite': {
    permission: 'governance.read',
    allowed: READERS,
    build: async () => ({ url: '/api/risks/appetite', ok: 200 }),
  },
  'PUT /api/risks/appetite': {
    permission: 'risks.appetite',
    allowed: only('siro'),
    build: async () => ({
      url: '/api/risks/appetite',
      payload: [{ category: 'cyber', maxScore: 9 }],
      ok: 200,
    }),
  },
  'POST /api/risks': {
    permission: 'risks.manage',
    allowed: only('siro', 'dpo', 'iao'),
    build: async (ctx) => ({
      url: '/api/risks',
      payload: {
        title: unique('risk'),
        description: 'A new risk',
        category: 'supplier',
        ownerId: ctx.own.people.siro.personId,
        inherentLikelihood: 2,
        inherentImpact: 3,
        reviewOn: inDays(60),
      },
      ok: 201,
    }),
  },
  'GET /api/risks/:riskId': {
    permission: 'governance.read',
    allowed: READERS,
    build: async (ctx) => ({
      ...(await both(
        ctx,
        (o) => riskIn(ctx, o),
        (id) => `/api/risks/${id}`,
      )),
      ok: 200,
    }),
  },
  'PUT /api/risks/:riskId': {
    permission: 'risks.manage',
    allowed: only('siro', 'dpo', 'iao'),
    build: async (ctx) => ({
      ...(await both(
        ctx,
        (o) => riskIn(ctx, o),
        (id) => `/api/risks/${id}`,
      )),
      payload: {
        title: unique('renamed'),
        description: 'Changed',
        category: 'information',
        ownerId: ctx.own.people.iao.personId,
        inherentLikelihood: 3,
        inherentImpact: 3,
        treatment: 'tolerate',
        treatmentNotes: 'Within appetite',
        reviewOn: inDays(30),
      },
      ok: 200,
    }),
  },
  'POST /api/risks/:riskId/actions': {
    permission: 'risks.manage',
    allowed: only('siro', 'dpo', 'iao'),
    build: async (ctx) => ({
      ...(await both(
        ctx,
        (o) => riskIn(ctx, o),
        (id) => `/api/risks/${id}/actions`,
      )),
      payload: { description: 'Do something', dueOn: inDays(14) },
      ok: 201,
    }),
  },
  'POST /api/risks/:riskId/actions/:actionId/done': {
    permission: 'risks.manage',
    allowed: only('siro', 'dpo', 'iao'),
    build: async (ctx) => {
      const withAction = async (o: OrgFixture): Promise<string> => {
        const id = await riskIn(ctx, o);
        const r = await g(ctx).risks.addAction(node(ctx, o), id, {
          description: 'x',
          dueOn: inDays(3),
        });
        return `${id}/actions/${r.actions[0]!.id}`;
      };
      return { ...(await both(ctx, withAction, (p) => `/api/risks/${p}/done`)), ok: 200 };
    },
  },
  'POST /api/risks/:riskId/review': {
    permission: 'risks.manage',
    allowed: only('siro', 'dpo', 'iao'),
    build: async (ctx) => ({
      ...(await both(
        ctx,
        (o) => riskIn(ctx, o),
        (id) => `/api/risks/${id}/review`,
      )),
      payload: { nextReviewOn: inDays(90), residualLikelihood: 2, residualImpact: 2 },
      ok: 200,
    }),
  },
  'POST /api/risks/:riskId/close': {
    permission: 'risks.manage',
    allowed: only('siro', 'dpo', 'iao'),
    build: async (ctx) => ({
      ...(await both(
        ctx,
        (o) => riskIn(ctx, o),
        (id) => `/api/risks/${id}/close`,
      )),
      payload: { reason: 'Gone' },
      ok: 200,
    }),
  },
  // Vendors
  'GET /api/vendors': {
    permission: 'governance.read',
    allowed: READERS,
    build: async () => ({ url: '/api/vendors', ok: 200 }),
  },
  'POST /api/vendors': {
    permission: 'vendors.manage',
    allowed: only('siro', 'dpo', 'administrator'),
    build: async () => ({ url: '/api/vendors', payload: vendorInput(unique('v')), ok: 201 }),
  },
  'GET /api/vendors/:vendorId': {
    permission: 'governance.read',
    allowed: READERS,
    build: async (ctx) => ({
      ...(await both(
        ctx,
        (o) => vendorIn(ctx, o),
        (id) => `/api/vendors/${id}`,
      )),
      ok: 200,
    }),
  },
  'PUT /api/vendors/:vendorId': {
    permission: 'vendors.manage',
    allowed: only('siro', 'dpo', 'administrator'),
    build: async (ctx) => ({
      ...(await both(
        ctx,
        (o) => vendorIn(ctx, o),
        (id) => `/api/vendors/${id}`,
      )),
      payload: vendorInput(unique('renamed')),
      ok: 200,
    }),
  },
  'POST /api/vendors/:vendorId/review': {
    permission: 'vendors.manage',
    allowed: only('siro', 'dpo', 'administrator'),
    build: async (ctx) => ({
      ...(await both(
        ctx,
        (o) => vendorIn(ctx, o),
        (id) => `/api/vendors/${id}/review`,
      )),
      payload: { nextReviewOn: inDays(365) },
      ok: 200,
    }),
  },
  'POST /api/vendors/:vendorId/end': {
    permission: 'vendors.manage',
    allowed: only('siro', 'dpo', 'administrator'),
    build: async (ctx) => ({
      ...(await both(
        ctx,
        (o) => vendorIn(ctx, o),
        (id) => `/api/vendors/${id}/end`,
      )),
      payload: { reason: 'Contract ended' },
      ok: 200,
    }),
  },
  // Incidents
  'POST /api/incidents': {
    permission: 'incidents.report',
    allowed: EVERYONE,
    build: async () => ({ url: '/api/incidents', payload: { summary: unique('lost') }, ok: 201 }),
  },
  'GET /api/incidents': {
    permission: 'incidents.read',
    allowed: only('siro', 'dpo', 'auditor'),
    coarse: PEOPLE, // anyone may list the incidents they reported (mine=true)
    build: async () => ({ url: '/api/incidents', ok: 200 }),
  },
  'GET /api/incidents/:incidentId': {
    permission: 'incidents.read',
    allowed: only('siro', 'dpo', 'auditor'),
    coarse: PEOPLE, // the reporter may see their own
    build: async (ctx) => ({
      ...(await both(
        ctx,
        (o) => incidentIn(ctx, o),
        (id) => `/api/incidents/${id}`,
      )),
      ok: 200,
    }),
  },
  'GET /api/incidents/:incidentId/ico-report': {
    permission: 'incidents.read',
    allowed: only('siro', 'dpo', 'auditor'),
    coarse: PEOPLE,
    build: async (ctx) => ({
      ...(await both(
        ctx,
        (o) => incidentIn(ctx, o, 'notify'),
        (id) => `/api/incidents/${id}/ico-report`,
      )),
      ok: 200,
    }),
  },
  'POST /api/incidents/:incidentId/triage': {
    permission: 'incidents.manage',
    allowed: only('dpo', 'siro'),
    build: async (ctx) => ({
      ...(await both(
        ctx,
        (o) => incidentIn(ctx, o),
        (id) => `/api/incidents/${id}/triage`,
      )),
      payload: { personalData: false },
      ok: 200,
    }),
  },
  'POST /api/incidents/:incidentId/decision': {
    permission: 'incidents.manage',
    allowed: only('dpo', 'siro'),
    build: async (ctx) => ({
      ...(await both(
        ctx,
        (o) => incidentIn(ctx, o, 'triaged'),
        (id) => `/api/incidents/${id}/decision`,
      )),
      payload: { notifyIco: false, reasoning: 'Unlikely to harm anyone', tellSubjects: false },
      ok: 200,
    }),
  },
  'POST /api/incidents/:incidentId/ico-notification': {
    permission: 'incidents.manage',
    allowed: only('dpo', 'siro'),
    build: async (ctx) => ({
      ...(await both(
        ctx,
        (o) => incidentIn(ctx, o, 'notify'),
        (id) => `/api/incidents/${id}/ico-notification`,
      )),
      payload: { notifiedAt: new Date().toISOString(), reference: 'ICO-9' },
      ok: 200,
    }),
  },
  'POST /api/incidents/:incidentId/subjects-told': {
    permission: 'incidents.manage',
    allowed: only('dpo', 'siro'),
    build: async (ctx) => ({
      ...(await both(
        ctx,
        (o) => incidentIn(ctx, o, 'tell'),
        (id) => `/api/incidents/${id}/subjects-told`,
      )),
      payload: { toldAt: new Date().toISOString(), how: 'Letter' },
      ok: 200,
    }),
  },
  'PUT /api/incidents/:incidentId/response': {
    permission: 'incidents.manage',
    allowed: only('dpo', 'siro'),
    build: async (ctx) => ({
      ...(await both(
        ctx,
        (o) => incidentIn(ctx, o),
        (id) => `/api/incidents/${id}/response`,
      )),
      payload: { containment: 'Laptop wiped remotely', staffTrained: 'yes' },
      ok: 200,
    }),
  },
  'POST /api/incidents/:incidentId/close': {
    permission: 'incidents.manage',
    allowed: only('dpo', 'siro'),
    build: async (ctx) => ({
      ...(await both(
        ctx,
        (o) => incidentIn(ctx, o, 'closable'),
        (id) => `/api/incidents/${id}/close`,
      )),
      payload: { lessons: 'Encrypt every laptop' },
      ok: 200,
    }),
  },
  // Records of processing, dashboard, charter
  'GET /api/ropa': {
    permission: 'governance.read',
    allowed: READERS,
    build: async () => ({ url: '/api/ropa', ok: 200 }),
  },
  'GET /api/ropa.csv': {
    permission: 'governance.read',
    allowed: READERS,
    build: async () => ({ url: '/api/ropa.csv', ok: 200 }),
  },
  'GET /api/dashboard': {
    permission: 'governance.read',
    allowed: READERS,
    build: async () => ({ url: '/api/dashboard', ok: 200 }),
  },
  'GET /api/dashboard/trends': {
    permission: 'governance.read',
    allowed: READERS,
    build: async () => ({ url: '/api/dashboard/trends?days=30', ok: 200 }),
  },
  'GET /api/charter': {
    permission: 'governance.read',
    allowed: READERS,
    build: async () => ({ url: '/api/charter', ok: 200 }),
  },
  'PUT /api/charter': {
    permission: 'charter.manage',
    allowed: only('dpo'),
    build: async () => ({
      url: '/api/charter',
      payload: {
        icoRegistration: 'Z1234567',
        publicEmail: 'information.rights@matrix.example',
        publicPhone: '',
        publicAddress: 'Town Hall',
        charterIntro: '',
        requestInstructions: 'Write to us',
      },
      ok: 200,
    }),
  },
};
