// What the terms say about risk, worked out from the terms themselves so nobody can screen
// optimistically: which fields are special-category or criminal-offence data (recorded into the
// terms at proposal, so the compiled policy knows them without the record types), and whether the
// sharing screens as high risk under the ICO's DPIA indicators, which then needs a signed DPIA.
import type { FieldInfo } from '../records/annotations.ts';
import type { AgreementTerms } from './model.ts';

const isSpecial = (f: FieldInfo | undefined): boolean =>
  f?.category === 'special-category' || f?.category === 'criminal-offence';

/** The terms with each flow's and check's special-category fields recorded. */
export function withSpecialFields(
  t: AgreementTerms,
  fieldsOf: (orgId: string, recordType: string) => FieldInfo[] | undefined,
): AgreementTerms {
  return {
    ...t,
    flows: t.flows.map((f) => {
      const info = fieldsOf(f.from, f.recordType) ?? [];
      return { ...f, special: f.fields.filter((n) => isSpecial(info.find((i) => i.name === n))) };
    }),
    checks: t.checks.map((c) => ({
      ...c,
      special: isSpecial(fieldsOf(c.from, c.recordType)?.find((i) => i.name === c.field)),
    })),
  };
}

/** Why sharing under these terms screens as high risk; empty when it does not. */
export function highRiskReasons(t: AgreementTerms): string[] {
  const reasons: string[] = [];
  if (t.flows.some((f) => (f.special ?? []).length > 0) || t.checks.some((c) => c.special))
    reasons.push('special-category or criminal-offence data is shared');
  const child = t.conditions.find((c) => c.kind === 'subject-under-age');
  if (child?.kind === 'subject-under-age' && child.age <= 18)
    reasons.push(`it concerns children (subjects under ${child.age})`);
  if (
    (t.operations.includes('lookup') && t.budgets.lookupsPerDay === null) ||
    (t.operations.includes('check') && t.budgets.checksPerDay === null)
  )
    reasons.push('one organisation can match people against another’s records without a limit');
  return reasons;
}
