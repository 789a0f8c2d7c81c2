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

/**
 * Where the terms misstate what a providing party holds, for the providers `provides` says are
 * its own: a record type or field it does not have, or special-category fields recorded otherwise
 * than its record types say. Empty when they match.
 */
export function providedMismatches(
  t: AgreementTerms,
  provides: (orgId: string) => boolean,
  fieldsOf: (orgId: string, recordType: string) => FieldInfo[] | undefined,
): string[] {
  const out: string[] = [];
  const real = withSpecialFields(t, fieldsOf);
  const list = (xs: string[]): string => (xs.length ? [...xs].sort().join(', ') : 'none');
  t.flows.forEach((f, i) => {
    if (!provides(f.from)) return;
    const info = fieldsOf(f.from, f.recordType);
    if (!info) return void out.push(`There is no record type “${f.recordType}”.`);
    for (const n of f.fields)
      if (!info.some((x) => x.name === n)) out.push(`“${n}” is not a field of ${f.recordType}.`);
    const is = real.flows[i]!.special ?? [];
    if (list(f.special ?? []) !== list(is))
      out.push(
        `The special-category or criminal-offence fields of ${f.recordType} are ${list(is)}, not ${list(f.special ?? [])}.`,
      );
  });
  t.checks.forEach((c, i) => {
    if (!provides(c.from)) return;
    const info = fieldsOf(c.from, c.recordType);
    if (!info?.some((x) => x.name === c.field))
      return void out.push(
        `The check “${c.key}” uses “${c.field}”, not a field of ${c.recordType}.`,
      );
    if (Boolean(c.special) !== Boolean(real.checks[i]!.special))
      out.push(
        `The check “${c.key}” uses ${c.field}, which is ${real.checks[i]!.special ? '' : 'not '}special-category or criminal-offence data.`,
      );
  });
  return out;
}
