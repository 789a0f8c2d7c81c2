// The risk register's vocabulary (categories, 5-point scales, rating bands, treatments), the
// domain types and the row mapper, and the heat map as data.
import type { Link } from './links.ts';
import type { RiskActionTable, RiskTable } from './governance.table.ts';

export const RISK_CATEGORIES = [
  'information',
  'cyber',
  'supplier',
  'continuity',
  'legal',
  'operational',
  'financial',
  'reputational',
] as const;
export type RiskCategory = (typeof RISK_CATEGORIES)[number];

export const CATEGORY_LABELS: Record<RiskCategory, string> = {
  information: 'Information governance',
  cyber: 'Cyber security',
  supplier: 'Supplier',
  continuity: 'Business continuity',
  legal: 'Legal and regulatory',
  operational: 'Operational',
  financial: 'Financial',
  reputational: 'Reputational',
};

export const LIKELIHOOD_LABELS = ['Rare', 'Unlikely', 'Possible', 'Likely', 'Almost certain'];
export const IMPACT_LABELS = ['Negligible', 'Minor', 'Moderate', 'Major', 'Severe'];

export const TREATMENTS = ['treat', 'tolerate', 'transfer', 'terminate'] as const;
export type Treatment = (typeof TREATMENTS)[number];

export type Rating = 'low' | 'medium' | 'high' | 'very high';

/** Bands on the 5 × 5 matrix: 1–4 low, 5–9 medium, 10–14 high, 15–25 very high. */
export function rating(score: number): Rating {
  return score >= 15 ? 'very high' : score >= 10 ? 'high' : score >= 5 ? 'medium' : 'low';
}

export interface Score {
  likelihood: number;
  impact: number;
  score: number;
  rating: Rating;
}

const score = (likelihood: number, impact: number): Score => ({
  likelihood,
  impact,
  score: likelihood * impact,
  rating: rating(likelihood * impact),
});

export interface RiskAction {
  id: string;
  description: string;
  ownerId: string | null;
  ownerName: string | null;
  dueOn: string;
  doneOn: string | null;
  overdue: boolean;
}

export interface Risk {
  id: string;
  ref: string;
  title: string;
  description: string;
  category: RiskCategory;
  categoryLabel: string;
  ownerId: string;
  ownerName: string;
  inherent: Score;
  residual: Score | null;
  /** Residual when assessed, otherwise inherent: what the register ranks by. */
  current: Score;
  treatment: Treatment | null;
  treatmentNotes: string;
  reviewOn: string;
  lastReviewedOn: string | null;
  reviewOverdue: boolean;
  status: 'open' | 'closed';
  closedReason: string | null;
  actions: RiskAction[];
  links: Link[];
  appetite: number | null;
  aboveAppetite: boolean;
  /** High or very high, open, and no treatment decided (or "treat" with no actions). */
  untreated: boolean;
  createdAt: string;
  updatedAt: string;
}

export function toAction(
  a: RiskActionTable,
  today: string,
  names: Map<string, string>,
): RiskAction {
  return {
    id: a.action_id,
    description: a.description,
    ownerId: a.owner_id,
    ownerName: a.owner_id ? (names.get(a.owner_id) ?? null) : null,
    dueOn: a.due_on,
    doneOn: a.done_on,
    overdue: !a.done_on && a.due_on < today,
  };
}

export function isHigh(s: Score): boolean {
  return s.score >= 10;
}

export function toRisk(
  r: RiskTable,
  ctx: {
    today: string;
    names: Map<string, string>;
    actions: RiskActionTable[];
    links: Link[];
    appetite: Map<string, number>;
  },
): Risk {
  const inherent = score(r.inherent_likelihood, r.inherent_impact);
  const residual =
    r.residual_likelihood !== null && r.residual_impact !== null
      ? score(r.residual_likelihood, r.residual_impact)
      : null;
  const current = residual ?? inherent;
  const actions = ctx.actions.map((a) => toAction(a, ctx.today, ctx.names));
  const appetite = ctx.appetite.get(r.category) ?? null;
  const open = r.status === 'open';
  return {
    id: r.risk_id,
    ref: r.ref,
    title: r.title,
    description: r.description,
    category: r.category as RiskCategory,
    categoryLabel: CATEGORY_LABELS[r.category as RiskCategory] ?? r.category,
    ownerId: r.owner_id,
    ownerName: ctx.names.get(r.owner_id) ?? 'someone who has left',
    inherent,
    residual,
    current,
    treatment: r.treatment as Treatment | null,
    treatmentNotes: r.treatment_notes,
    reviewOn: r.review_on,
    lastReviewedOn: r.last_reviewed_on,
    reviewOverdue: open && r.review_on < ctx.today,
    status: r.status as Risk['status'],
    closedReason: r.closed_reason,
    actions,
    links: ctx.links,
    appetite,
    aboveAppetite: open && appetite !== null && current.score > appetite,
    untreated:
      open &&
      isHigh(current) &&
      (!r.treatment || (r.treatment === 'treat' && actions.length === 0)),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface HeatCell {
  likelihood: number;
  impact: number;
  score: number;
  rating: Rating;
  refs: string[];
}

/** Open risks counted on the 5 × 5 grid by their current score; rows from likelihood 5 down. */
export function heatMap(risks: Risk[]): HeatCell[][] {
  const rows: HeatCell[][] = [];
  for (let l = 5; l >= 1; l--) {
    const row: HeatCell[] = [];
    for (let i = 1; i <= 5; i++)
      row.push({ likelihood: l, impact: i, score: l * i, rating: rating(l * i), refs: [] });
    rows.push(row);
  }
  for (const r of risks)
    if (r.status === 'open')
      rows[5 - r.current.likelihood]![r.current.impact - 1]!.refs.push(r.ref);
  return rows;
}
