// Exchange pages: the inbox and the outbox (states, counts, deadlines, what to do next, recent
// notifications) and one transfer with the actions its state allows (send, recall, open into an
// asset, acknowledge, reject with a reason). The notifications page is in
// exchange-notifications.pages.ts.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import type { Actor } from '../../domain/policy/actor.ts';
import type { Action } from '../../domain/policy/permissions.ts';
import type { Transfer } from '../../domain/exchange/transfers.view.ts';
import { field, may, submitForm } from '../pages.ts';
import { BOX_KINDS, exchangeNotificationPages } from './exchange-notifications.pages.ts';

const transferId = (req: FastifyRequest): string =>
  (req.params as { transferId: string }).transferId;

/** GOV.UK tag colours for each state. */
export const STATE_TAGS: Record<string, string> = {
  draft: 'govuk-tag--grey',
  ready: 'govuk-tag--light-blue',
  delivered: 'govuk-tag--blue',
  opened: 'govuk-tag--yellow',
  acknowledged: 'govuk-tag--green',
  rejected: 'govuk-tag--red',
  recalled: 'govuk-tag--grey',
  expired: 'govuk-tag--orange',
};

export function exchangePages(services: Services): FastifyPluginAsync {
  const { transfers, notifications } = services.exchange;

  const detail = async (actor: Actor, t: Transfer, extra: Record<string, unknown> = {}) => ({
    pageTitle: `Transfer ${t.id.slice(0, 8)}`,
    backLink: t.side === 'sender' ? '/exchange/outbox' : '/exchange/inbox',
    transfer: t,
    tags: STATE_TAGS,
    assets:
      t.actions.includes('open') && may(actor, 'exchange.receive')
        ? (await services.assets.list(actor))
            .filter((a) => a.typeKey === t.recordType)
            .map((a) => ({ value: a.id, text: a.name }))
        : [],
    canSend: may(actor, 'exchange.send'),
    canReceive: may(actor, 'exchange.receive'),
    ...extra,
  });

  return async (app) => {
    await app.register(exchangeNotificationPages(services));
    const read = { config: { page: 'exchange.read' as const }, schema: { hide: true } };
    const send = { config: { page: 'exchange.send' as const }, schema: { hide: true } };
    const receive = { config: { page: 'exchange.receive' as const }, schema: { hide: true } };

    for (const box of ['inbox', 'outbox'] as const)
      app.get(`/exchange/${box}`, read, async (req, reply) => {
        const list = await transfers.views.list(req.actor!, box);
        return reply.page('exchange/box.njk', {
          pageTitle: box === 'inbox' ? 'Transfers received' : 'Transfers sent',
          box,
          ...list,
          tags: STATE_TAGS,
          canSend: box === 'outbox' && may(req.actor, 'exchange.send'),
          total: Object.values(list.counts).reduce((a, b) => a + b, 0),
          // This box's kinds asked for directly, so other kinds cannot crowd them out; the rest
          // are on the notifications page the banner links to.
          notices: await notifications.list(req.actor!, 5, { kinds: BOX_KINDS[box] }),
        });
      });

    app.get('/exchange/transfers/:transferId', read, async (req, reply) => {
      const t = await transfers.views.get(req.actor!, transferId(req));
      return reply.page(
        'exchange/transfer.njk',
        await detail(req.actor!, t, { done: (req.query as { done?: string }).done }),
      );
    });

    const step = (
      name: string,
      work: (actor: Actor, id: string, body: unknown) => Promise<Transfer>,
      opts: { config: { page: Action }; schema: { hide: boolean } },
    ) =>
      app.post(`/exchange/transfers/:transferId/${name}`, opts, async (req, reply) => {
        const t = await transfers.views.get(req.actor!, transferId(req));
        return submitForm(reply, 'exchange/transfer.njk', await detail(req.actor!, t), async () => {
          await work(req.actor!, t.id, req.body);
          return reply.redirect(`/exchange/transfers/${t.id}?done=${name}`, 303);
        });
      });
    step('ready', (a, id) => transfers.ready(a, id), send);
    step('recall', (a, id) => transfers.recall(a, id), send);
    step('open', (a, id, body) => transfers.open(a, id, field(body, 'assetId')), receive);
    step('acknowledge', (a, id) => transfers.acknowledge(a, id), receive);
    step('reject', (a, id, body) => transfers.reject(a, id, field(body, 'reason')), receive);
  };
}
