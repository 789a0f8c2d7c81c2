// Links from risks and incidents to other records, stored as (kind, id). Each kind has a look-up
// that says whether an id exists in the organisation and what to call it. Vendors and DPIAs are
// registered here by the governance module; information assets and applications are registered
// by their own modules when they arrive: `governance.links.register({ kind: 'asset', … })`.
import { randomUUID } from 'node:crypto';
import type { Problem } from '../../errors.ts';
import type { Executor } from '../../store/store.ts';
import * as repo from './governance.repository.ts';
import type { GovernanceLinkTable } from './governance.table.ts';

export interface LinkKind {
  kind: string;
  /** Plain words for the kind, singular: "vendor", "information asset". */
  label: string;
  /** The record's title when it exists in the organisation, undefined when it does not. */
  title(ex: Executor, orgId: string, id: string): Promise<string | undefined>;
  /** Where a signed-in user reads the record. */
  href(id: string): string;
  /** The records a form may offer to link (optional: without it, links come by id). */
  choices?(ex: Executor, orgId: string): Promise<{ id: string; title: string }[]>;
}

export interface LinkInput {
  kind: string;
  id: string;
}

export interface Link {
  kind: string;
  kindLabel: string;
  id: string;
  title: string;
  href: string | null;
}

/** Kinds other modules are expected to register; named so a refusal can explain itself. */
const EXPECTED: Record<string, string> = {
  asset: 'information asset',
  application: 'application',
  agreement: 'data-sharing agreement',
};

export class LinkRegistry {
  private readonly kinds = new Map<string, LinkKind>();

  register(k: LinkKind): void {
    if (this.kinds.has(k.kind)) throw new Error(`Link kind ${k.kind} is already registered`);
    this.kinds.set(k.kind, k);
  }

  /** Kinds that can be linked now, for forms. */
  available(): { kind: string; label: string }[] {
    return [...this.kinds.values()].map((k) => ({ kind: k.kind, label: k.label }));
  }

  /** Every record a form may offer, as [`kind:id`, "Kind: title"] pairs. */
  async choices(ex: Executor, orgId: string): Promise<[string, string][]> {
    const out: [string, string][] = [];
    for (const k of this.kinds.values())
      for (const c of (await k.choices?.(ex, orgId)) ?? [])
        out.push([
          `${k.kind}:${c.id}`,
          `${k.label[0]!.toUpperCase()}${k.label.slice(1)}: ${c.title}`,
        ]);
    return out;
  }

  /** Checks every link and returns the problems (unknown kind, no such record, duplicates). */
  async check(
    ex: Executor,
    orgId: string,
    links: LinkInput[],
    field = 'links',
  ): Promise<Problem[]> {
    const problems: Problem[] = [];
    const seen = new Set<string>();
    for (const [i, l] of links.entries()) {
      const where = `${field}[${i}]`;
      const k = this.kinds.get(l.kind);
      if (!k) {
        problems.push({
          field: where,
          message: EXPECTED[l.kind]
            ? `Accord cannot link to ${EXPECTED[l.kind]} records yet: that register is not installed`
            : `“${l.kind}” is not something a link can point to (${[...this.kinds.keys()].join(', ')})`,
        });
        continue;
      }
      const key = `${l.kind}:${l.id}`;
      if (seen.has(key)) {
        problems.push({ field: where, message: `The ${k.label} is linked twice` });
        continue;
      }
      seen.add(key);
      if (!l.id || !(await k.title(ex, orgId, l.id)))
        problems.push({
          field: where,
          message: `There is no ${k.label} “${l.id}” in your organisation`,
        });
    }
    return problems;
  }

  /** Replaces the links of a record (already checked). */
  async replace(
    ex: Executor,
    orgId: string,
    fromKind: string,
    fromId: string,
    links: LinkInput[],
    by: string,
    at: string,
  ): Promise<void> {
    await repo.deleteLinks(ex, orgId, fromKind, fromId);
    await repo.insertLinks(
      ex,
      links.map((l): GovernanceLinkTable => ({
        link_id: randomUUID(),
        org_id: orgId,
        from_kind: fromKind,
        from_id: fromId,
        kind: l.kind,
        target_id: l.id,
        created_by: by,
        created_at: at,
      })),
    );
  }

  /** The links of one record, with titles. A kind no longer registered shows its id. */
  async of(ex: Executor, orgId: string, fromKind: string, fromId: string): Promise<Link[]> {
    return this.describe(ex, orgId, await repo.linksFrom(ex, orgId, fromKind, fromId));
  }

  async describe(ex: Executor, orgId: string, rows: GovernanceLinkTable[]): Promise<Link[]> {
    const out: Link[] = [];
    for (const r of rows) {
      const k = this.kinds.get(r.kind);
      const title = k ? await k.title(ex, orgId, r.target_id) : undefined;
      out.push({
        kind: r.kind,
        kindLabel: k?.label ?? EXPECTED[r.kind] ?? r.kind,
        id: r.target_id,
        title: title ?? r.target_id,
        href: k && title ? k.href(r.target_id) : null,
      });
    }
    return out;
  }
}
