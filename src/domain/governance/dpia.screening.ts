// DPIA screening: the kinds of processing the ICO says are likely to result in high risk (UK GDPR
// Art. 35(3) and the ICO's list made under Art. 35(4)). Any "yes" means a full DPIA is required.
// Risks to individuals in the full DPIA use the ICO template's scales.

export interface ScreeningQuestion {
  id: string;
  question: string;
  hint: string;
  source: string;
}

export const SCREENING_QUESTIONS: readonly ScreeningQuestion[] = [
  {
    id: 'automated-decisions',
    question:
      'Does it involve systematic and extensive profiling or automated decisions with legal or similarly significant effects on people?',
    hint: 'For example, deciding eligibility for a benefit or a service by an algorithm.',
    source: 'UK GDPR Art. 35(3)(a)',
  },
  {
    id: 'special-category-large-scale',
    question: 'Does it process special category or criminal offence data on a large scale?',
    hint: 'Health, ethnicity, religion, sexual orientation, trade union membership, biometrics, convictions.',
    source: 'UK GDPR Art. 35(3)(b)',
  },
  {
    id: 'public-monitoring',
    question: 'Does it systematically monitor a publicly accessible place on a large scale?',
    hint: 'For example, CCTV or automatic number-plate recognition across a town centre.',
    source: 'UK GDPR Art. 35(3)(c)',
  },
  {
    id: 'innovative-technology',
    question: 'Does it use innovative technology, or a new use of existing technology?',
    hint: 'For example, machine learning, smart devices or connected sensors.',
    source: 'ICO list: innovative technology',
  },
  {
    id: 'denial-of-service',
    question:
      'Will decisions about access to a service, opportunity or benefit rest on profiling or special category data?',
    hint: 'For example, prioritising housing applications by a risk score.',
    source: 'ICO list: denial of service',
  },
  {
    id: 'large-scale-profiling',
    question: 'Does it profile people on a large scale?',
    hint: 'For example, building pictures of residents’ behaviour from several services.',
    source: 'ICO list: large-scale profiling',
  },
  {
    id: 'biometric-genetic',
    question: 'Does it use biometric data to identify people, or genetic data?',
    hint: 'Fingerprints, face recognition, voice prints, DNA.',
    source: 'ICO list: biometrics and genetic data',
  },
  {
    id: 'matching',
    question: 'Does it combine, compare or match personal data from several sources?',
    hint: 'For example, matching council tax records against benefit claims.',
    source: 'ICO list: data matching',
  },
  {
    id: 'invisible-processing',
    question:
      'Will it use personal data not obtained from the people themselves, without telling them?',
    hint: 'Where telling them would be impossible or need disproportionate effort.',
    source: 'ICO list: invisible processing',
  },
  {
    id: 'tracking',
    question: 'Does it track people’s location or behaviour, online or offline?',
    hint: 'For example, vehicle tracking, web analytics about identifiable users, wearable devices.',
    source: 'ICO list: tracking',
  },
  {
    id: 'vulnerable',
    question:
      'Does it profile, target or make decisions about children or other vulnerable people?',
    hint: 'Including marketing or online services offered to children.',
    source: 'ICO list: targeting of children or other vulnerable individuals',
  },
  {
    id: 'physical-harm',
    question: 'Could a breach of the data put someone’s physical health or safety at risk?',
    hint: 'For example, addresses of people fleeing domestic abuse.',
    source: 'ICO list: risk of physical harm',
  },
];

export const SCREENING_IDS = SCREENING_QUESTIONS.map((q) => q.id);

/** ICO DPIA template scales for risks to individuals. */
export const LIKELIHOOD = ['remote', 'possible', 'probable'] as const;
export const SEVERITY = ['minimal', 'significant', 'severe'] as const;
export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** Overall risk from likelihood and severity (each 1–3), as the ICO template's matrix. */
export function overallRisk(likelihood: number, severity: number): RiskLevel {
  const score = likelihood * severity;
  return score >= 6 ? 'high' : score >= 3 ? 'medium' : 'low';
}

export const RECOMMENDATIONS = ['proceed', 'proceed-with-changes', 'do-not-proceed'] as const;
export type Recommendation = (typeof RECOMMENDATIONS)[number];

export const RECOMMENDATION_LABELS: Record<Recommendation, string> = {
  proceed: 'Proceed',
  'proceed-with-changes': 'Proceed with the changes advised',
  'do-not-proceed': 'Do not proceed',
};

export const DPIA_STATUS_LABELS: Record<string, string> = {
  screening: 'Screening',
  'not-required': 'Screened: full DPIA not required',
  assessment: 'Assessment in progress',
  advice: 'Awaiting DPO advice',
  'sign-off': 'Awaiting SIRO sign-off',
  signed: 'Signed off',
  rejected: 'Rejected at sign-off',
};
