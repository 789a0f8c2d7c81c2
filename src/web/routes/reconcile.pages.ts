// Reconciliation pages: the runs (and starting one), a run with its variance table (filters, CSV
// download), a variance with its override history, the override form and the second approval.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import type { Actor } from '../../domain/policy/actor.ts';
import { VARIANCE_KINDS } from '../../domain/reconcile/link.ts';
import { MEMBER_STATUSES } from '../../domain/reconcile/overrides.service.ts';
import { field, may, submitForm } from '../pages.ts';

const KIND_LABELS: Record<string, string> = {
  'only-in-a': 'On the list, not in the feed',
  'only-in-b': 'In the feed, not on the list',
  'status-mismatch': 'Status mismatch',
  'address-mismatch': 'Address mismatch',
  'possible-match': 'Possible match to review',
};
const STATE_LABELS: Record<string, string> = {
  open: 'Open',
  'awaiting-approval': 'Awaiting approval',
  overridden: 'Overridden',
};
const kinds = VARIANCE_KINDS.map((k) => [k, KIND_LABELS[k]!]);
const states = Object.entries(STATE_LABELS);

const param = (req: FastifyRequest, name: string): string =>
  (req.params as Record<string, string>)[name] ?? '';

interface Filter {
  kind: string;
  state: string;
  page: number;
}
function filterOf(req: FastifyRequest): Filter {
  const q = req.query as { kind?: string; state?: string; page?: string };
  return {
    kind: (VARIANCE_KINDS as readonly string[]).includes(q.kind ?? '') ? q.kind! : '',
    state: q.state && q.state in STATE_LABELS ? q.state : '',
    page: Math.max(1, Number(q.page) || 1),
  };
}

export function reconcilePages(services: Services): FastifyPluginAsync {
  const { reconciliations, variances, overrides } = services.reconcile;

  const runsPage = async (actor: Actor) => ({
    pageTitle: 'Reconciliation',
    runs: await reconciliations.list(actor),
    canRun: may(actor, 'reconcile.run'),
    assets: may(actor, 'reconcile.run')
      ? (await services.assets.list(actor)).map((a) => [a.id, a.name])
      : [],
    awaiting: (await overrides.awaiting(actor)).length,
  });

  const variancePage = async (actor: Actor, varianceId: string) => {
    const { run, variance, overrides: history } = await variances.get(actor, varianceId);
    const waiting = history.find((o) => o.state === 'awaiting-approval');
    return {
      pageTitle: `Variance ${variance.seq}: ${variance.summary}`,
      backLink: `/reconciliations/${run.id}`,
      run,
      variance,
      history,
      waiting,
      kindLabel: KIND_LABELS[variance.kind],
      stateLabel: STATE_LABELS[variance.state],
      statuses: MEMBER_STATUSES.map((s) => [s, s]),
      canOverride: may(actor, 'reconcile.override') && !waiting,
      canApprove: may(actor, 'reconcile.approve') && waiting !== undefined,
    };
  };

  return async (app) => {
    const read = { config: { page: 'reconcile.read' as const }, schema: { hide: true } };

    app.get('/reconciliations', read, async (req, reply) =>
      reply.page('reconcile/runs.njk', await runsPage(req.actor!)),
    );
    app.post(
      '/reconciliations',
      { config: { page: 'reconcile.run' }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(reply, 'reconcile/runs.njk', await runsPage(req.actor!), async () => {
          const b = req.body;
          const run = await reconciliations.start(req.actor!, {
            title: field(b, 'title') || undefined,
            listAssetId: field(b, 'listAssetId') || undefined,
            feedAssetId: field(b, 'feedAssetId') || undefined,
            csv: field(b, 'csv') || undefined,
            fileName: field(b, 'csv') ? 'pasted.csv' : undefined,
          });
          return reply.redirect(`/reconciliations/${run.id}`, 303);
        }),
    );

    app.get('/reconciliations/:runId', read, async (req, reply) => {
      const f = filterOf(req);
      const p = await variances.list(req.actor!, param(req, 'runId'), {
        kind: f.kind || undefined,
        state: f.state || undefined,
        page: f.page,
        pageSize: 50,
      });
      const query = (page: number) =>
        new URLSearchParams({
          ...(f.kind ? { kind: f.kind } : {}),
          ...(f.state ? { state: f.state } : {}),
          page: String(page),
        }).toString();
      const last = Math.max(1, Math.ceil(p.total / p.pageSize));
      return reply.page('reconcile/run.njk', {
        pageTitle: p.run.title,
        backLink: '/reconciliations',
        run: p.run,
        variances: p.variances,
        total: p.total,
        filter: f,
        kinds,
        states,
        kindLabels: KIND_LABELS,
        stateLabels: STATE_LABELS,
        csvHref: `/reconciliations/${p.run.id}/variances.csv${f.kind ? `?kind=${f.kind}` : ''}`,
        pagination: {
          ...(f.page > 1 ? { previous: { href: `?${query(f.page - 1)}` } } : {}),
          ...(f.page < last ? { next: { href: `?${query(f.page + 1)}` } } : {}),
        },
        pageOf: { page: f.page, last },
      });
    });

    app.get('/reconciliations/:runId/variances.csv', read, async (req, reply: FastifyReply) => {
      const f = filterOf(req);
      const csv = await variances.csv(req.actor!, param(req, 'runId'), {
        kind: f.kind || undefined,
        state: f.state || undefined,
      });
      return reply
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="variances${f.kind ? `-${f.kind}` : ''}.csv"`,
        )
        .send(csv);
    });

    app.get('/variances/:varianceId', read, async (req, reply) =>
      reply.page(
        'reconcile/variance.njk',
        await variancePage(req.actor!, param(req, 'varianceId')),
      ),
    );
    app.post(
      '/variances/:varianceId/override',
      { config: { page: 'reconcile.override' }, schema: { hide: true } },
      async (req, reply) => {
        const id = param(req, 'varianceId');
        return submitForm(
          reply,
          'reconcile/variance.njk',
          await variancePage(req.actor!, id),
          async () => {
            const b = req.body;
            await overrides.override(req.actor!, id, {
              decision: field(b, 'decision') || undefined,
              newStatus: field(b, 'newStatus') || undefined,
              justification: field(b, 'justification'),
              evidence: field(b, 'evidence'),
            });
            return reply.redirect(`/variances/${id}`, 303);
          },
        );
      },
    );
    app.post(
      '/variances/:varianceId/decision',
      { config: { page: 'reconcile.approve' }, schema: { hide: true } },
      async (req, reply) => {
        const id = param(req, 'varianceId');
        const data = await variancePage(req.actor!, id);
        return submitForm(reply, 'reconcile/variance.njk', data, async () => {
          const choice = field(req.body, 'approve');
          await overrides.decide(req.actor!, field(req.body, 'overrideId'), {
            approve: choice === 'yes' ? true : choice === 'no' ? false : undefined,
            note: field(req.body, 'note'),
          });
          return reply.redirect(`/variances/${id}`, 303);
        });
      },
    );

    app.get('/reconciliations/overrides/awaiting', read, async (req, reply) =>
      reply.page('reconcile/awaiting.njk', {
        pageTitle: 'Overrides awaiting approval',
        backLink: '/reconciliations',
        overrides: await overrides.awaiting(req.actor!),
      }),
    );
  };
}
