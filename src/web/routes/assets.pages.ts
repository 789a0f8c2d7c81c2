// The information asset register and record types: the register with owners and flags, adding
// and changing an asset, and each record type's schema as a readable table.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import type { Actor } from '../../domain/policy/actor.ts';
import { ARTICLE_6, ARTICLE_9, SCHEDULE_1, basisLabel } from '../../domain/records/lawful-bases.ts';
import { FLAG_TEXT } from '../../domain/records/assets.service.ts';
import type { Asset, AssetInput } from '../../domain/records/assets.service.ts';
import { field, fields, may, submitForm } from '../pages.ts';

const UNITS: Record<string, string> = { Y: 'years', M: 'months', D: 'days' };

/** The form's values for an asset (period split into number and unit). */
function formValues(a: Asset): Record<string, unknown> {
  const m = /^P(\d+)([YMD])$/.exec(a.retentionPeriod ?? '');
  return {
    name: a.name,
    description: a.description,
    ownerPersonId: a.ownerPersonId ?? '',
    typeKey: a.typeKey,
    classification: a.classification,
    lawfulBasis: a.lawfulBasis,
    special: (a.specialCondition ?? '').split(',').filter(Boolean),
    periodNumber: m?.[1] ?? '',
    periodUnit: m?.[2] ?? 'Y',
    retentionFrom: a.retentionFrom ?? '',
    retentionAction: a.retentionAction,
    application: a.application ?? '',
  };
}

function inputFrom(req: FastifyRequest): AssetInput {
  const b = req.body;
  const number = field(b, 'periodNumber').trim();
  return {
    name: field(b, 'name'),
    description: field(b, 'description'),
    ownerPersonId: field(b, 'ownerPersonId') || null,
    typeKey: field(b, 'typeKey'),
    classification: field(b, 'classification'),
    lawfulBasis: field(b, 'lawfulBasis'),
    specialCondition: fields(b, 'special').join(',') || null,
    retentionPeriod: number ? `P${number}${field(b, 'periodUnit') || 'Y'}` : null,
    retentionFrom: field(b, 'retentionFrom') || null,
    retentionAction: field(b, 'retentionAction') || 'delete',
    application: field(b, 'application') || null,
  };
}

export function assetPages(services: Services): FastifyPluginAsync {
  const formData = async (actor: Actor) => {
    const types = (await services.recordTypes.list(actor)).filter(
      (t, i, all) => all.findIndex((x) => x.key === t.key) === i,
    );
    // Owners come from the roles register (which everyone may read): current IAOs.
    const iaos = await services.roles.register(actor, { role: 'iao', status: 'current' });
    return {
      typeOptions: types.map((t) => [t.key, `${t.title} (${t.key})`]),
      ownerOptions: iaos
        .map((g) => [g.personId, g.personName])
        .filter((o, i, all) => all.findIndex((x) => x[0] === o[0]) === i),
      dateOptions: types
        .flatMap((t) =>
          t.fields.filter((f) => f.retentionDate).map((f) => [f.name, `${f.title} — ${t.title}`]),
        )
        .filter((o, i, all) => all.findIndex((x) => x[0] === o[0]) === i),
      article6: ARTICLE_6,
      article9: ARTICLE_9,
      schedule1: SCHEDULE_1,
      units: Object.entries(UNITS),
    };
  };

  return async (app) => {
    app.get(
      '/assets',
      { config: { page: 'assets.read' }, schema: { hide: true } },
      async (req, reply) =>
        reply.page('records/assets.njk', {
          pageTitle: 'Information assets',
          assets: await services.assets.list(req.actor!),
          flagText: FLAG_TEXT,
          canManage: may(req.actor, 'assets.manage'),
          basisLabel,
        }),
    );

    app.get(
      '/assets/new',
      { config: { page: 'assets.manage' }, schema: { hide: true } },
      async (req, reply) =>
        reply.page('records/asset-form.njk', {
          pageTitle: 'Add an information asset',
          backLink: '/assets',
          ...(await formData(req.actor!)),
          values: { periodUnit: 'Y', retentionAction: 'delete' },
        }),
    );
    app.post(
      '/assets/new',
      { config: { page: 'assets.manage' }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(
          reply,
          'records/asset-form.njk',
          {
            pageTitle: 'Add an information asset',
            backLink: '/assets',
            ...(await formData(req.actor!)),
          },
          async () => {
            const a = await services.assets.create(req.actor!, inputFrom(req));
            return reply.redirect(`/assets/${a.id}`, 303);
          },
        ),
    );

    app.get(
      '/assets/:assetId',
      { config: { page: 'assets.read' }, schema: { hide: true } },
      async (req, reply) => {
        const actor = req.actor!;
        const asset = await services.assets.get(actor, (req.params as { assetId: string }).assetId);
        return reply.page('records/asset.njk', {
          pageTitle: asset.name,
          backLink: '/assets',
          asset,
          flagText: FLAG_TEXT,
          basisLabel,
          imports: await services.imports.jobs(actor, asset.id),
          canManage: may(actor, 'assets.manage'),
          canWrite: may(actor, 'records.write'),
        });
      },
    );

    app.get(
      '/assets/:assetId/edit',
      { config: { page: 'assets.manage' }, schema: { hide: true } },
      async (req, reply) => {
        const asset = await services.assets.get(
          req.actor!,
          (req.params as { assetId: string }).assetId,
        );
        return reply.page('records/asset-form.njk', {
          pageTitle: `Change ${asset.name}`,
          backLink: `/assets/${asset.id}`,
          asset,
          ...(await formData(req.actor!)),
          values: formValues(asset),
        });
      },
    );
    app.post(
      '/assets/:assetId/edit',
      { config: { page: 'assets.manage' }, schema: { hide: true } },
      async (req, reply) => {
        const asset = await services.assets.get(
          req.actor!,
          (req.params as { assetId: string }).assetId,
        );
        return submitForm(
          reply,
          'records/asset-form.njk',
          {
            pageTitle: `Change ${asset.name}`,
            backLink: `/assets/${asset.id}`,
            asset,
            ...(await formData(req.actor!)),
          },
          async () => {
            await services.assets.update(req.actor!, asset.id, inputFrom(req));
            return reply.redirect(`/assets/${asset.id}`, 303);
          },
        );
      },
    );

    app.get(
      '/record-types',
      { config: { page: 'record-types.read' }, schema: { hide: true } },
      async (req, reply) =>
        reply.page('records/types.njk', {
          pageTitle: 'Record types',
          types: await services.recordTypes.list(req.actor!),
        }),
    );
    app.get(
      '/record-types/:typeId',
      { config: { page: 'record-types.read' }, schema: { hide: true } },
      async (req, reply) => {
        const type = await services.recordTypes.get(
          req.actor!,
          (req.params as { typeId: string }).typeId,
        );
        return reply.page('records/type.njk', {
          pageTitle: `${type.title}, version ${type.version}`,
          backLink: '/record-types',
          type,
        });
      },
    );
  };
}
