// Checks for each DPIA step, as pure functions: every problem is collected, so a form shows them
// all at once and nothing is saved until there are none.
import type { Problem } from '../../errors.ts';
import { checkChoice, checkDate, checkScale, requireText, text } from './common.ts';
import { RECOMMENDATIONS, RISK_LEVELS, SCREENING_IDS, overallRisk } from './dpia.screening.ts';
import type { Recommendation, RiskLevel } from './dpia.screening.ts';
import type { DpiaRisk, Screening } from './dpia.view.ts';

export interface ScreeningInput {
  answers: Record<string, boolean>;
  notes?: string;
  fullAnyway?: boolean;
}

export function checkScreening(input: ScreeningInput, problems: Problem[]): Screening {
  const answers: Record<string, boolean> = {};
  const given = input.answers ?? {};
  for (const key of Object.keys(given))
    if (!SCREENING_IDS.includes(key))
      problems.push({ field: `answers.${key}`, message: `“${key}” is not a screening question` });
  for (const id of SCREENING_IDS) {
    const v = given[id];
    if (typeof v !== 'boolean')
      problems.push({ field: `answers.${id}`, message: 'Answer yes or no' });
    else answers[id] = v;
  }
  return { answers, notes: text(input.notes), fullAnyway: input.fullAnyway === true };
}

export interface RiskInput {
  description: string;
  likelihood: number;
  severity: number;
  measures: string;
  residual: string;
}

export interface AssessmentInput {
  title?: string;
  description?: string;
  necessity?: string;
  proportionality?: string;
  consultation?: string;
  risks?: RiskInput[];
  /** Send to the DPO for advice (every part must then be complete). */
  submit?: boolean;
}

const LEVEL_RANK: Record<RiskLevel, number> = { low: 1, medium: 2, high: 3 };

export function highest(levels: RiskLevel[]): RiskLevel | null {
  return levels.reduce<RiskLevel | null>(
    (m, l) => (m === null || LEVEL_RANK[l] > LEVEL_RANK[m] ? l : m),
    null,
  );
}

export function checkAssessment(input: AssessmentInput, problems: Problem[]): DpiaRisk[] {
  const submit = input.submit === true;
  if (input.title !== undefined && !text(input.title))
    problems.push({ field: 'title', message: 'Enter a title for the DPIA' });
  if (input.description !== undefined && !text(input.description))
    problems.push({ field: 'description', message: 'Describe the processing' });
  if (submit) {
    requireText(
      problems,
      'necessity',
      input.necessity,
      'Explain why the processing is necessary and what the lawful basis is',
    );
    requireText(
      problems,
      'proportionality',
      input.proportionality,
      'Explain why the processing is proportionate to its purpose',
    );
    if (!input.risks?.length)
      problems.push({ field: 'risks', message: 'Record at least one risk to individuals' });
  }
  const risks: DpiaRisk[] = [];
  for (const [i, r] of (input.risks ?? []).entries()) {
    const at = `risks[${i}]`;
    const description = requireText(
      problems,
      `${at}.description`,
      r.description,
      `Describe risk ${i + 1}`,
    );
    const likelihood = checkScale(problems, `${at}.likelihood`, r.likelihood, 3, 'likelihood');
    const severity = checkScale(problems, `${at}.severity`, r.severity, 3, 'severity');
    const measures = text(r.measures);
    if (submit && !measures)
      problems.push({
        field: `${at}.measures`,
        message: `Say what will reduce or eliminate risk ${i + 1}`,
      });
    const residual = checkChoice(
      problems,
      `${at}.residual`,
      r.residual,
      RISK_LEVELS,
      `Choose the residual risk for risk ${i + 1}: low, medium or high`,
    );
    if (likelihood && severity && residual) {
      const overall = overallRisk(likelihood, severity);
      if (LEVEL_RANK[residual] > LEVEL_RANK[overall])
        problems.push({
          field: `${at}.residual`,
          message: `Risk ${i + 1}: the residual risk cannot be higher than the risk before measures (${overall})`,
        });
      risks.push({ description, likelihood, severity, overall, measures, residual });
    }
  }
  return risks;
}

export interface AdviceInput {
  advice: string;
  recommendation: string;
}

export function checkAdvice(
  input: AdviceInput,
  problems: Problem[],
): { advice: string; recommendation: Recommendation | null } {
  return {
    advice: requireText(problems, 'advice', input.advice, 'Enter the DPO’s advice'),
    recommendation: checkChoice(
      problems,
      'recommendation',
      input.recommendation,
      RECOMMENDATIONS,
      'Choose a recommendation: proceed, proceed with changes or do not proceed',
    ),
  };
}

export interface SignOffInput {
  decision: string;
  note?: string;
  reviewOn?: string | null;
  /** Whether the DPO's advice was followed; when not, say why. */
  adviceFollowed?: boolean;
  overruleReason?: string;
}

export function checkSignOff(
  input: SignOffInput,
  recommendation: Recommendation | null,
  today: string,
  problems: Problem[],
): { decision: 'approved' | 'rejected' | null; reviewOn: string | null; followed: boolean } {
  const decision = checkChoice(
    problems,
    'decision',
    input.decision,
    ['approved', 'rejected'] as const,
    'Choose whether you approve or reject the DPIA',
  );
  const reviewOn = checkDate(problems, 'reviewOn', input.reviewOn, {
    required: decision === 'approved',
    label: 'the date the DPIA is next reviewed',
    notBefore: today,
    notBeforeMessage: 'The review date must be today or later',
  });
  // Approving against "do not proceed", or rejecting against "proceed", overrules the DPO.
  const contrary =
    (decision === 'approved' && recommendation === 'do-not-proceed') ||
    (decision === 'rejected' && recommendation === 'proceed');
  const followed = input.adviceFollowed ?? !contrary;
  if ((!followed || contrary) && !text(input.overruleReason))
    problems.push({
      field: 'overruleReason',
      message: 'Explain why the DPO’s advice is not followed',
    });
  if (decision === 'rejected' && !text(input.note))
    problems.push({ field: 'note', message: 'Say why the DPIA is rejected' });
  return { decision, reviewOn, followed: followed && !contrary };
}
