// Vendors and processors as the domain sees them, with the assurance flags computed from dates:
// lapsed certificates, overdue reviews, ended contracts and untested recovery plans.
import { addDays, parseJson } from './common.ts';
import type { VendorTable } from './governance.table.ts';

export const CERTIFICATION_SCHEMES = [
  'ISO 27001',
  'Cyber Essentials',
  'Cyber Essentials Plus',
  'NHS DSPT',
  'SOC 2 Type II',
  'Other',
] as const;

export const TRANSFER_MECHANISMS = {
  adequacy: 'UK adequacy regulations',
  idta: 'International data transfer agreement (IDTA)',
  addendum: 'UK Addendum to the EU standard contractual clauses',
  bcr: 'Binding corporate rules',
  derogation: 'An Art. 49 exception',
} as const;
export type TransferMechanism = keyof typeof TRANSFER_MECHANISMS;

export interface Certification {
  scheme: string;
  reference: string;
  expiresOn: string;
}

export interface SubProcessor {
  name: string;
  service: string;
  location: string;
}

export interface AssuranceFlag {
  /** certificate-expired | review-overdue | contract-ended | recovery-untested | certificate-expiring */
  kind: string;
  message: string;
  /** Counts as lapsed assurance on the dashboard (otherwise a warning). */
  lapsed: boolean;
}

export interface Vendor {
  id: string;
  ref: string;
  name: string;
  services: string;
  isProcessor: boolean;
  contractRef: string | null;
  contractStart: string | null;
  contractEnd: string | null;
  art28Terms: boolean;
  certifications: Certification[];
  dataLocations: string[];
  internationalTransfers: boolean;
  transferMechanism: TransferMechanism | null;
  transferMechanismLabel: string | null;
  subProcessors: SubProcessor[];
  breachHistory: string;
  exitPlan: string;
  recoveryPlanTestedOn: string | null;
  purposes: string;
  dataCategories: string[];
  subjectCategories: string[];
  retention: string;
  securityMeasures: string;
  nextReviewOn: string;
  lastReviewedOn: string | null;
  status: 'active' | 'ended';
  onCharter: boolean;
  flags: AssuranceFlag[];
  lapsed: boolean;
  createdAt: string;
  updatedAt: string;
}

const ukDay = (d: string): string =>
  new Date(`${d}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });

export function assuranceFlags(v: VendorTable, today: string): AssuranceFlag[] {
  if (v.status !== 'active') return [];
  const flags: AssuranceFlag[] = [];
  for (const c of parseJson<Certification[]>(v.certifications, [])) {
    if (c.expiresOn < today)
      flags.push({
        kind: 'certificate-expired',
        message: `${c.scheme} certificate expired on ${ukDay(c.expiresOn)}`,
        lapsed: true,
      });
    else if (c.expiresOn <= addDays(today, 30))
      flags.push({
        kind: 'certificate-expiring',
        message: `${c.scheme} certificate expires on ${ukDay(c.expiresOn)}`,
        lapsed: false,
      });
  }
  if (v.next_review_on < today)
    flags.push({
      kind: 'review-overdue',
      message: `Review was due on ${ukDay(v.next_review_on)}`,
      lapsed: true,
    });
  if (v.contract_end && v.contract_end < today)
    flags.push({
      kind: 'contract-ended',
      message: `The contract ended on ${ukDay(v.contract_end)} but the vendor is still active`,
      lapsed: true,
    });
  if (
    v.is_processor === 1 &&
    (!v.recovery_plan_tested_on || v.recovery_plan_tested_on < addDays(today, -365))
  )
    flags.push({
      kind: 'recovery-untested',
      message: v.recovery_plan_tested_on
        ? `The recovery plan was last tested on ${ukDay(v.recovery_plan_tested_on)}, more than a year ago`
        : 'The recovery plan has never been tested',
      lapsed: true,
    });
  return flags;
}

export function toVendor(v: VendorTable, today: string): Vendor {
  const flags = assuranceFlags(v, today);
  const mechanism = v.transfer_mechanism as TransferMechanism | null;
  return {
    id: v.vendor_id,
    ref: v.ref,
    name: v.name,
    services: v.services,
    isProcessor: v.is_processor === 1,
    contractRef: v.contract_ref,
    contractStart: v.contract_start,
    contractEnd: v.contract_end,
    art28Terms: v.art28_terms === 1,
    certifications: parseJson<Certification[]>(v.certifications, []),
    dataLocations: parseJson<string[]>(v.data_locations, []),
    internationalTransfers: v.international_transfers === 1,
    transferMechanism: mechanism,
    transferMechanismLabel: mechanism ? (TRANSFER_MECHANISMS[mechanism] ?? mechanism) : null,
    subProcessors: parseJson<SubProcessor[]>(v.sub_processors, []),
    breachHistory: v.breach_history,
    exitPlan: v.exit_plan,
    recoveryPlanTestedOn: v.recovery_plan_tested_on,
    purposes: v.purposes,
    dataCategories: parseJson<string[]>(v.data_categories, []),
    subjectCategories: parseJson<string[]>(v.subject_categories, []),
    retention: v.retention,
    securityMeasures: v.security_measures,
    nextReviewOn: v.next_review_on,
    lastReviewedOn: v.last_reviewed_on,
    status: v.status as Vendor['status'],
    onCharter: v.on_charter === 1,
    flags,
    lapsed: flags.some((f) => f.lapsed),
    createdAt: v.created_at,
    updatedAt: v.updated_at,
  };
}
