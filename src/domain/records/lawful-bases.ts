// The lawful bases and conditions Accord records, with plain-English guidance. Assets state the
// basis they are held under; agreements state each party's basis for sharing.
export interface Basis {
  code: string;
  label: string;
  guidance: string;
}

export const ARTICLE_6: Basis[] = [
  {
    code: 'art6-1-a',
    label: 'Consent — UK GDPR Art. 6(1)(a)',
    guidance:
      'The person gave clear, specific, freely given consent, which they can withdraw at any time. Rarely right for public bodies.',
  },
  {
    code: 'art6-1-b',
    label: 'Contract — Art. 6(1)(b)',
    guidance: 'Needed for a contract with the person, or to take steps they asked for before one.',
  },
  {
    code: 'art6-1-c',
    label: 'Legal obligation — Art. 6(1)(c)',
    guidance: 'Needed to comply with a law (not a contract) that applies to you. Name the law.',
  },
  {
    code: 'art6-1-d',
    label: 'Vital interests — Art. 6(1)(d)',
    guidance: 'Needed to protect someone’s life, where no other basis applies.',
  },
  {
    code: 'art6-1-e',
    label: 'Public task — Art. 6(1)(e)',
    guidance:
      'Needed for a task in the public interest or your official functions, with a clear basis in law. Most council and health sharing uses this.',
  },
  {
    code: 'art6-1-f',
    label: 'Legitimate interests — Art. 6(1)(f)',
    guidance:
      'Needed for your legitimate interests, balanced against the person’s. Not available to public bodies for their public tasks; parties may use it.',
  },
  {
    code: 'dpa-part-3',
    label: 'Law enforcement — DPA 2018 Part 3',
    guidance:
      'Processing by a competent authority for law-enforcement purposes (prevention, investigation, detection or prosecution of offences).',
  },
];

export const ARTICLE_9: Basis[] = [
  {
    code: 'art9-2-a',
    label: 'Explicit consent — Art. 9(2)(a)',
    guidance: 'The person explicitly consented to this processing of special-category data.',
  },
  {
    code: 'art9-2-b',
    label: 'Employment and social protection — Art. 9(2)(b)',
    guidance:
      'Obligations in employment, social security or social protection law; needs a Schedule 1 Part 1 condition.',
  },
  {
    code: 'art9-2-c',
    label: 'Vital interests — Art. 9(2)(c)',
    guidance: 'To protect someone’s life where they cannot consent.',
  },
  {
    code: 'art9-2-d',
    label: 'Not-for-profit bodies — Art. 9(2)(d)',
    guidance:
      'A political, philosophical, religious or trade-union body processing its own members’ data, not disclosed outside without consent.',
  },
  {
    code: 'art9-2-e',
    label: 'Made public by the person — Art. 9(2)(e)',
    guidance: 'The person themselves manifestly made the data public.',
  },
  {
    code: 'art9-2-f',
    label: 'Legal claims — Art. 9(2)(f)',
    guidance: 'To establish, exercise or defend legal claims.',
  },
  {
    code: 'art9-2-g',
    label: 'Substantial public interest — Art. 9(2)(g)',
    guidance:
      'Substantial public interest on a basis in law; needs a Schedule 1 Part 2 condition and an appropriate policy document.',
  },
  {
    code: 'art9-2-h',
    label: 'Health or social care — Art. 9(2)(h)',
    guidance:
      'Preventive or occupational medicine, diagnosis, health or social care; needs a Schedule 1 Part 1 condition.',
  },
  {
    code: 'art9-2-i',
    label: 'Public health — Art. 9(2)(i)',
    guidance: 'Public health, such as protecting against serious threats to health.',
  },
  {
    code: 'art9-2-j',
    label: 'Archiving, research and statistics — Art. 9(2)(j)',
    guidance: 'Archiving in the public interest, scientific or historical research, or statistics.',
  },
];

export const SCHEDULE_1: Basis[] = [
  {
    code: 'sch1-1',
    label: 'Employment, social security and social protection — Sch. 1 para 1',
    guidance: 'With Art. 9(2)(b).',
  },
  {
    code: 'sch1-2',
    label: 'Health or social care purposes — Sch. 1 para 2',
    guidance: 'With Art. 9(2)(h).',
  },
  {
    code: 'sch1-6',
    label: 'Statutory and government purposes — Sch. 1 para 6',
    guidance: 'A function conferred by law, or of a government department.',
  },
  {
    code: 'sch1-10',
    label: 'Preventing or detecting unlawful acts — Sch. 1 para 10',
    guidance: 'Where consent would prejudice the purpose.',
  },
  {
    code: 'sch1-14',
    label: 'Preventing fraud — Sch. 1 para 14',
    guidance: 'Disclosure to or by an anti-fraud organisation.',
  },
  {
    code: 'sch1-18',
    label: 'Safeguarding of children and individuals at risk — Sch. 1 para 18',
    guidance:
      'Protecting a child or an adult at risk from neglect or harm, where consent cannot be obtained or would prejudice it.',
  },
  {
    code: 'sch1-22',
    label: 'Political parties — Sch. 1 para 22',
    guidance:
      'A registered political party processing data revealing political opinions for its political activities.',
  },
];

export const ALL_BASES = [...ARTICLE_6, ...ARTICLE_9, ...SCHEDULE_1];

export const basisLabel = (code: string | null | undefined): string =>
  ALL_BASES.find((b) => b.code === code)?.label ?? code ?? '';

export const isArticle6 = (code: string): boolean => ARTICLE_6.some((b) => b.code === code);
export const isArticle9 = (code: string): boolean => ARTICLE_9.some((b) => b.code === code);
export const isSchedule1 = (code: string): boolean => SCHEDULE_1.some((b) => b.code === code);
