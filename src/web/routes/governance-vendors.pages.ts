// Vendors and processors: the list with lapses flagged, the due-diligence record (add, change),
// reviews and ending a relationship.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import type { Actor } from '../../domain/policy/actor.ts';
import type { VendorInput } from '../../domain/governance/vendor.service.ts';
import { CERTIFICATION_SCHEMES, TRANSFER_MECHANISMS } from '../../domain/governance/vendor.view.ts';
import type { Vendor } from '../../domain/governance/vendor.view.ts';
import { dateField, field, may, submitForm } from '../pages.ts';
import { lines, optDay, rows, yesNo } from './governance-forms.pages.ts';

const vendorId = (req: FastifyRequest): string => (req.params as { vendorId: string }).vendorId;

function input(body: unknown): VendorInput {
  const certs: VendorInput['certifications'] = [];
  for (let n = 0; n < 20; n++) {
    const scheme = field(body, `cert-${n}-scheme`).trim();
    const reference = field(body, `cert-${n}-reference`).trim();
    const expires = dateField(body, `cert-${n}-expiresOn`);
    if (scheme || reference || expires) certs.push({ scheme, reference, expiresOn: expires });
  }
  return {
    name: field(body, 'name'),
    services: field(body, 'services'),
    isProcessor: yesNo(body, 'isProcessor') === true,
    contractRef: field(body, 'contractRef'),
    contractStart: optDay(body, 'contractStart'),
    contractEnd: optDay(body, 'contractEnd'),
    art28Terms: field(body, 'art28Terms') === 'yes',
    certifications: certs,
    dataLocations: lines(body, 'dataLocations'),
    internationalTransfers: yesNo(body, 'internationalTransfers') === true,
    transferMechanism: field(body, 'transferMechanism') || null,
    subProcessors: rows(body, 'sub', ['name', 'service', 'location']).map((r) => ({
      name: r.name ?? '',
      service: r.service ?? '',
      location: r.location ?? '',
    })),
    breachHistory: field(body, 'breachHistory'),
    exitPlan: field(body, 'exitPlan'),
    recoveryPlanTestedOn: optDay(body, 'recoveryPlanTestedOn'),
    purposes: field(body, 'purposes'),
    dataCategories: lines(body, 'dataCategories'),
    subjectCategories: lines(body, 'subjectCategories'),
    retention: field(body, 'retention'),
    securityMeasures: field(body, 'securityMeasures'),
    nextReviewOn: optDay(body, 'nextReviewOn') ?? '',
    onCharter: field(body, 'onCharter') === 'yes',
  };
}

const dateParts = (prefix: string, d: string | null): Record<string, string> => {
  if (!d) return {};
  const [y, m, day] = d.split('-');
  return { [`${prefix}-day`]: day!, [`${prefix}-month`]: m!, [`${prefix}-year`]: y! };
};

/** A vendor as form values. */
function values(v: Vendor): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: v.name,
    services: v.services,
    isProcessor: v.isProcessor ? 'yes' : 'no',
    contractRef: v.contractRef ?? '',
    art28Terms: v.art28Terms ? 'yes' : '',
    dataLocations: v.dataLocations.join('\n'),
    internationalTransfers: v.internationalTransfers ? 'yes' : 'no',
    transferMechanism: v.transferMechanism ?? '',
    purposes: v.purposes,
    dataCategories: v.dataCategories.join('\n'),
    subjectCategories: v.subjectCategories.join('\n'),
    retention: v.retention,
    securityMeasures: v.securityMeasures,
    breachHistory: v.breachHistory,
    exitPlan: v.exitPlan,
    onCharter: v.onCharter ? 'yes' : '',
    ...dateParts('contractStart', v.contractStart),
    ...dateParts('contractEnd', v.contractEnd),
    ...dateParts('recoveryPlanTestedOn', v.recoveryPlanTestedOn),
    ...dateParts('nextReviewOn', v.nextReviewOn),
  };
  v.certifications.forEach((c, n) => {
    Object.assign(out, {
      [`cert-${n}-scheme`]: c.scheme,
      [`cert-${n}-reference`]: c.reference,
      ...dateParts(`cert-${n}-expiresOn`, c.expiresOn),
    });
  });
  v.subProcessors.forEach((s, n) => {
    Object.assign(out, {
      [`sub-${n}-name`]: s.name,
      [`sub-${n}-service`]: s.service,
      [`sub-${n}-location`]: s.location,
    });
  });
  return out;
}

export function governanceVendorPages(services: Services): FastifyPluginAsync {
  const { vendors } = services.governance;
  const form = (title: string, action: string, v?: Vendor) => ({
    pageTitle: title,
    backLink: v ? `/governance/vendors/${v.id}` : '/governance/vendors',
    action,
    schemes: [...CERTIFICATION_SCHEMES],
    mechanisms: Object.entries(TRANSFER_MECHANISMS),
    certRows: (v?.certifications.length ?? 0) + 2,
    subRows: (v?.subProcessors.length ?? 0) + 2,
  });
  const detail = async (actor: Actor, vendor: Vendor, extra: Record<string, unknown> = {}) => ({
    pageTitle: vendor.name,
    backLink: '/governance/vendors',
    vendor,
    risks: await services.governance.risks.linkingTo(actor, 'vendor', vendor.id),
    canManage: may(actor, 'vendors.manage'),
    ...extra,
  });
  const onDetail =
    (work: (actor: Actor, id: string, body: unknown) => Promise<unknown>) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      const v = await vendors.get(req.actor!, vendorId(req));
      return submitForm(
        reply,
        'governance/vendors/detail.njk',
        await detail(req.actor!, v),
        async () => {
          await work(req.actor!, v.id, req.body);
          return reply.redirect(`/governance/vendors/${v.id}?saved=1`, 303);
        },
      );
    };

  return async (app) => {
    const read = { config: { page: 'governance.read' as const }, schema: { hide: true } };
    const manage = { config: { page: 'vendors.manage' as const }, schema: { hide: true } };

    app.get('/governance/vendors', read, async (req, reply) =>
      reply.page('governance/vendors/list.njk', {
        pageTitle: 'Vendors and processors',
        backLink: '/governance',
        vendors: await vendors.list(req.actor!),
        canManage: may(req.actor, 'vendors.manage'),
      }),
    );

    app.get('/governance/vendors/new', manage, async (_req, reply) =>
      reply.page('governance/vendors/form.njk', {
        ...form('Add a vendor', '/governance/vendors/new'),
        values: { onCharter: 'yes', internationalTransfers: 'no' },
      }),
    );
    app.post('/governance/vendors/new', manage, async (req, reply) =>
      submitForm(
        reply,
        'governance/vendors/form.njk',
        form('Add a vendor', '/governance/vendors/new'),
        async () => {
          const v = await vendors.create(req.actor!, input(req.body));
          return reply.redirect(`/governance/vendors/${v.id}`, 303);
        },
      ),
    );

    app.get('/governance/vendors/:vendorId', read, async (req, reply) => {
      const v = await vendors.get(req.actor!, vendorId(req));
      return reply.page(
        'governance/vendors/detail.njk',
        await detail(req.actor!, v, { saved: (req.query as { saved?: string }).saved }),
      );
    });

    app.get('/governance/vendors/:vendorId/edit', manage, async (req, reply) => {
      const v = await vendors.get(req.actor!, vendorId(req));
      return reply.page('governance/vendors/form.njk', {
        ...form(`Change ${v.name}`, `/governance/vendors/${v.id}/edit`, v),
        values: values(v),
      });
    });
    app.post('/governance/vendors/:vendorId/edit', manage, async (req, reply) => {
      const v = await vendors.get(req.actor!, vendorId(req));
      return submitForm(
        reply,
        'governance/vendors/form.njk',
        form(`Change ${v.name}`, `/governance/vendors/${v.id}/edit`, v),
        async () => {
          await vendors.update(req.actor!, v.id, input(req.body));
          return reply.redirect(`/governance/vendors/${v.id}?saved=1`, 303);
        },
      );
    });

    app.post(
      '/governance/vendors/:vendorId/review',
      manage,
      onDetail((actor, id, body) =>
        vendors.review(actor, id, {
          nextReviewOn: optDay(body, 'nextReviewOn') ?? '',
          note: field(body, 'note'),
        }),
      ),
    );
    app.post(
      '/governance/vendors/:vendorId/end',
      manage,
      onDetail((actor, id, body) => vendors.end(actor, id, field(body, 'reason'))),
    );
  };
}
