// The information charter: a public page per organisation telling citizens what it holds, why,
// whom it shares it with, how long it keeps it and how to make a request. It is generated from
// the records of processing, signed DPIAs' published summaries and the contact details the DPO
// sets — and from any source another module registers. It never holds personal data: no names,
// and a contact address that belongs to a person's account is refused.
import { assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { Executor } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import { text } from './common.ts';
import type { GovernancePeople } from './common.ts';
import type { DpiaService } from './dpia.service.ts';
import type { OrgFacts } from './facts.ts';
import * as repo from './governance.repository.ts';
import type { GovernanceSettingsTable } from './governance.table.ts';
import type { RopaService } from './ropa.service.ts';

export interface CharterSettings {
  icoRegistration: string;
  publicEmail: string;
  publicPhone: string;
  publicAddress: string;
  charterIntro: string;
  requestInstructions: string;
  updatedAt: string | null;
}

/** A section another module adds to the charter (no personal data: it is public). */
export interface CharterSource {
  id: string;
  title: string;
  items(ex: Executor, orgId: string): Promise<string[]>;
}

export interface Charter {
  organisation: string;
  intro: string;
  holds: string[];
  subjects: string[];
  purposes: { activity: string; purposes: string[]; lawfulBasis: string[] }[];
  sharesWith: { name: string; why: string }[];
  transfers: string[];
  keeps: { what: string; howLong: string }[];
  assessments: { ref: string; title: string; summary: string; signedAt: string }[];
  sections: { title: string; items: string[] }[];
  contact: { email: string; phone: string; address: string; instructions: string };
  icoRegistration: string;
  generatedAt: string;
}

const EMPTY: CharterSettings = {
  icoRegistration: '',
  publicEmail: '',
  publicPhone: '',
  publicAddress: '',
  charterIntro: '',
  requestInstructions: '',
  updatedAt: null,
};

const toSettings = (s: GovernanceSettingsTable | undefined): CharterSettings =>
  s
    ? {
        icoRegistration: s.ico_registration,
        publicEmail: s.public_email,
        publicPhone: s.public_phone,
        publicAddress: s.public_address,
        charterIntro: s.charter_intro,
        requestInstructions: s.request_instructions,
        updatedAt: s.updated_at,
      }
    : EMPTY;

const uniq = (xs: string[]): string[] =>
  [...new Set(xs.filter(Boolean))].sort((a, b) => a.localeCompare(b));

export class CharterService {
  private readonly sources: CharterSource[] = [];

  constructor(
    private readonly ctx: DomainContext,
    private readonly facts: OrgFacts,
    private readonly people: GovernancePeople,
    private readonly ropa: RopaService,
    private readonly dpias: DpiaService,
  ) {}

  register(source: CharterSource): void {
    if (this.sources.some((s) => s.id === source.id))
      throw new Error(`Charter source ${source.id} is already registered`);
    this.sources.push(source);
  }

  async settings(actor: Actor): Promise<CharterSettings> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('governance.read', { orgId: actor.orgId, ref: 'charter' });
      return toSettings(await repo.settings(gate.tx, actor.orgId));
    });
  }

  async updateSettings(
    actor: Actor,
    input: Omit<CharterSettings, 'updatedAt'>,
  ): Promise<CharterSettings> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('charter.manage', { orgId: actor.orgId, ref: 'charter' });
      const problems: Problem[] = [];
      const email = text(input.publicEmail).toLowerCase();
      if (!email)
        problems.push({
          field: 'publicEmail',
          message: 'Enter the address citizens write to about their data',
        });
      else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
        problems.push({
          field: 'publicEmail',
          message: 'Enter an email address like dpo@example.gov.uk',
        });
      else if (await this.people.idByEmail(gate.tx, actor.orgId, email))
        problems.push({
          field: 'publicEmail',
          message: 'That is a person’s own address: the charter is public, so use a team mailbox',
        });
      const reg = text(input.icoRegistration).toUpperCase();
      if (reg && !/^[A-Z0-9]{6,10}$/.test(reg))
        problems.push({
          field: 'icoRegistration',
          message: 'Enter the ICO registration number, like Z1234567',
        });
      const fields = {
        charterIntro: text(input.charterIntro),
        requestInstructions: text(input.requestInstructions),
        publicAddress: text(input.publicAddress),
        publicPhone: text(input.publicPhone),
      };
      for (const [k, v] of Object.entries(fields))
        if (v.length > 4000) problems.push({ field: k, message: 'Keep it under 4,000 characters' });
      assertNoProblems(problems);
      const before = await repo.settings(gate.tx, actor.orgId);
      const row: GovernanceSettingsTable = {
        org_id: actor.orgId,
        ico_registration: reg,
        public_email: email,
        public_phone: fields.publicPhone,
        public_address: fields.publicAddress,
        charter_intro: fields.charterIntro,
        request_instructions: fields.requestInstructions,
        updated_by: actor.ref,
        updated_at: this.ctx.clock().toISOString(),
      };
      await repo.putSettings(gate.tx, row);
      gate.record('charter.updated', 'charter', { before: before ?? null, after: row });
      return toSettings(row);
    });
  }

  /** Whether the charter can tell citizens how to make a request (for the dashboard). */
  async published(ex: Executor, orgId: string): Promise<boolean> {
    return Boolean((await repo.settings(ex, orgId))?.public_email);
  }

  /** The charter, generated now. */
  async build(ex: Executor, orgId: string): Promise<Charter> {
    const org = await this.facts.orgName(ex, orgId);
    const s = toSettings(await repo.settings(ex, orgId));
    const all = (await this.ropa.entries(ex, orgId)).flatMap((x) => x.entries);
    const sections: Charter['sections'] = [];
    for (const src of this.sources) {
      const items = await src.items(ex, orgId);
      if (items.length) sections.push({ title: src.title, items });
    }
    return {
      organisation: org.name,
      intro: s.charterIntro,
      holds: uniq(all.flatMap((e) => e.dataCategories)),
      subjects: uniq(all.flatMap((e) => e.dataSubjects)),
      purposes: all
        .filter((e) => e.purposes.length)
        .map((e) => ({
          activity: e.nameOnCharter ?? e.name,
          purposes: e.purposes,
          lawfulBasis: e.lawfulBasis,
        })),
      sharesWith: all.flatMap((e) =>
        (e.recipientsOnCharter ?? e.recipients).map((r) => ({
          name: r,
          why: e.purposes.join('; ') || (e.nameOnCharter ?? e.name),
        })),
      ),
      transfers: uniq(all.flatMap((e) => e.transfers)),
      keeps: all
        .filter((e) => e.retention)
        .map((e) => ({ what: e.nameOnCharter ?? e.name, howLong: e.retention })),
      assessments: await this.dpias.published(ex, orgId),
      sections,
      contact: {
        email: s.publicEmail,
        phone: s.publicPhone,
        address: s.publicAddress,
        instructions: s.requestInstructions,
      },
      icoRegistration: s.icoRegistration,
      generatedAt: this.ctx.clock().toISOString(),
    };
  }

  /** The public charter of an organisation: no sign-in, no audit entry (it holds nothing private). */
  async publicCharter(orgId: string): Promise<Charter | undefined> {
    if (!(await this.facts.exists(this.ctx.store, orgId))) return undefined;
    return this.build(this.ctx.store, orgId);
  }

  /** The charter as its organisation's staff preview it. */
  async preview(actor: Actor): Promise<Charter> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('governance.read', { orgId: actor.orgId, ref: 'charter' });
      return this.build(gate.tx, actor.orgId);
    });
  }
}
