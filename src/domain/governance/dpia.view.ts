// What a DPIA looks like outside the module: the row mapped to plain words and flags.
import { bool, nameOfRef, parseJson } from './common.ts';
import type { DpiaTable } from './governance.table.ts';
import {
  DPIA_STATUS_LABELS,
  RECOMMENDATION_LABELS,
  SCREENING_QUESTIONS,
} from './dpia.screening.ts';
import type { Recommendation, RiskLevel } from './dpia.screening.ts';

export type DpiaStatus =
  'screening' | 'not-required' | 'assessment' | 'advice' | 'sign-off' | 'signed' | 'rejected';

export interface DpiaRisk {
  description: string;
  /** 1 remote, 2 possible, 3 probable */
  likelihood: number;
  /** 1 minimal, 2 significant, 3 severe */
  severity: number;
  overall: RiskLevel;
  measures: string;
  residual: RiskLevel;
}

export interface Screening {
  answers: Record<string, boolean>;
  notes: string;
  /** A full DPIA chosen although no indicator was met (good practice). */
  fullAnyway: boolean;
}

export interface Dpia {
  id: string;
  ref: string;
  title: string;
  description: string;
  status: DpiaStatus;
  statusLabel: string;
  authorId: string | null;
  authorName: string | null;
  createdAt: string;
  updatedAt: string;
  screening: Screening | null;
  screenedAt: string | null;
  screenedByName: string | null;
  /** The screening met at least one high-risk indicator. */
  highRisk: boolean | null;
  /** The indicators answered yes, as questions. */
  indicatorsMet: string[];
  necessity: string | null;
  proportionality: string | null;
  consultation: string | null;
  risks: DpiaRisk[];
  residualRisk: RiskLevel | null;
  priorConsultation: boolean;
  icoConsultation: { on: string; reference: string; outcome: string } | null;
  advice: {
    text: string;
    recommendation: Recommendation;
    recommendationLabel: string;
    byName: string | null;
    at: string;
  } | null;
  signOff: {
    decision: 'approved' | 'rejected';
    byName: string | null;
    at: string;
    note: string;
    adviceFollowed: boolean | null;
    overruleReason: string | null;
  } | null;
  reviewOn: string | null;
  lastReviewedOn: string | null;
  pastReview: boolean;
  publicSummary: string | null;
  publishSummary: boolean;
}

export function toDpia(r: DpiaTable, today: string, names: Map<string, string>): Dpia {
  const screening = parseJson<Screening | null>(r.screening, null);
  return {
    id: r.dpia_id,
    ref: r.ref,
    title: r.title,
    description: r.description,
    status: r.status as DpiaStatus,
    statusLabel: DPIA_STATUS_LABELS[r.status] ?? r.status,
    authorId: r.author_id,
    authorName: r.author_id ? (names.get(r.author_id) ?? null) : nameOfRef(r.created_by, names),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    screening,
    screenedAt: r.screened_at,
    screenedByName: nameOfRef(r.screened_by, names),
    highRisk: bool(r.high_risk),
    indicatorsMet: SCREENING_QUESTIONS.filter((q) => screening?.answers[q.id]).map(
      (q) => q.question,
    ),
    necessity: r.necessity,
    proportionality: r.proportionality,
    consultation: r.consultation,
    risks: parseJson<DpiaRisk[]>(r.risks, []),
    residualRisk: r.residual_risk as RiskLevel | null,
    priorConsultation: r.prior_consultation === 1,
    icoConsultation: r.ico_consulted_on
      ? { on: r.ico_consulted_on, reference: r.ico_reference ?? '', outcome: r.ico_outcome ?? '' }
      : null,
    advice:
      r.dpo_advice && r.dpo_advice_at
        ? {
            text: r.dpo_advice,
            recommendation: r.dpo_recommendation as Recommendation,
            recommendationLabel:
              RECOMMENDATION_LABELS[r.dpo_recommendation as Recommendation] ?? '',
            byName: nameOfRef(r.dpo_advice_by, names),
            at: r.dpo_advice_at,
          }
        : null,
    signOff:
      r.decision && r.signed_at
        ? {
            decision: r.decision as 'approved' | 'rejected',
            byName: nameOfRef(r.signed_by, names),
            at: r.signed_at,
            note: r.sign_off_note ?? '',
            adviceFollowed: bool(r.advice_followed),
            overruleReason: r.overrule_reason,
          }
        : null,
    reviewOn: r.review_on,
    lastReviewedOn: r.last_reviewed_on,
    pastReview: r.status === 'signed' && r.review_on !== null && r.review_on < today,
    publicSummary: r.public_summary,
    publishSummary: r.publish_summary === 1,
  };
}
