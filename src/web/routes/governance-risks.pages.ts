// The risk register: heat map with its table, the list, adding and changing risks, actions,
// reviews, closing, and the SIRO's appetite per category.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import type { Actor } from '../../domain/policy/actor.ts';
import { heatMapSvg } from '../../domain/governance/charts.ts';
import type { RiskInput } from '../../domain/governance/risk.service.ts';
import {
  CATEGORY_LABELS,
  IMPACT_LABELS,
  LIKELIHOOD_LABELS,
  RISK_CATEGORIES,
  heatMap,
} from '../../domain/governance/risk.view.ts';
import type { Risk } from '../../domain/governance/risk.view.ts';
import { field, may, submitForm } from '../pages.ts';
import { linkInputs, numOrNull, optDay } from './governance-forms.pages.ts';

const riskId = (req: FastifyRequest): string => (req.params as { riskId: string }).riskId;
const scale = (labels: string[]) => labels.map((l, i) => [String(i + 1), `${i + 1} ${l}`]);
const categories = RISK_CATEGORIES.map((c) => [c, CATEGORY_LABELS[c]]);

function input(body: unknown): RiskInput {
  return {
    title: field(body, 'title'),
    description: field(body, 'description'),
    category: field(body, 'category'),
    ownerId: field(body, 'ownerId'),
    inherentLikelihood: numOrNull(body, 'inherentLikelihood') ?? Number.NaN,
    inherentImpact: numOrNull(body, 'inherentImpact') ?? Number.NaN,
    residualLikelihood: numOrNull(body, 'residualLikelihood'),
    residualImpact: numOrNull(body, 'residualImpact'),
    treatment: field(body, 'treatment') || null,
    treatmentNotes: field(body, 'treatmentNotes'),
    reviewOn: optDay(body, 'reviewOn') ?? '',
    links: linkInputs(body),
  };
}

/** A risk as form values (GOV.UK date inputs take day, month and year apart). */
function values(r: Risk): Record<string, unknown> {
  const [y, m, d] = r.reviewOn.split('-');
  return {
    title: r.title,
    description: r.description,
    category: r.category,
    ownerId: r.ownerId,
    inherentLikelihood: String(r.inherent.likelihood),
    inherentImpact: String(r.inherent.impact),
    residualLikelihood: r.residual ? String(r.residual.likelihood) : '',
    residualImpact: r.residual ? String(r.residual.impact) : '',
    treatment: r.treatment ?? '',
    treatmentNotes: r.treatmentNotes,
    'reviewOn-day': d,
    'reviewOn-month': m,
    'reviewOn-year': y,
    links: r.links.map((l) => `${l.kind}:${l.id}`),
  };
}

export function governanceRiskPages(services: Services): FastifyPluginAsync {
  const { risks } = services.governance;
  const people = async (actor: Actor) =>
    (await services.people.list(actor))
      .filter((p) => p.status === 'active')
      .map((p) => [p.id, p.name]);
  const form = async (actor: Actor, title: string, action: string) => ({
    pageTitle: title,
    backLink: '/governance/risks',
    action,
    categories,
    likelihood: scale(LIKELIHOOD_LABELS),
    impact: scale(IMPACT_LABELS),
    people: await people(actor),
    choices: await risks.linkChoices(actor),
  });
  const detail = async (actor: Actor, risk: Risk, extra: Record<string, unknown> = {}) => ({
    pageTitle: `${risk.ref}: ${risk.title}`,
    backLink: '/governance/risks',
    risk,
    canManage: may(actor, 'risks.manage'),
    people: await people(actor),
    likelihood: scale(LIKELIHOOD_LABELS),
    impact: scale(IMPACT_LABELS),
    ...extra,
  });
  const onDetail =
    (work: (actor: Actor, id: string, body: unknown, req: FastifyRequest) => Promise<unknown>) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      const risk = await risks.get(req.actor!, riskId(req));
      return submitForm(
        reply,
        'governance/risks/detail.njk',
        await detail(req.actor!, risk),
        async () => {
          await work(req.actor!, risk.id, req.body, req);
          return reply.redirect(`/governance/risks/${risk.id}?saved=1`, 303);
        },
      );
    };

  const register = async (
    req: FastifyRequest,
    reply: FastifyReply,
    extra: Record<string, unknown> = {},
  ) => {
    const actor = req.actor!;
    const q = req.query as { status?: string; category?: string };
    const status = ['open', 'closed', 'all'].includes(q.status ?? '') ? q.status! : 'open';
    const category = RISK_CATEGORIES.find((c) => c === q.category);
    const open = await risks.list(actor, { status: 'open' });
    const grid = heatMap(open);
    return {
      pageTitle: 'Risk register',
      backLink: '/governance',
      risks: await risks.list(actor, { status: status === 'all' ? undefined : status, category }),
      grid,
      svg: heatMapSvg(grid),
      refIds: Object.fromEntries(open.map((r) => [r.ref, r.id])),
      filter: { status, category: category ?? '' },
      categories,
      categoryLabels: CATEGORY_LABELS,
      appetite: await risks.appetite(actor),
      canManage: may(actor, 'risks.manage'),
      canSetAppetite: may(actor, 'risks.appetite'),
      ...extra,
    };
  };

  return async (app) => {
    const read = { config: { page: 'governance.read' as const }, schema: { hide: true } };
    const manage = { config: { page: 'risks.manage' as const }, schema: { hide: true } };

    app.get('/governance/risks', read, async (req, reply) =>
      reply.page('governance/risks/register.njk', await register(req, reply)),
    );

    app.post(
      '/governance/risks/appetite',
      { config: { page: 'risks.appetite' }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(reply, 'governance/risks/register.njk', await register(req, reply), async () => {
          await risks.setAppetite(
            req.actor!,
            RISK_CATEGORIES.filter((c) => field(req.body, `appetite-${c}`).trim() !== '').map(
              (c) => ({
                category: c,
                maxScore: Number(field(req.body, `appetite-${c}`)),
              }),
            ),
          );
          return reply.redirect('/governance/risks', 303);
        }),
    );

    app.get('/governance/risks/new', manage, async (req, reply) =>
      reply.page(
        'governance/risks/form.njk',
        await form(req.actor!, 'Add a risk', '/governance/risks/new'),
      ),
    );
    app.post('/governance/risks/new', manage, async (req, reply) =>
      submitForm(
        reply,
        'governance/risks/form.njk',
        await form(req.actor!, 'Add a risk', '/governance/risks/new'),
        async () => {
          const r = await risks.create(req.actor!, input(req.body));
          return reply.redirect(`/governance/risks/${r.id}`, 303);
        },
      ),
    );

    app.get('/governance/risks/:riskId', read, async (req, reply) => {
      const risk = await risks.get(req.actor!, riskId(req));
      return reply.page(
        'governance/risks/detail.njk',
        await detail(req.actor!, risk, { saved: (req.query as { saved?: string }).saved }),
      );
    });

    app.get('/governance/risks/:riskId/edit', manage, async (req, reply) => {
      const risk = await risks.get(req.actor!, riskId(req));
      return reply.page('governance/risks/form.njk', {
        ...(await form(req.actor!, `Change ${risk.ref}`, `/governance/risks/${risk.id}/edit`)),
        backLink: `/governance/risks/${risk.id}`,
        values: values(risk),
      });
    });
    app.post('/governance/risks/:riskId/edit', manage, async (req, reply) => {
      const id = riskId(req);
      return submitForm(
        reply,
        'governance/risks/form.njk',
        await form(req.actor!, 'Change the risk', `/governance/risks/${id}/edit`),
        async () => {
          await risks.update(req.actor!, id, input(req.body));
          return reply.redirect(`/governance/risks/${id}?saved=1`, 303);
        },
      );
    });

    app.post(
      '/governance/risks/:riskId/actions',
      manage,
      onDetail((actor, id, body) =>
        risks.addAction(actor, id, {
          description: field(body, 'description'),
          ownerId: field(body, 'ownerId') || null,
          dueOn: optDay(body, 'dueOn') ?? '',
        }),
      ),
    );
    app.post(
      '/governance/risks/:riskId/actions/:actionId/done',
      manage,
      onDetail((actor, id, _body, req) =>
        risks.completeAction(actor, id, (req.params as { actionId: string }).actionId),
      ),
    );
    app.post(
      '/governance/risks/:riskId/review',
      manage,
      onDetail((actor, id, body) =>
        risks.review(actor, id, {
          nextReviewOn: optDay(body, 'nextReviewOn') ?? '',
          residualLikelihood: numOrNull(body, 'residualLikelihood'),
          residualImpact: numOrNull(body, 'residualImpact'),
          note: field(body, 'note'),
        }),
      ),
    );
    app.post(
      '/governance/risks/:riskId/close',
      manage,
      onDetail((actor, id, body) => risks.close(actor, id, field(body, 'reason'))),
    );
  };
}
