// The organisation's audit log, for auditors, the DPO and the SIRO: newest first, filterable,
// each entry with its proof link.
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../services.ts';

export function auditPages(services: Services): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/audit',
      { config: { page: 'audit.read' }, schema: { hide: true } },
      async (req, reply) => {
        const q = req.query as {
          actor?: string;
          action?: string;
          target?: string;
          before?: string;
        };
        const filter = {
          actor: q.actor || undefined,
          action: q.action || undefined,
          target: q.target || undefined,
          before: /^\d+$/.test(q.before ?? '') ? Number(q.before) : undefined,
          limit: 50,
        };
        const entries = await services.auditReader.entries(req.actor!, filter);
        const older = entries.length === 50 ? entries[entries.length - 1]!.seq : null;
        const params = new URLSearchParams(
          Object.entries({
            actor: q.actor ?? '',
            action: q.action ?? '',
            target: q.target ?? '',
          }).filter(([, v]) => v),
        );
        return reply.page('audit/log.njk', {
          pageTitle: 'Audit log',
          entries,
          filter: q,
          older,
          olderQuery: `${params.toString()}${params.size ? '&' : ''}before=${older}`,
        });
      },
    );
  };
}
