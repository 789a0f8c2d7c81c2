// The "new transfer" page: a handler picks what the agreements in force let their organisation
// send (agreement, recipient, record type and purpose in one choice), then the records — every
// record of one of their assets, or one person by identifiers — and gets a sealed draft to check
// and send. The decision is still the sharing policy's: the page only offers what it would allow.
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../services.ts';
import type { Actor } from '../../domain/policy/actor.ts';
import type { Selection } from '../../domain/exchange/record-source.ts';
import { AccordError } from '../../errors.ts';
import { field, submitForm } from '../pages.ts';

/** Identifier fields a handler may give to pick one person. */
export const PERSON_IDENTIFIERS = [
  { name: 'nhsNumber', label: 'NHS number' },
  { name: 'niNumber', label: 'National Insurance number' },
  { name: 'membershipNumber', label: 'Membership number' },
  { name: 'policeReference', label: 'Police reference' },
] as const;

/** One thing the agreements let us send, shaped for the basisRadios helper (code, label, guidance). */
interface Route {
  code: string;
  label: string;
  guidance: string;
}

/** Where the service's problem fields are answered on this page. */
const ON_PAGE: Record<string, string> = {
  selection: 'pick',
  identifiers: 'nhsNumber',
  agreementId: 'route',
  recipientOrgId: 'route',
  recordType: 'route',
  purpose: 'route',
};

/** Runs the work, pointing any problems at the fields of this page. */
async function onThisPage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (!(e instanceof AccordError) || !e.problems.length) throw e;
    throw new AccordError(
      e.code,
      e.message,
      e.problems.map((p) => ({ ...p, field: p.field && (ON_PAGE[p.field] ?? p.field) })),
    );
  }
}

export function exchangeNewPages(services: Services): FastifyPluginAsync {
  const { transfers } = services.exchange;

  /** Every (agreement, recipient, record type, purpose) the agreements in force allow us to send. */
  const routes = async (actor: Actor): Promise<Route[]> => {
    const names = new Map((await services.orgs.all()).map((o) => [o.id, o.name]));
    const out: Route[] = [];
    for (const a of await services.agreements.list(actor)) {
      const v = a.inForce;
      if (!v || v.status !== 'active' || !v.terms.operations.includes('transfer')) continue;
      for (const flow of v.terms.flows.filter((f) => f.from === actor.orgId))
        for (const p of v.terms.purposes)
          out.push({
            code: [a.id, flow.to, flow.recordType, p.key].join('|'),
            label: `${a.reference}: ${flow.recordType} records to ${names.get(flow.to) ?? flow.to}, for ${p.label}`,
            guidance: `Fields: ${flow.fields.join(', ')}`,
          });
    }
    return out;
  };

  const form = async (actor: Actor) => ({
    pageTitle: 'Send records to a partner',
    backLink: '/exchange/outbox',
    routes: await routes(actor),
    assets: (await services.assets.list(actor)).map((a) => [a.id, `${a.name} (${a.typeKey})`]),
    identifiers: PERSON_IDENTIFIERS,
  });

  const selection = (body: unknown): Selection => {
    if (field(body, 'pick') === 'asset') return { kind: 'asset', assetId: field(body, 'assetId') };
    if (field(body, 'pick') === 'subject') {
      const identifiers: Record<string, string> = {};
      for (const { name } of PERSON_IDENTIFIERS) {
        const value = field(body, name).trim();
        if (value) identifiers[name] = value;
      }
      return { kind: 'subject', identifiers };
    }
    throw new AccordError('VALIDATION_FAILED', 'Choose what to send.', [
      { field: 'pick', message: 'Choose an asset or one person to send records from' },
    ]);
  };

  return async (app) => {
    const send = { config: { page: 'exchange.send' as const }, schema: { hide: true } };

    app.get('/exchange/transfers/new', send, async (req, reply) =>
      reply.page('exchange/new.njk', await form(req.actor!)),
    );

    app.post('/exchange/transfers/new', send, async (req, reply) =>
      submitForm(reply, 'exchange/new.njk', await form(req.actor!), async () => {
        const [agreementId = '', recipientOrgId = '', recordType = '', purpose = ''] = field(
          req.body,
          'route',
        ).split('|');
        if (!agreementId)
          throw new AccordError('VALIDATION_FAILED', 'Choose what to send under.', [
            { field: 'route', message: 'Choose the agreement, recipient and purpose' },
          ]);
        const draft = await onThisPage(() =>
          transfers.create(req.actor!, {
            agreementId,
            recipientOrgId,
            recordType,
            purpose,
            selection: selection(req.body),
          }),
        );
        return reply.redirect(`/exchange/transfers/${draft.id}`, 303);
      }),
    );
  };
}
