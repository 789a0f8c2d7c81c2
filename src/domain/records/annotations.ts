// Field annotations of the common data model. Every field of a record type carries
// `x-accord`: its data category, its security marking, and — for identifying fields — the
// identifier it contributes to subject matching.
export const CATEGORIES = ['personal', 'special-category', 'criminal-offence', 'none'] as const;
export const MARKINGS = ['OFFICIAL', 'OFFICIAL-SENSITIVE'] as const;
/** Single identifiers, and the parts of the name + date of birth + postcode composite. */
export const IDENTIFIES = [
  'nhs-number',
  'ni-number',
  'membership-number',
  'police-reference',
  'family-name',
  'given-name',
  'date-of-birth',
  'postcode',
] as const;

export type Category = (typeof CATEGORIES)[number];
export type Marking = (typeof MARKINGS)[number];
export type Identifies = (typeof IDENTIFIES)[number];

export interface FieldAnnotation {
  category: Category;
  marking: Marking;
  identifies?: Identifies;
  /** A date the retention period may run from. */
  retentionDate?: boolean;
}

export interface FieldInfo extends FieldAnnotation {
  name: string;
  title: string;
  type: string;
  required: boolean;
  description: string;
}

/** Helper for writing schemas: a field with its annotation. */
export function field(
  type: Record<string, unknown>,
  annotation: FieldAnnotation,
  title: string,
): Record<string, unknown> {
  return { ...type, title, 'x-accord': annotation };
}
