// Correction notice pages (UK GDPR Art. 19): the notices received (to apply or dispute) and sent
// (with each partner's acknowledgement state), and one notice — for its recipient, the corrected
// values and the forms to apply or dispute it.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import type { Actor } from '../../domain/policy/actor.ts';
import type { CorrectionNotice } from '../../domain/corrections/corrections.view.ts';
import { field, may, submitForm } from '../pages.ts';
import { doneOf, withDone } from '../flash.ts';

/** GOV.UK tag colours for each state. */
export const NOTICE_TAGS: Record<string, string> = {
  sent: 'govuk-tag--blue',
  overdue: 'govuk-tag--orange',
  acknowledged: 'govuk-tag--green',
  disputed: 'govuk-tag--red',
};

const noticeId = (req: FastifyRequest): string => (req.params as { noticeId: string }).noticeId;

export function correctionsPages(services: Services): FastifyPluginAsync {
  const corrections = services.corrections;
  const detail = (actor: Actor, n: CorrectionNotice, extra: Record<string, unknown> = {}) => ({
    pageTitle: `Correction notice ${n.id.slice(0, 8)}`,
    backLink: `/corrections?direction=${n.direction}`,
    notice: n,
    tags: NOTICE_TAGS,
    canReceive: may(actor, 'exchange.receive'),
    changes: Object.entries(n.changes ?? {}).map(([k, v]) => ({
      field: k,
      value: v === null ? 'Removed' : typeof v === 'string' ? v : JSON.stringify(v),
    })),
    ...extra,
  });

  return async (app) => {
    const read = { config: { page: 'exchange.read' as const }, schema: { hide: true } };
    const receive = { config: { page: 'exchange.receive' as const }, schema: { hide: true } };

    app.get('/corrections', read, async (req, reply) => {
      const direction =
        (req.query as { direction?: string }).direction === 'sent' ? 'sent' : 'received';
      const notices = await corrections.list(req.actor!, direction);
      return reply.page('corrections/list.njk', {
        pageTitle: direction === 'sent' ? 'Corrections sent to partners' : 'Corrections received',
        direction,
        notices,
        tags: NOTICE_TAGS,
        open: notices.filter((n) => n.state === 'sent' || n.state === 'overdue').length,
      });
    });

    app.get('/corrections/:noticeId', read, async (req, reply) => {
      const n = await corrections.get(req.actor!, noticeId(req));
      return reply.page('corrections/notice.njk', detail(req.actor!, n, { done: doneOf(req) }));
    });

    const step = (
      name: 'apply' | 'dispute',
      work: (a: Actor, id: string, body: unknown) => Promise<unknown>,
    ) =>
      app.post(`/corrections/:noticeId/${name}`, receive, async (req, reply) => {
        const n = await corrections.get(req.actor!, noticeId(req));
        return submitForm(reply, 'corrections/notice.njk', detail(req.actor!, n), async () => {
          await work(req.actor!, n.id, req.body);
          const done =
            name === 'apply' ? 'Applied and acknowledged.' : 'Disputed: the sender has been told.';
          return reply.redirect(withDone(`/corrections/${n.id}`, done), 303);
        });
      });
    step('apply', (a, id) => corrections.apply(a, id));
    step('dispute', (a, id, body) => corrections.dispute(a, id, field(body, 'reason')));
  };
}
