// Records of processing activities (UK GDPR Art. 30), generated — never typed twice — from the
// registers that already describe the processing. Each register contributes through a source:
// vendors and processors now; information assets, data-sharing agreements and retention rules
// register theirs when they arrive: `governance.ropa.register({ id, label, entries })`.
import type { Executor } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import { today } from '../context.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import * as repo from './governance.repository.ts';
import type { OrgFacts } from './facts.ts';

/** One processing activity, with the particulars Art. 30(1) asks for. */
export interface RopaEntry {
  /** The record it was generated from (for the link back). */
  id: string;
  name: string;
  href: string | null;
  /** Our role in it: controller, joint controller, or processor for someone else. */
  role: string;
  purposes: string[];
  lawfulBasis: string[];
  dataSubjects: string[];
  dataCategories: string[];
  recipients: string[];
  /** Transfers outside the UK with their safeguards. */
  transfers: string[];
  retention: string;
  security: string;
  /** How the activity and its recipients appear on the public charter, when not as above. */
  nameOnCharter?: string;
  recipientsOnCharter?: string[];
}

export interface RopaSource {
  id: string;
  /** A heading for its entries: "Processors", "Information assets", "Data-sharing agreements". */
  label: string;
  entries(ex: Executor, orgId: string, today: string): Promise<RopaEntry[]>;
}

export interface RopaDocument {
  controller: {
    name: string;
    dpo: string[];
    email: string;
    phone: string;
    address: string;
    icoRegistration: string;
  };
  generatedAt: string;
  sections: { source: string; label: string; entries: RopaEntry[] }[];
}

export const ROPA_COLUMNS: [keyof RopaEntry | 'source', string][] = [
  ['source', 'Source'],
  ['name', 'Processing activity'],
  ['role', 'Our role'],
  ['purposes', 'Purposes'],
  ['lawfulBasis', 'Lawful basis'],
  ['dataSubjects', 'Categories of data subjects'],
  ['dataCategories', 'Categories of personal data'],
  ['recipients', 'Categories of recipients'],
  ['transfers', 'Transfers outside the UK and safeguards'],
  ['retention', 'Retention'],
  ['security', 'Security measures'],
];

/** A CSV cell: quoted when needed, and never read by a spreadsheet as a formula. */
export function csvCell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export class RopaService {
  private readonly sources: RopaSource[] = [];

  constructor(
    private readonly ctx: DomainContext,
    private readonly facts: OrgFacts,
  ) {}

  register(source: RopaSource): void {
    if (this.sources.some((s) => s.id === source.id))
      throw new Error(`ROPA source ${source.id} is already registered`);
    this.sources.push(source);
  }

  /** Every entry from every source, for the checked work of another service (the charter). */
  async entries(
    ex: Executor,
    orgId: string,
  ): Promise<{ source: RopaSource; entries: RopaEntry[] }[]> {
    const out: { source: RopaSource; entries: RopaEntry[] }[] = [];
    for (const s of this.sources)
      out.push({ source: s, entries: await s.entries(ex, orgId, today(this.ctx)) });
    return out;
  }

  async document(actor: Actor): Promise<RopaDocument> {
    const doc = await withAccess(this.ctx, actor, async (gate): Promise<RopaDocument> => {
      gate.require('governance.read', { orgId: actor.orgId, ref: 'ropa' });
      const org = await this.facts.orgName(gate.tx, actor.orgId);
      const settings = await repo.settings(gate.tx, actor.orgId);
      return {
        controller: {
          name: org.name,
          dpo: [],
          email: settings?.public_email ?? '',
          phone: settings?.public_phone ?? '',
          address: settings?.public_address ?? '',
          icoRegistration: settings?.ico_registration ?? '',
        },
        generatedAt: this.ctx.clock().toISOString(),
        sections: (await this.entries(gate.tx, actor.orgId)).map(({ source, entries }) => ({
          source: source.id,
          label: source.label,
          entries,
        })),
      };
    });
    // The DPO comes from the roles register, asked once the work above is done.
    doc.controller.dpo = ((await this.facts.holders(actor.orgId, ['dpo'])).get('dpo') ?? []).map(
      (p) => p.name,
    );
    return doc;
  }

  async csv(actor: Actor): Promise<string> {
    const doc = await this.document(actor);
    const lines = [ROPA_COLUMNS.map(([, h]) => csvCell(h)).join(',')];
    for (const s of doc.sections)
      for (const e of s.entries)
        lines.push(
          ROPA_COLUMNS.map(([k]) => {
            const v = k === 'source' ? s.label : e[k];
            return csvCell(Array.isArray(v) ? v.join('; ') : String(v ?? ''));
          }).join(','),
        );
    return `${lines.join('\r\n')}\r\n`;
  }
}
