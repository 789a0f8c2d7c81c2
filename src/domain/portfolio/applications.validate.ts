// Checks an application's fields, for the form, the API and each row of a CSV import alike,
// and turns them into the columns to store.
import type { Problem } from '../../errors.ts';
import type { Executor } from '../../store/store.ts';
import type { ApplicationTable } from './portfolio.table.ts';
import type { PortfolioContext } from './portfolio.common.ts';
import { httpUrl, isDate, toPence } from './portfolio.common.ts';
import { checkUrl } from './url-guard.ts';

export const LIFECYCLES = ['plan', 'phase-in', 'active', 'phase-out', 'end-of-life'] as const;
export type Lifecycle = (typeof LIFECYCLES)[number];
export const HOSTINGS = ['on-premises', 'public-cloud', 'saas'] as const;
export type Hosting = (typeof HOSTINGS)[number];

export const LIFECYCLE_LABELS: Record<Lifecycle, string> = {
  plan: 'Plan',
  'phase-in': 'Phase-in',
  active: 'Active',
  'phase-out': 'Phase-out',
  'end-of-life': 'End of life',
};
export const HOSTING_LABELS: Record<Hosting, string> = {
  'on-premises': 'On-premises',
  'public-cloud': 'Public cloud',
  saas: 'Software as a service',
};

/** What a person or a system sends for an application; absent fields keep their value. */
export interface ApplicationInput {
  name?: string;
  description?: string;
  businessOwnerId?: string | null;
  productManagerId?: string | null;
  critical?: boolean;
  lifecycle?: string;
  phaseInOn?: string | null;
  activeOn?: string | null;
  phaseOutOn?: string | null;
  endOfLifeOn?: string | null;
  onboarded?: boolean;
  budgetLine?: string | null;
  /** Pounds. */
  annualCost?: string | number | null;
  hosting?: string;
  vendorId?: string | null;
  vendorName?: string | null;
  assetIds?: string[];
  repositoryUrl?: string | null;
  healthCheckUrl?: string | null;
  statusPublic?: boolean;
  productionEnvironment?: string;
}

type Fields = Omit<
  ApplicationTable,
  'app_id' | 'org_id' | 'webhook_secret' | 'created_by' | 'created_at' | 'updated_by' | 'updated_at'
>;

export const EMPTY_FIELDS: Fields = {
  name: '',
  description: '',
  business_owner_id: null,
  product_manager_id: null,
  critical: 0,
  lifecycle: 'active',
  phase_in_on: null,
  active_on: null,
  phase_out_on: null,
  end_of_life_on: null,
  onboarded: 0,
  budget_line: null,
  annual_cost_pence: null,
  hosting: 'on-premises',
  vendor_id: null,
  vendor_name: null,
  asset_ids: '[]',
  repository_url: null,
  health_check_url: null,
  status_public: 0,
  production_environment: 'production',
};

const blank = (v: string | null | undefined): string | null => (v?.trim() ? v.trim() : null);

/**
 * The fields after applying `input` to `base`, with every problem found (each carrying `line`
 * when given). Health-check addresses are checked against the registered hosts.
 */
export async function applyInput(
  p: PortfolioContext,
  ex: Executor,
  orgId: string,
  base: Fields,
  input: ApplicationInput,
  hosts: readonly string[],
  line?: number,
): Promise<{ fields: Fields; problems: Problem[] }> {
  const f: Fields = { ...base };
  const problems: Problem[] = [];
  const bad = (field: string, message: string): void => {
    problems.push(line === undefined ? { field, message } : { line, field, message });
  };
  if (input.name !== undefined) f.name = input.name.trim();
  if (!f.name) bad('name', 'Enter the application’s name');
  else if (f.name.length > 200) bad('name', 'The name must be 200 characters or fewer');
  if (input.description !== undefined) f.description = input.description.trim();
  for (const [key, col, label] of [
    ['businessOwnerId', 'business_owner_id', 'business owner'],
    ['productManagerId', 'product_manager_id', 'product manager'],
  ] as const) {
    const v = input[key];
    if (v === undefined) continue;
    const id = blank(v);
    if (id && !(await p.people.activePerson(ex, orgId, id)))
      bad(key, `Choose an active person in your organisation as the ${label}`);
    f[col] = id;
  }
  if (input.critical !== undefined) f.critical = input.critical ? 1 : 0;
  if (input.onboarded !== undefined) f.onboarded = input.onboarded ? 1 : 0;
  if (input.statusPublic !== undefined) f.status_public = input.statusPublic ? 1 : 0;
  if (input.lifecycle !== undefined) {
    if (!(LIFECYCLES as readonly string[]).includes(input.lifecycle))
      bad('lifecycle', `Choose a lifecycle stage: ${LIFECYCLES.join(', ')}`);
    else f.lifecycle = input.lifecycle;
  }
  for (const [key, col] of [
    ['phaseInOn', 'phase_in_on'],
    ['activeOn', 'active_on'],
    ['phaseOutOn', 'phase_out_on'],
    ['endOfLifeOn', 'end_of_life_on'],
  ] as const) {
    const v = input[key];
    if (v === undefined) continue;
    const d = blank(v);
    if (d && !isDate(d)) bad(key, `“${d}” is not a date like 2027-03-31`);
    else f[col] = d;
  }
  const dates = [f.phase_in_on, f.active_on, f.phase_out_on, f.end_of_life_on].filter(
    (d): d is string => d !== null,
  );
  if (dates.some((d, i) => i > 0 && d < dates[i - 1]!))
    bad(
      'endOfLifeOn',
      'Lifecycle dates must run in order: phase-in, active, phase-out, end of life',
    );
  if (input.budgetLine !== undefined) f.budget_line = blank(input.budgetLine);
  if (input.annualCost !== undefined) {
    const pence = toPence(input.annualCost);
    if (pence === undefined) bad('annualCost', 'Enter the annual cost in pounds, like 12500.00');
    else f.annual_cost_pence = pence;
  }
  if (input.hosting !== undefined) {
    if (!(HOSTINGS as readonly string[]).includes(input.hosting))
      bad('hosting', `Choose the hosting: ${HOSTINGS.join(', ')}`);
    else f.hosting = input.hosting;
  }
  if (input.vendorName !== undefined) f.vendor_name = blank(input.vendorName);
  if (input.vendorId !== undefined) {
    const id = blank(input.vendorId);
    if (id && !p.links.vendor)
      bad('vendorId', 'The vendor register is not available yet: enter the vendor’s name instead');
    else if (id) {
      const name = await p.links.vendor!(ex, orgId, id);
      if (!name) bad('vendorId', 'Choose a vendor from your organisation’s vendor register');
      else f.vendor_name = name;
    }
    f.vendor_id = id;
  }
  if (input.assetIds !== undefined) {
    const ids = [...new Set(input.assetIds.map((a) => a.trim()).filter(Boolean))];
    if (ids.length && !p.links.asset)
      bad('assetIds', 'The information asset register is not available yet');
    else
      for (const id of ids)
        if (!(await p.links.asset!(ex, orgId, id)))
          bad('assetIds', `${id} is not an information asset of your organisation`);
    f.asset_ids = JSON.stringify(ids);
  }
  if (input.repositoryUrl !== undefined) {
    const u = blank(input.repositoryUrl);
    if (u && !httpUrl(u))
      bad('repositoryUrl', 'Enter the repository’s web address, like https://…');
    f.repository_url = u;
  }
  if (input.healthCheckUrl !== undefined) {
    const u = blank(input.healthCheckUrl);
    if (u) {
      const v = checkUrl(u, hosts);
      if (!v.ok) bad('healthCheckUrl', v.reason!);
    }
    f.health_check_url = u;
  }
  if (input.productionEnvironment !== undefined) {
    const env = input.productionEnvironment.trim();
    if (!env || env.length > 100)
      bad('productionEnvironment', 'Enter the name of the production environment');
    else f.production_environment = env;
  }
  return { fields: f, problems };
}
