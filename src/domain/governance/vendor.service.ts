// Vendors and processors with their due diligence: the contract and its Art. 28 terms,
// certifications with expiry, where the data is held and how it leaves the UK, sub-processors,
// breach history, exit and recovery plans, and the next review. Lapses are flagged from dates.
import { randomUUID } from 'node:crypto';
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { Executor } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import { today } from '../context.ts';
import type { Actor } from '../policy/actor.ts';
import type { Action } from '../policy/permissions.ts';
import { withAccess } from '../policy/gate.ts';
import type { Gate } from '../policy/gate.ts';
import { checkChoice, checkDate, requireText, text, textList } from './common.ts';
import type { VendorTable } from './governance.table.ts';
import { nextNumber } from './governance.repository.ts';
import * as repo from './vendor.repository.ts';
import { TRANSFER_MECHANISMS, toVendor } from './vendor.view.ts';
import type { Certification, SubProcessor, Vendor } from './vendor.view.ts';

export interface VendorInput {
  name: string;
  services: string;
  isProcessor: boolean;
  contractRef?: string | null;
  contractStart?: string | null;
  contractEnd?: string | null;
  art28Terms?: boolean;
  certifications?: Certification[];
  dataLocations?: string[];
  internationalTransfers?: boolean;
  transferMechanism?: string | null;
  subProcessors?: SubProcessor[];
  breachHistory?: string;
  exitPlan?: string;
  recoveryPlanTestedOn?: string | null;
  purposes?: string;
  dataCategories?: string[];
  subjectCategories?: string[];
  retention?: string;
  securityMeasures?: string;
  nextReviewOn: string;
  onCharter?: boolean;
}

export class VendorService {
  constructor(private readonly ctx: DomainContext) {}

  private async load(gate: Gate, vendorId: string, action: Action): Promise<VendorTable> {
    const row = await repo.anyOrg(gate.tx, vendorId);
    gate.require(action, { orgId: row?.org_id ?? '', ref: `vendor:${vendorId}` });
    return row!;
  }

  /** Every problem with the input, or the columns to store. */
  private check(input: VendorInput, existing?: VendorTable): Partial<VendorTable> {
    const problems: Problem[] = [];
    const day = today(this.ctx);
    const name = requireText(problems, 'name', input.name, 'Enter the vendor’s name', 200);
    const services = requireText(
      problems,
      'services',
      input.services,
      'Say what the vendor does for you',
      2000,
    );
    const processor = input.isProcessor === true;
    const contractRef = text(input.contractRef);
    if (processor && !contractRef)
      problems.push({
        field: 'contractRef',
        message: 'A processor needs a written contract: enter its reference',
      });
    if (processor && input.art28Terms !== true)
      problems.push({
        field: 'art28Terms',
        message: 'A processor’s contract must contain the terms UK GDPR Art. 28(3) requires',
      });
    const start = checkDate(problems, 'contractStart', input.contractStart, {
      label: 'the contract start date',
    });
    const end = checkDate(problems, 'contractEnd', input.contractEnd, {
      label: 'the contract end date',
    });
    if (start && end && end < start)
      problems.push({ field: 'contractEnd', message: 'The contract cannot end before it starts' });
    const certifications: Certification[] = [];
    for (const [i, c] of (input.certifications ?? []).entries()) {
      const scheme = requireText(
        problems,
        `certifications[${i}].scheme`,
        c.scheme,
        `Name the scheme of certificate ${i + 1}`,
        100,
      );
      const expiresOn = checkDate(problems, `certifications[${i}].expiresOn`, c.expiresOn, {
        required: true,
        label: `the expiry date of certificate ${i + 1}`,
      });
      if (scheme && expiresOn)
        certifications.push({ scheme, reference: text(c.reference), expiresOn });
    }
    const transfers = input.internationalTransfers === true;
    const mechanism = transfers
      ? checkChoice(
          problems,
          'transferMechanism',
          input.transferMechanism,
          Object.keys(TRANSFER_MECHANISMS) as (keyof typeof TRANSFER_MECHANISMS)[],
          'Say how data leaves the UK lawfully: adequacy, IDTA, addendum, BCR or derogation',
        )
      : null;
    const locations = textList(input.dataLocations);
    if (processor && locations.length === 0)
      problems.push({ field: 'dataLocations', message: 'Say where the processor holds the data' });
    const subProcessors: SubProcessor[] = [];
    for (const [i, s] of (input.subProcessors ?? []).entries()) {
      const n = requireText(
        problems,
        `subProcessors[${i}].name`,
        s.name,
        `Name sub-processor ${i + 1}`,
        200,
      );
      if (n) subProcessors.push({ name: n, service: text(s.service), location: text(s.location) });
    }
    const tested = checkDate(problems, 'recoveryPlanTestedOn', input.recoveryPlanTestedOn, {
      label: 'the date the recovery plan was tested',
      notAfter: day,
      notAfterMessage: 'The recovery test date cannot be in the future',
    });
    const purposes = text(input.purposes);
    const dataCategories = textList(input.dataCategories);
    if (processor && !purposes)
      problems.push({
        field: 'purposes',
        message: 'Say what the processor processes personal data for',
      });
    if (processor && dataCategories.length === 0)
      problems.push({
        field: 'dataCategories',
        message: 'List the categories of personal data the processor handles',
      });
    const reviewChanged = !existing || input.nextReviewOn !== existing.next_review_on;
    const next = checkDate(problems, 'nextReviewOn', input.nextReviewOn, {
      required: true,
      label: 'the next review date',
      ...(reviewChanged
        ? { notBefore: day, notBeforeMessage: 'The next review date cannot be in the past' }
        : {}),
    });
    assertNoProblems(problems);
    return {
      name,
      services,
      is_processor: processor ? 1 : 0,
      contract_ref: contractRef || null,
      contract_start: start,
      contract_end: end,
      art28_terms: input.art28Terms ? 1 : 0,
      certifications: JSON.stringify(certifications),
      data_locations: JSON.stringify(locations),
      international_transfers: transfers ? 1 : 0,
      transfer_mechanism: mechanism,
      sub_processors: JSON.stringify(subProcessors),
      breach_history: text(input.breachHistory),
      exit_plan: text(input.exitPlan),
      recovery_plan_tested_on: tested,
      purposes,
      data_categories: JSON.stringify(dataCategories),
      subject_categories: JSON.stringify(textList(input.subjectCategories)),
      retention: text(input.retention),
      security_measures: text(input.securityMeasures),
      next_review_on: next!,
      on_charter: input.onCharter === false ? 0 : 1,
    };
  }

  async list(actor: Actor, f: { status?: string; processor?: boolean } = {}): Promise<Vendor[]> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('governance.read', { orgId: actor.orgId, ref: 'vendors' });
      return (await repo.list(gate.tx, actor.orgId, f)).map((v) => toVendor(v, today(this.ctx)));
    });
  }

  async get(actor: Actor, vendorId: string): Promise<Vendor> {
    return withAccess(this.ctx, actor, async (gate) =>
      toVendor(await this.load(gate, vendorId, 'governance.read'), today(this.ctx)),
    );
  }

  async create(actor: Actor, input: VendorInput): Promise<Vendor> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('vendors.manage', { orgId: actor.orgId, ref: 'vendors' });
      const fields = this.check(input);
      const now = this.ctx.clock().toISOString();
      const n = await nextNumber(gate.tx, actor.orgId, 'vendor');
      const row = {
        vendor_id: randomUUID(),
        org_id: actor.orgId,
        ref: `V-${String(n).padStart(3, '0')}`,
        ...fields,
        last_reviewed_on: null,
        status: 'active',
        created_by: actor.ref,
        created_at: now,
        updated_by: actor.ref,
        updated_at: now,
      } as VendorTable;
      await repo.insert(gate.tx, row);
      gate.record('vendor.created', `vendor:${row.vendor_id}`, {
        ref: row.ref,
        name: row.name,
        processor: input.isProcessor,
      });
      return toVendor(row, today(this.ctx));
    });
  }

  async update(actor: Actor, vendorId: string, input: VendorInput): Promise<Vendor> {
    return withAccess(this.ctx, actor, async (gate) => {
      const before = await this.load(gate, vendorId, 'vendors.manage');
      const fields = this.check(input, before);
      const now = this.ctx.clock().toISOString();
      await repo.update(gate.tx, actor.orgId, vendorId, {
        ...fields,
        updated_by: actor.ref,
        updated_at: now,
      });
      const changed = Object.keys(fields).filter(
        (k) => fields[k as keyof VendorTable] !== before[k as keyof VendorTable],
      );
      gate.record('vendor.updated', `vendor:${vendorId}`, {
        ref: before.ref,
        changed,
        before: Object.fromEntries(changed.map((k) => [k, before[k as keyof VendorTable]])),
        after: Object.fromEntries(changed.map((k) => [k, fields[k as keyof VendorTable]])),
      });
      return toVendor({ ...before, ...fields, updated_at: now }, today(this.ctx));
    });
  }

  /** Records a due-diligence review and the next review date. */
  async review(
    actor: Actor,
    vendorId: string,
    input: { nextReviewOn: string; note?: string },
  ): Promise<Vendor> {
    return withAccess(this.ctx, actor, async (gate) => {
      const v = await this.load(gate, vendorId, 'vendors.manage');
      const problems: Problem[] = [];
      const next = checkDate(problems, 'nextReviewOn', input.nextReviewOn, {
        required: true,
        label: 'the next review date',
        notBefore: today(this.ctx),
        notBeforeMessage: 'The next review date cannot be in the past',
      });
      assertNoProblems(problems);
      const set = {
        next_review_on: next!,
        last_reviewed_on: today(this.ctx),
        updated_by: actor.ref,
        updated_at: this.ctx.clock().toISOString(),
      };
      await repo.update(gate.tx, actor.orgId, vendorId, set);
      gate.record('vendor.reviewed', `vendor:${vendorId}`, {
        ref: v.ref,
        nextReviewOn: next,
        note: text(input.note),
      });
      return toVendor({ ...v, ...set }, today(this.ctx));
    });
  }

  /** Ends the relationship (history is kept; ended vendors leave the ROPA and the charter). */
  async end(actor: Actor, vendorId: string, reason: string): Promise<Vendor> {
    return withAccess(this.ctx, actor, async (gate) => {
      const v = await this.load(gate, vendorId, 'vendors.manage');
      if (v.status !== 'active') throw new AccordError('CONFLICT', `${v.name} has already ended.`);
      const problems: Problem[] = [];
      const why = requireText(problems, 'reason', reason, 'Say why the relationship ended', 2000);
      assertNoProblems(problems);
      const set = {
        status: 'ended',
        updated_by: actor.ref,
        updated_at: this.ctx.clock().toISOString(),
      };
      await repo.update(gate.tx, actor.orgId, vendorId, set);
      gate.record('vendor.ended', `vendor:${vendorId}`, { ref: v.ref, reason: why });
      return toVendor({ ...v, ...set }, today(this.ctx));
    });
  }

  // Look-ups for the rest of the module (inside checked work).

  async titleOf(ex: Executor, orgId: string, vendorId: string): Promise<string | undefined> {
    return (await repo.get(ex, orgId, vendorId))?.name;
  }

  async active(ex: Executor, orgId: string): Promise<Vendor[]> {
    return (await repo.list(ex, orgId, { status: 'active' })).map((v) =>
      toVendor(v, today(this.ctx)),
    );
  }
}
