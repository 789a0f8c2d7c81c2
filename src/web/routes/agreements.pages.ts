// Agreement pages: the register with review warnings, an agreement with its versions, approvals
// and the actions open to the reader (approve or reject, suspend, resume, terminate, withdraw,
// new version), the printable agreement document, and the purposes vocabulary.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import type { Actor } from '../../domain/policy/actor.ts';
import type { Agreement, AgreementVersion } from '../../domain/agreements/agreements.view.ts';
import type { ControlAction } from '../../domain/agreements/agreements.approvals.ts';
import { basisLabel } from '../../domain/records/lawful-bases.ts';
import { AccordError } from '../../errors.ts';
import { field, may, submitForm } from '../pages.ts';
import { doneOf, withDone } from '../flash.ts';

const STATUS_TAG: Record<string, string> = {
  draft: 'govuk-tag--grey',
  proposed: 'govuk-tag--blue',
  approved: 'govuk-tag--turquoise',
  active: 'govuk-tag--green',
  suspended: 'govuk-tag--orange',
  rejected: 'govuk-tag--red',
  withdrawn: 'govuk-tag--grey',
  expired: 'govuk-tag--red',
  terminated: 'govuk-tag--red',
  superseded: 'govuk-tag--grey',
};

const DAY = 86_400_000;

/** A register row's review warning: due, or due within 30 days. */
function reviewWarning(a: Agreement, now: Date): string | null {
  const v = a.inForce;
  if (!v) return null;
  if (a.reviewDue) return 'Review due';
  const days = (Date.parse(`${v.terms.reviewDate}T00:00:00Z`) - now.getTime()) / DAY;
  return days <= 30 ? `Review in ${Math.max(0, Math.ceil(days))} days` : null;
}

const isParty = (actor: Actor, v: AgreementVersion) =>
  v.terms.parties.some((p) => p.orgId === actor.orgId);

export function agreementPages(services: Services): FastifyPluginAsync {
  const { agreements } = services;
  // Organisation names only (the node-level directory): no personal data.
  const names = async () =>
    Object.fromEntries((await services.orgs.all()).map((o) => [o.id, o.name]));

  const detail = async (actor: Actor, a: Agreement) => {
    const latest = a.latest;
    const proposerSide = a.proposerOrgId === actor.orgId;
    const signer = isParty(actor, latest) && may(actor, 'agreements.approve');
    return {
      pageTitle: `${a.reference}: ${a.title}`,
      backLink: '/agreements',
      a,
      tag: STATUS_TAG,
      names: await names(),
      basisLabel,
      handlers: await agreements.handlerNames(actor, a.id),
      canContinue: latest.status === 'draft' && proposerSide && may(actor, 'agreements.write'),
      canDecide: latest.status === 'proposed' && signer && !isProposer(actor, latest),
      canWithdraw: latest.status === 'proposed' && proposerSide && may(actor, 'agreements.write'),
      control: a.inForce && signer ? a.inForce : null,
      canNewVersion:
        proposerSide &&
        may(actor, 'agreements.write') &&
        !['draft', 'proposed'].includes(latest.status),
    };
  };

  const isProposer = (actor: Actor, v: AgreementVersion) =>
    v.proposedBy === `person:${actor.personId}`;

  const load = (req: FastifyRequest) =>
    agreements.get(req.actor!, (req.params as { agreementId: string }).agreementId);

  /** A form on the agreement page: back to it saved, or shown again with the problems. */
  const action =
    (work: (actor: Actor, a: Agreement, body: unknown) => Promise<unknown>, done: string) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      const a = await load(req);
      return submitForm(reply, 'agreements/detail.njk', await detail(req.actor!, a), async () => {
        const r = await work(req.actor!, a, req.body);
        const to = typeof r === 'string' ? r : withDone(`/agreements/${a.id}`, done);
        return reply.redirect(to, 303);
      });
    };

  return async (app) => {
    const read = { config: { page: 'agreements.read' as const }, schema: { hide: true } };
    const write = { config: { page: 'agreements.write' as const }, schema: { hide: true } };
    const approve = { config: { page: 'agreements.approve' as const }, schema: { hide: true } };

    app.get('/agreements', read, async (req, reply) => {
      const actor = req.actor!;
      const now = services.clock();
      const list = (await agreements.list(actor)).map((a) => ({
        a,
        status: a.inForce?.status ?? a.latest.status,
        warning: reviewWarning(a, now),
      }));
      return reply.page('agreements/list.njk', {
        pageTitle: 'Data-sharing agreements',
        rows: list,
        tag: STATUS_TAG,
        names: await names(),
        canWrite: may(actor, 'agreements.write'),
        dueCount: list.filter((r) => r.warning).length,
      });
    });

    const purposesPage = async (actor: Actor) => ({
      pageTitle: 'Purposes',
      backLink: '/agreements',
      purposes: await services.purposes.list(actor),
      canManage: may(actor, 'purposes.manage'),
    });
    app.get('/agreements/purposes', read, async (req, reply) =>
      reply.page('agreements/purposes.njk', { ...(await purposesPage(req.actor!)), values: {} }),
    );
    app.post(
      '/agreements/purposes',
      { config: { page: 'purposes.manage' as const }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(reply, 'agreements/purposes.njk', await purposesPage(req.actor!), async () => {
          await services.purposes.add(req.actor!, {
            key: field(req.body, 'key').trim(),
            label: field(req.body, 'label'),
            description: field(req.body, 'description'),
          });
          return reply.redirect('/agreements/purposes?added=1', 303);
        }),
    );

    app.get('/agreements/:agreementId', read, async (req, reply) => {
      const a = await load(req);
      return reply.page('agreements/detail.njk', {
        ...(await detail(req.actor!, a)),
        done: doneOf(req),
      });
    });

    app.get('/agreements/:agreementId/versions/:version', read, async (req, reply) => {
      const a = await load(req);
      const n = Number((req.params as { version: string }).version);
      const v = a.versions.find((x) => x.version === n);
      if (!v) throw new AccordError('NOT_FOUND');
      return reply.page('agreements/document.njk', {
        pageTitle: `${a.reference} version ${v.version}: ${a.title}`,
        backLink: `/agreements/${a.id}`,
        a,
        v,
        terms: v.terms,
        names: await names(),
        basisLabel,
        handlers: await agreements.handlerNames(req.actor!, a.id),
        printedAt: services.clock().toISOString(),
      });
    });

    app.post(
      '/agreements/:agreementId/decision',
      approve,
      action(async (actor, a, body) => {
        const decision = field(body, 'decision');
        if (decision !== 'approve' && decision !== 'reject')
          throw new AccordError('VALIDATION_FAILED', 'Choose approve or reject.', [
            { field: 'decision', message: 'Choose whether you approve or reject it' },
          ]);
        await agreements.decide(
          actor,
          a.latest.versionId,
          decision,
          field(body, 'comment') || null,
        );
      }, 'decided'),
    );

    app.post(
      '/agreements/:agreementId/control',
      approve,
      action(async (actor, a, body) => {
        const what = field(body, 'action') as ControlAction;
        const reason = field(body, 'reason').trim();
        const problems = [
          ...(['suspend', 'resume', 'terminate'].includes(what)
            ? []
            : [{ field: 'action', message: 'Choose suspend, resume or terminate' }]),
          ...(reason ? [] : [{ field: 'reason', message: 'Give the reason' }]),
        ];
        if (problems.length)
          throw new AccordError('VALIDATION_FAILED', 'There is a problem.', problems);
        await agreements.control(actor, a.inForce?.versionId ?? a.latest.versionId, what, reason);
      }, 'changed'),
    );

    app.post(
      '/agreements/:agreementId/withdraw',
      write,
      action((actor, a) => agreements.withdraw(actor, a.latest.versionId), 'withdrawn'),
    );

    app.post(
      '/agreements/:agreementId/new-version',
      write,
      action(async (actor, a) => {
        const next = await agreements.newVersion(actor, a.id);
        return `/agreements/${a.id}/draft/${next.latest.versionId}/parties`;
      }, 'new-version'),
    );
  };
}
