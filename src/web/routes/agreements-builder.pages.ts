// The agreement builder: a draft answered one GOV.UK question page at a time, then a check-answers
// page that lists every problem the domain finds (each linking to the page that fixes it) and
// proposes the draft for approval when there are none.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import type { Actor } from '../../domain/policy/actor.ts';
import type { BuilderContext } from '../../domain/agreements/agreements.builder.ts';
import { ARTICLE_6, ARTICLE_9, SCHEDULE_1, basisLabel } from '../../domain/records/lawful-bases.ts';
import { isAccordError } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import { field, submitForm } from '../pages.ts';
import { STEPS, dateValues, stepFor } from './agreements-forms.ts';

interface DraftParams {
  agreementId: string;
  versionId: string;
  step: string;
}

const draftBase = (c: BuilderContext) => `/agreements/${c.agreementId}/draft/${c.versionId}`;

export function agreementBuilderPages(services: Services): FastifyPluginAsync {
  const { agreements, builder } = services;

  /** Everything a step page shows beside its form. */
  const stepData = (c: BuilderContext, slug: string) => {
    const i = STEPS.findIndex((s) => s.slug === slug);
    const names = new Map(c.organisations.map((o) => [o.orgId, o.name]));
    return {
      pageTitle: `${STEPS[i]!.title}: ${c.terms.title || 'new agreement'}`,
      backLink: i > 0 ? `${draftBase(c)}/${STEPS[i - 1]!.slug}` : `/agreements/${c.agreementId}`,
      c,
      base: draftBase(c),
      step: STEPS[i],
      stepNumber: i + 1,
      stepCount: STEPS.length,
      names: Object.fromEntries(names),
      article6: ARTICLE_6,
      article9: ARTICLE_9,
      schedule1: SCHEDULE_1,
      // Every direction between the parties, with the providing party's record types.
      directions: c.terms.parties.flatMap((from) =>
        c.terms.parties
          .filter((to) => to.orgId !== from.orgId)
          .map((to) => ({ from, to, types: c.recordTypes[from.orgId] ?? [] })),
      ),
    };
  };

  /** The draft's terms as the form values of one step. */
  const stepValues = (c: BuilderContext): Record<string, unknown> => {
    const t = c.terms;
    const v: Record<string, unknown> = {
      title: t.title,
      parties: t.parties.map((p) => p.orgId),
      purposes: t.purposes.map((p) => p.key),
      operations: t.operations,
      lookupsPerDay: t.budgets.lookupsPerDay ?? '',
      checksPerDay: t.budgets.checksPerDay ?? '',
      ...dateValues(t),
    };
    for (const p of t.parties) {
      v[`basis-${p.orgId}`] = p.lawfulBasis;
      v[`special-${p.orgId}`] = (p.specialCondition ?? '').split(',').filter(Boolean);
    }
    for (const f of t.flows) v[`flow|${f.from}|${f.to}|${f.recordType}`] = f.fields;
    for (const k of t.conditions) {
      if (k.kind === 'subject-under-age')
        Object.assign(v, { underAge: String(k.age), dateOfBirthField: k.dateOfBirthField });
      else v.caldicott = k.personIds;
    }
    return v;
  };

  const context = (req: FastifyRequest) =>
    builder.context(req.actor!, (req.params as DraftParams).versionId);

  /** The check-answers page: the terms, and every problem linked to the page that answers it. */
  const checkPage = async (actor: Actor, c: BuilderContext, problems: Problem[]) => ({
    pageTitle: `Check the agreement: ${c.terms.title}`,
    backLink: `${draftBase(c)}/${STEPS[STEPS.length - 1]!.slug}`,
    c,
    base: draftBase(c),
    steps: STEPS,
    basisLabel,
    names: Object.fromEntries(c.organisations.map((o) => [o.orgId, o.name])),
    handlers: Object.fromEntries(c.handlers.map((h) => [h.personId, h.name])),
    dpia: c.dpias.find((d) => d.id === c.terms.dpiaRef) ?? null,
    errors: problems.map((p) => ({
      text: p.message,
      href: `${draftBase(c)}/${stepFor(p.field, p.message)}`,
    })),
    canPropose: problems.length === 0,
    proposer: actor.personId,
  });

  return async (app) => {
    const write = { config: { page: 'agreements.write' as const }, schema: { hide: true } };

    app.get('/agreements/new', write, async (_req, reply) =>
      reply.page('agreements/new.njk', {
        pageTitle: 'Draft an agreement',
        backLink: '/agreements',
        values: {},
      }),
    );

    app.post('/agreements/new', write, async (req, reply) =>
      submitForm(
        reply,
        'agreements/new.njk',
        { pageTitle: 'Draft an agreement', backLink: '/agreements' },
        async () => {
          const a = await agreements.draft(req.actor!, field(req.body, 'title'));
          return reply.redirect(`/agreements/${a.id}/draft/${a.latest.versionId}/parties`, 303);
        },
      ),
    );

    app.get('/agreements/:agreementId/draft/:versionId/check', write, async (req, reply) => {
      const c = await context(req);
      const problems = await agreements.problems(req.actor!, c.versionId);
      return reply.page('agreements/check.njk', await checkPage(req.actor!, c, problems));
    });

    app.post('/agreements/:agreementId/draft/:versionId/propose', write, async (req, reply) => {
      const c = await context(req);
      try {
        await agreements.propose(req.actor!, c.versionId);
        return reply.redirect(`/agreements/${c.agreementId}?proposed=1`, 303);
      } catch (e) {
        if (!isAccordError(e) || e.status >= 500) throw e;
        reply.code(e.status);
        const problems = e.problems.length ? e.problems : [{ message: e.message }];
        return reply.page('agreements/check.njk', await checkPage(req.actor!, c, problems));
      }
    });

    const stepOf = (req: FastifyRequest, reply: FastifyReply) => {
      const step = STEPS.find((s) => s.slug === (req.params as DraftParams).step);
      if (!step) reply.callNotFound();
      return step;
    };

    app.get('/agreements/:agreementId/draft/:versionId/:step', write, async (req, reply) => {
      const step = stepOf(req, reply);
      if (!step) return reply;
      const c = await context(req);
      return reply.page(`agreements/steps/${step.slug}.njk`, {
        ...stepData(c, step.slug),
        values: stepValues(c),
      });
    });

    app.post('/agreements/:agreementId/draft/:versionId/:step', write, async (req, reply) => {
      const step = stepOf(req, reply);
      if (!step) return reply;
      const c = await context(req);
      return submitForm(
        reply,
        `agreements/steps/${step.slug}.njk`,
        stepData(c, step.slug),
        async () => {
          await agreements.saveDraft(req.actor!, c.versionId, step.apply(c.terms, req.body, c));
          const next = STEPS[STEPS.indexOf(step) + 1];
          // Adding a check stays on the page, so more can be added.
          const again = step.slug === 'operations' && field(req.body, 'checkQuestion').trim();
          const to = again ? step.slug : (next?.slug ?? 'check');
          return reply.redirect(`${draftBase(c)}/${to}`, 303);
        },
      );
    });
  };
}
