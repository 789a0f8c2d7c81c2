// DPIA pages: the list, starting one, screening, the assessment with its risks, the DPO's advice,
// the SIRO's sign-off, and reviews, reopening, the charter summary and prior consultation.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import type { Actor } from '../../domain/policy/actor.ts';
import type { Dpia } from '../../domain/governance/dpia.view.ts';
import {
  LIKELIHOOD,
  RECOMMENDATIONS,
  RECOMMENDATION_LABELS,
  SCREENING_QUESTIONS,
  SEVERITY,
} from '../../domain/governance/dpia.screening.ts';
import { field, may, submitForm } from '../pages.ts';
import { optDay, rows } from './governance-forms.pages.ts';

const dpiaId = (req: FastifyRequest): string => (req.params as { dpiaId: string }).dpiaId;
const base = (d: Dpia) => `/governance/dpias/${d.id}`;

/** What the actor can do next with the DPIA, as one button. */
function nextStep(actor: Actor, d: Dpia): { text: string; href: string } | undefined {
  const write = may(actor, 'dpia.write');
  if (write && d.status === 'screening')
    return { text: 'Answer the screening questions', href: `${base(d)}/screening` };
  if (write && d.status === 'assessment')
    return { text: 'Write the assessment', href: `${base(d)}/assessment` };
  if (d.status === 'advice' && may(actor, 'dpia.advise'))
    return { text: 'Give the DPO’s advice', href: `${base(d)}/advice` };
  if (d.status === 'sign-off' && may(actor, 'dpia.sign'))
    return { text: 'Sign off', href: `${base(d)}/sign-off` };
  if (write && d.status === 'not-required')
    return { text: 'Screen it again', href: `${base(d)}/screening` };
  return undefined;
}

/** The DPIA's assessment as flat form values (risk-<n>-<field>). */
function assessmentValues(d: Dpia): Record<string, string> {
  const v: Record<string, string> = {
    title: d.title,
    description: d.description,
    necessity: d.necessity ?? '',
    proportionality: d.proportionality ?? '',
    consultation: d.consultation ?? '',
  };
  d.risks.forEach((r, n) => {
    v[`risk-${n}-description`] = r.description;
    v[`risk-${n}-likelihood`] = String(r.likelihood);
    v[`risk-${n}-severity`] = String(r.severity);
    v[`risk-${n}-measures`] = r.measures;
    v[`risk-${n}-residual`] = r.residual;
  });
  return v;
}

export function governanceDpiaPages(services: Services): FastifyPluginAsync {
  const { dpias } = services.governance;

  const detail = async (actor: Actor, dpia: Dpia, extra: Record<string, unknown> = {}) => ({
    pageTitle: `${dpia.ref}: ${dpia.title}`,
    backLink: '/governance/dpias',
    dpia,
    risks: await services.governance.risks.linkingTo(actor, 'dpia', dpia.id),
    next: nextStep(actor, dpia),
    canWrite: may(actor, 'dpia.write'),
    canAdvise: may(actor, 'dpia.advise'),
    likelihood: LIKELIHOOD,
    severity: SEVERITY,
    ...extra,
  });

  /** A form on the detail page: shown again with the problems, or back to the DPIA saved. */
  const onDetail =
    (work: (actor: Actor, id: string, body: unknown) => Promise<unknown>) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      const actor = req.actor!;
      const dpia = await dpias.get(actor, dpiaId(req));
      return submitForm(
        reply,
        'governance/dpias/detail.njk',
        await detail(actor, dpia),
        async () => {
          await work(actor, dpia.id, req.body);
          return reply.redirect(`${base(dpia)}?saved=1`, 303);
        },
      );
    };

  /** A stage's own page (screening, assessment, advice, sign-off). */
  const stage = (template: string, title: string, extra: Record<string, unknown> = {}) => ({
    show:
      (values: (d: Dpia) => Record<string, unknown>) =>
      async (req: FastifyRequest, reply: FastifyReply) => {
        const d = await dpias.get(req.actor!, dpiaId(req));
        return reply.page(template, {
          pageTitle: `${title}: ${d.ref}`,
          backLink: base(d),
          dpia: d,
          values: values(d),
          ...extra,
        });
      },
    save:
      (work: (actor: Actor, id: string, body: unknown) => Promise<unknown>) =>
      async (req: FastifyRequest, reply: FastifyReply) => {
        const d = await dpias.get(req.actor!, dpiaId(req));
        return submitForm(
          reply,
          template,
          { pageTitle: `${title}: ${d.ref}`, backLink: base(d), dpia: d, ...extra },
          async () => {
            await work(req.actor!, d.id, req.body);
            return reply.redirect(base(d), 303);
          },
        );
      },
  });

  return async (app) => {
    const read = { config: { page: 'governance.read' as const }, schema: { hide: true } };
    const write = { config: { page: 'dpia.write' as const }, schema: { hide: true } };

    app.get('/governance/dpias', read, async (req, reply) =>
      reply.page('governance/dpias/list.njk', {
        pageTitle: 'DPIAs',
        backLink: '/governance',
        dpias: await dpias.list(req.actor!),
        canWrite: may(req.actor, 'dpia.write'),
      }),
    );

    const newPage = { pageTitle: 'Start a DPIA', backLink: '/governance/dpias' };
    app.get('/governance/dpias/new', write, async (_req, reply) =>
      reply.page('governance/dpias/new.njk', newPage),
    );
    app.post('/governance/dpias/new', write, async (req, reply) =>
      submitForm(reply, 'governance/dpias/new.njk', newPage, async () => {
        const d = await dpias.create(req.actor!, {
          title: field(req.body, 'title'),
          description: field(req.body, 'description'),
          reviewOn: optDay(req.body, 'reviewOn'),
        });
        return reply.redirect(base(d), 303);
      }),
    );

    app.get('/governance/dpias/:dpiaId', read, async (req, reply) => {
      const d = await dpias.get(req.actor!, dpiaId(req));
      const saved = (req.query as { saved?: string }).saved;
      return reply.page('governance/dpias/detail.njk', await detail(req.actor!, d, { saved }));
    });

    const screening = stage('governance/dpias/screening.njk', 'Screening', {
      questions: SCREENING_QUESTIONS,
    });
    app.get(
      '/governance/dpias/:dpiaId/screening',
      write,
      screening.show((d) => ({
        ...Object.fromEntries(
          Object.entries(d.screening?.answers ?? {}).map(([k, v]) => [`q-${k}`, v ? 'yes' : 'no']),
        ),
        notes: d.screening?.notes ?? '',
        fullAnyway: d.screening?.fullAnyway ? 'yes' : '',
      })),
    );
    app.post(
      '/governance/dpias/:dpiaId/screening',
      write,
      screening.save((actor, id, body) => {
        const answers: Record<string, boolean> = {};
        for (const q of SCREENING_QUESTIONS) {
          const v = field(body, `q-${q.id}`);
          if (v === 'yes' || v === 'no') answers[q.id] = v === 'yes';
        }
        return dpias.screen(actor, id, {
          answers,
          notes: field(body, 'notes'),
          fullAnyway: field(body, 'fullAnyway') === 'yes',
        });
      }),
    );

    const keys = ['description', 'likelihood', 'severity', 'measures', 'residual'];
    app.get('/governance/dpias/:dpiaId/assessment', write, async (req, reply) => {
      const d = await dpias.get(req.actor!, dpiaId(req));
      return reply.page('governance/dpias/assessment.njk', {
        pageTitle: `Assessment: ${d.ref}`,
        backLink: base(d),
        dpia: d,
        values: assessmentValues(d),
        rowCount: d.risks.length + 3,
      });
    });
    app.post('/governance/dpias/:dpiaId/assessment', write, async (req, reply) => {
      const risks = rows(req.body, 'risk', keys, 60);
      // Shown again with every row typed, and three spare.
      const count =
        Math.max(
          ...[
            -1,
            ...Object.keys(req.body ?? {}).map((k) => Number(/^risk-(\d+)-/.exec(k)?.[1] ?? -1)),
          ],
        ) + 4;
      const d = await dpias.get(req.actor!, dpiaId(req));
      return submitForm(
        reply,
        'governance/dpias/assessment.njk',
        { pageTitle: `Assessment: ${d.ref}`, backLink: base(d), dpia: d, rowCount: count },
        async () => {
          await dpias.saveAssessment(req.actor!, d.id, {
            title: field(req.body, 'title'),
            description: field(req.body, 'description'),
            necessity: field(req.body, 'necessity'),
            proportionality: field(req.body, 'proportionality'),
            consultation: field(req.body, 'consultation'),
            risks: risks.map((r) => ({
              description: r.description ?? '',
              likelihood: r.likelihood ? Number(r.likelihood) : Number.NaN,
              severity: r.severity ? Number(r.severity) : Number.NaN,
              measures: r.measures ?? '',
              residual: r.residual ?? '',
            })),
            submit: field(req.body, 'submit') === 'yes',
          });
          return reply.redirect(base(d), 303);
        },
      );
    });

    const advice = stage('governance/dpias/advice.njk', 'DPO advice', {
      recommendations: RECOMMENDATIONS.map((r) => [r, RECOMMENDATION_LABELS[r]]),
    });
    const adviser = { config: { page: 'dpia.advise' as const }, schema: { hide: true } };
    app.get(
      '/governance/dpias/:dpiaId/advice',
      adviser,
      advice.show(() => ({})),
    );
    app.post(
      '/governance/dpias/:dpiaId/advice',
      adviser,
      advice.save((actor, id, body) =>
        dpias.advise(actor, id, {
          advice: field(body, 'advice'),
          recommendation: field(body, 'recommendation'),
        }),
      ),
    );

    const signOff = stage('governance/dpias/sign-off.njk', 'Sign off');
    const signer = { config: { page: 'dpia.sign' as const }, schema: { hide: true } };
    app.get(
      '/governance/dpias/:dpiaId/sign-off',
      signer,
      signOff.show(() => ({})),
    );
    app.post(
      '/governance/dpias/:dpiaId/sign-off',
      signer,
      signOff.save((actor, id, body) => {
        const overrule = field(body, 'overruleReason').trim();
        return dpias.signOff(actor, id, {
          decision: field(body, 'decision'),
          note: field(body, 'note'),
          reviewOn: optDay(body, 'reviewOn'),
          overruleReason: overrule,
          ...(overrule ? { adviceFollowed: false } : {}),
        });
      }),
    );

    app.post(
      '/governance/dpias/:dpiaId/review',
      write,
      onDetail((actor, id, body) =>
        dpias.review(actor, id, {
          nextReviewOn: optDay(body, 'nextReviewOn') ?? '',
          note: field(body, 'note'),
        }),
      ),
    );
    app.post(
      '/governance/dpias/:dpiaId/reopen',
      write,
      onDetail((actor, id, body) => dpias.reopen(actor, id, field(body, 'reason'))),
    );
    app.post(
      '/governance/dpias/:dpiaId/summary',
      write,
      onDetail((actor, id, body) =>
        dpias.setSummary(actor, id, {
          publicSummary: field(body, 'publicSummary'),
          publish: field(body, 'publish') === 'yes',
        }),
      ),
    );
    app.post(
      '/governance/dpias/:dpiaId/ico-consultation',
      adviser,
      onDetail((actor, id, body) =>
        dpias.recordIcoConsultation(actor, id, {
          consultedOn: optDay(body, 'consultedOn') ?? '',
          reference: field(body, 'reference'),
          outcome: field(body, 'outcome'),
        }),
      ),
    );
  };
}
