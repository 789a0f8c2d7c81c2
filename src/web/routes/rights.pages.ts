// Subject rights pages: the request queue with deadlines (overdue highlighted), logging a
// request, a request's timeline with what can be done next, and the printable bundle with the
// marking of passages to withhold.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import type { Actor } from '../../domain/policy/actor.ts';
import {
  CHANNELS,
  CHANNEL_LABELS,
  KIND_LABELS,
  MOVE_LABELS,
  REQUEST_KINDS,
} from '../../domain/rights/requests.model.ts';
import { IDENTIFIER_FIELDS } from '../../domain/rights/subjects.ts';
import { dateField, field, may, submitForm } from '../pages.ts';
import { NOTICE_TAGS } from './corrections.pages.ts';
import { assertNoProblems } from '../../errors.ts';
import { doneOf, withDone } from '../flash.ts';

const kindOptions = REQUEST_KINDS.map((k) => [k, KIND_LABELS[k]] as [string, string]);
const channelOptions = CHANNELS.map((c) => [c, CHANNEL_LABELS[c]] as [string, string]);

export function rightsPages(services: Services): FastifyPluginAsync {
  const r = services.rights;
  return async (app) => {
    app.get(
      '/rights',
      { config: { page: 'rights.read' }, schema: { hide: true } },
      async (req, reply) => {
        const q = req.query as { state?: string };
        const state = (['open', 'closed', 'all'].includes(q.state ?? '') ? q.state : 'open') as
          'open' | 'closed' | 'all';
        const requests = await r.requests.list(req.actor!, state);
        return reply.page('rights/queue.njk', {
          pageTitle: 'Rights requests',
          requests,
          state,
          overdue: requests.filter((x) => x.open && x.clock.overdue).length,
          canLog: may(req.actor, 'rights.manage'),
        });
      },
    );

    const newForm = {
      pageTitle: 'Log a rights request',
      backLink: '/rights',
      kindOptions,
      channelOptions,
    };
    app.get(
      '/rights/new',
      { config: { page: 'rights.manage' }, schema: { hide: true } },
      async (_req, reply) =>
        reply.page('rights/new.njk', { ...newForm, values: { channel: 'email' } }),
    );
    app.post(
      '/rights/new',
      { config: { page: 'rights.manage' }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(reply, 'rights/new.njk', newForm, async () => {
          const identifiers: Record<string, string> = {};
          for (const k of IDENTIFIER_FIELDS) identifiers[k] = field(req.body, k);
          const received = dateField(req.body, 'receivedOn');
          const created = await r.requests.log(req.actor!, {
            kind: field(req.body, 'kind'),
            channel: field(req.body, 'channel'),
            receivedOn: received === 'invalid' ? 'not a date' : received || undefined,
            identifiers,
            description: field(req.body, 'description'),
            identityVerified: field(req.body, 'identityVerified') === 'yes',
          });
          return reply.redirect(
            withDone(`/rights/${created.id}`, `Request ${created.reference} logged.`),
            303,
          );
        }),
    );

    const requestPage = async (req: FastifyRequest) => {
      const actor = req.actor!;
      const request = await r.requests.get(actor, (req.params as { requestId: string }).requestId);
      const manage = may(actor, 'rights.manage') && request.open;
      const correctable =
        manage && request.kind === 'rectification' && request.identityVerified
          ? await r.rightsActions.correctable(actor, request.id)
          : [];
      return {
        notices: await services.corrections.forRequest(actor, request.id),
        noticeTags: NOTICE_TAGS,
        // Each field of each record about the person, as "record|field", for the correction form.
        targets: correctable.flatMap((rec, i) =>
          Object.entries(rec.payload).map(([k, v]) => [
            `${rec.recordId}|${k}`,
            `${i + 1}. ${rec.assetName}: ${k} (now ${typeof v === 'string' ? v : JSON.stringify(v)})`,
          ]),
        ),
        pageTitle: `${request.reference}: ${request.kindLabel}`,
        backLink: '/rights',
        request,
        manage,
        moveOptions: request.moves.map((m) => [m, MOVE_LABELS[m]] as [string, string]),
        done: doneOf(req),
      };
    };
    app.get(
      '/rights/:requestId',
      { config: { page: 'rights.read' }, schema: { hide: true } },
      async (req, reply) => reply.page('rights/request.njk', await requestPage(req)),
    );

    /** A form on the request page: back to the page with a message, or the page with problems. */
    const action = (
      path: string,
      work: (req: FastifyRequest, actor: Actor, id: string) => Promise<string>,
    ) =>
      app.post(
        path,
        { config: { page: 'rights.manage' }, schema: { hide: true } },
        async (req, reply: FastifyReply) => {
          const data = await requestPage(req);
          return submitForm(reply, 'rights/request.njk', data, async () => {
            const message = await work(req, req.actor!, data.request.id);
            return reply.redirect(withDone(`/rights/${data.request.id}`, message), 303);
          });
        },
      );
    action('/rights/:requestId/move', async (req, a, id) => {
      const moved = await r.requests.move(a, id, {
        move: field(req.body, 'move'),
        reason: field(req.body, 'reason'),
        identityVerified: field(req.body, 'identityVerified') === 'yes',
      });
      return `The request is now: ${moved.statusLabel.toLowerCase()}.`;
    });
    action('/rights/:requestId/extend', async (req, a, id) => {
      const e = await r.requests.extend(
        a,
        id,
        Number(field(req.body, 'months')),
        field(req.body, 'extensionReason'),
      );
      return `Deadline extended to ${e.clock.dueOn}.`;
    });
    action('/rights/:requestId/erase', async (_req, a, id) => {
      const out = await r.rightsActions.erase(a, id);
      const kept = out.filter((o) => o.outcome === 'kept').length;
      return `${out.length - kept} record(s) erased, ${kept} kept (see the timeline for why).`;
    });
    action('/rights/:requestId/restrict', async (req, a, id) => {
      const lift = field(req.body, 'lift') === 'yes';
      const out = await r.rightsActions.restrict(a, id, field(req.body, 'restrictReason'), lift);
      return `${out.length} record(s) ${lift ? 'no longer restricted' : 'restricted'}.`;
    });

    action('/rights/:requestId/rectify', async (req, a, id) => {
      const [recordId = '', name = ''] = field(req.body, 'target').split('|');
      const given = field(req.body, 'value');
      const reason = field(req.body, 'rectifyReason');
      if (!name)
        assertNoProblems(
          [
            { field: 'target', message: 'Choose the field to correct' },
            ...(reason.trim()
              ? []
              : [{ field: 'reason', message: 'Say what was wrong and how it was shown' }]),
          ],
          'The correction cannot be made.',
        );
      const current = (await r.rightsActions.correctable(a, id)).find(
        (x) => x.recordId === recordId,
      );
      const before = current?.payload[name];
      // The form sends text: numbers and yes/no fields are turned back into what the type holds.
      const value =
        typeof before === 'number' && given.trim() !== '' && !Number.isNaN(Number(given))
          ? Number(given)
          : typeof before === 'boolean' && ['true', 'false'].includes(given)
            ? given === 'true'
            : given;
      const out = await r.rightsActions.rectify(a, id, recordId, { [name]: value }, reason);
      return `Corrected ${name} in a record of ${out.assetName}. Partners that received it have been sent a correction notice.`;
    });

    const bundlePage = async (req: FastifyRequest) => {
      const id = (req.params as { requestId: string }).requestId;
      const bundle = await r.bundles.produce(req.actor!, id);
      // The free-text fields a passage can be withheld from, named as the page numbers them.
      const targets = bundle.records.flatMap((rec, i) =>
        Object.entries(rec.payload)
          .filter(([, v]) => typeof v === 'string')
          .map(([k]) => [`${rec.recordId}|${k}`, `${i + 1}. ${rec.assetName}: ${k}`]),
      );
      return {
        targets,
        pageTitle: `Subject access bundle ${bundle.reference}`,
        backLink: `/rights/${id}`,
        bundle,
        done: doneOf(req),
      };
    };
    app.get(
      '/rights/:requestId/bundle',
      { config: { page: 'rights.manage' }, schema: { hide: true } },
      async (req, reply) => reply.page('rights/bundle.njk', await bundlePage(req)),
    );
    app.post(
      '/rights/:requestId/bundle/redact',
      { config: { page: 'rights.manage' }, schema: { hide: true } },
      async (req, reply) => {
        const id = (req.params as { requestId: string }).requestId;
        const [recordId, fieldName] = field(req.body, 'target').split('|');
        return submitForm(reply, 'rights/bundle.njk', await bundlePage(req), async () => {
          await r.bundles.redact(req.actor!, id, {
            recordId: recordId ?? '',
            field: fieldName ?? '',
            text: field(req.body, 'text'),
            reason: field(req.body, 'redactReason'),
          });
          return reply.redirect(
            withDone(`/rights/${id}/bundle`, 'Passage marked to be withheld.'),
            303,
          );
        });
      },
    );
  };
}
