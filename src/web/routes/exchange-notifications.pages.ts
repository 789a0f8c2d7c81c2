// The organisation's exchange notifications page: everything the node told it about its
// transfers, corrections, agreements and queries, newest first, 50 a page, each with a readable
// kind and a link to what it concerns. The same list, in the same order, as
// GET /api/exchange/notifications. Notifications have no read state, so nothing is marked read.
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../services.ts';
import type { Actor } from '../../domain/policy/actor.ts';
import type { Notification } from '../../domain/exchange/notifications.service.ts';
import { may } from '../pages.ts';

export const NOTIFICATIONS_PER_PAGE = 50;

/** A readable label and a GOV.UK tag colour for each kind the domain raises. */
export const NOTIFICATION_KINDS: Record<string, { label: string; tag: string }> = {
  arrived: { label: 'Transfer arrived', tag: 'govuk-tag--blue' },
  recalled: { label: 'Transfer recalled', tag: 'govuk-tag--grey' },
  acknowledged: { label: 'Transfer acknowledged', tag: 'govuk-tag--green' },
  rejected: { label: 'Transfer rejected', tag: 'govuk-tag--red' },
  expired: { label: 'Transfer expired', tag: 'govuk-tag--orange' },
  'recall-overtaken': { label: 'Recall too late', tag: 'govuk-tag--red' },
  'expiry-overtaken': { label: 'Acted on before expiry', tag: 'govuk-tag--yellow' },
  'state-refused': { label: 'Partner disagrees', tag: 'govuk-tag--red' },
  fishing: { label: 'Possible fishing', tag: 'govuk-tag--red' },
  correction: { label: 'Correction received', tag: 'govuk-tag--blue' },
  'correction-acknowledged': { label: 'Correction applied', tag: 'govuk-tag--green' },
  'correction-disputed': { label: 'Correction disputed', tag: 'govuk-tag--yellow' },
  'correction-overdue': { label: 'Correction overdue', tag: 'govuk-tag--orange' },
  'correction-undeliverable': { label: 'Correction not delivered', tag: 'govuk-tag--red' },
  'correction-delayed': { label: 'Correction delayed', tag: 'govuk-tag--orange' },
  'agreement-undelivered': { label: 'Agreement change not delivered', tag: 'govuk-tag--orange' },
};

/** The kinds each box's banner shows: what happened to transfers on that side. */
export const BOX_KINDS = {
  inbox: ['arrived', 'recalled', 'expired', 'fishing', 'state-refused'],
  outbox: [
    'acknowledged',
    'rejected',
    'expired',
    'recall-overtaken',
    'expiry-overtaken',
    'state-refused',
  ],
} as const;

/** A kind added later still reads as words rather than a code. */
export function kindOf(kind: string): { label: string; tag: string } {
  const known = NOTIFICATION_KINDS[kind];
  if (known) return known;
  const words = kind.replace(/[-_]+/g, ' ').trim();
  return { label: words.charAt(0).toUpperCase() + words.slice(1), tag: 'govuk-tag--grey' };
}

export interface NotificationRow extends Notification {
  label: string;
  tag: string;
  links: { href: string; text: string }[];
}

/**
 * Where a notification leads: its transfer when it names one, and the page for its kind (the
 * correction notices; the agreements; the audit entries of a fishing alert) when the viewer may
 * see that page. Agreement notifications do not keep the agreement's id, so they lead to the list.
 */
export function linksFor(actor: Actor, n: Notification): { href: string; text: string }[] {
  const links: { href: string; text: string }[] = [];
  if (n.transferId)
    links.push({
      href: `/exchange/transfers/${n.transferId}`,
      text: `Transfer ${n.transferId.slice(0, 8)}`,
    });
  if (n.kind.startsWith('correction')) links.push({ href: '/corrections', text: 'Corrections' });
  if (n.kind.startsWith('agreement-') && may(actor, 'agreements.read'))
    links.push({ href: '/agreements', text: 'Agreements' });
  if (n.kind === 'fishing' && may(actor, 'audit.read'))
    links.push({
      href: '/audit?action=exchange.fishing.suspected',
      text: 'Fishing alerts in the audit log',
    });
  return links;
}

export const rowsFor = (actor: Actor, list: Notification[]): NotificationRow[] =>
  list.map((n) => ({ ...n, ...kindOf(n.kind), links: linksFor(actor, n) }));

export function exchangeNotificationPages(services: Services): FastifyPluginAsync {
  const { notifications } = services.exchange;
  return async (app) => {
    // Whoever may see the organisation's inbox may see what it was told.
    const read = { config: { page: 'exchange.read' as const }, schema: { hide: true } };

    app.get('/exchange/notifications', read, async (req, reply) => {
      const given = (req.query as { before?: unknown }).before;
      const before = typeof given === 'string' && given ? given : undefined;
      // One more than a page: whether there are older ones, without counting them all.
      const got = await notifications.list(req.actor!, NOTIFICATIONS_PER_PAGE + 1, { before });
      const shown = got.slice(0, NOTIFICATIONS_PER_PAGE);
      return reply.page('exchange/notifications.njk', {
        pageTitle: before ? 'Older notifications' : 'Notifications',
        notifications: rowsFor(req.actor!, shown),
        older: got.length > NOTIFICATIONS_PER_PAGE ? shown[shown.length - 1]!.id : null,
        paged: before !== undefined,
      });
    });
  };
}
