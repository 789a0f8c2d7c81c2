// Checks one payload against its record type: the JSON Schema (compiled once) and the
// identifying fields (an NHS number with a wrong check digit is a bad row, not a non-match).
import type { ValidateFunction } from 'ajv';
import type { Problem } from '../../errors.ts';
import type { Extracted } from './identifiers.ts';
import { extractIdentifiers } from './identifiers.ts';
import type { RecordType } from './record-types.service.ts';

export function checkPayload(
  type: RecordType,
  validate: ValidateFunction,
  payload: unknown,
): { ids: Extracted[]; problems: Problem[] } {
  const problems: Problem[] = [];
  if (!validate(payload)) {
    for (const e of validate.errors ?? []) {
      const params = e.params as { missingProperty?: string; additionalProperty?: string };
      const field =
        params.missingProperty ??
        params.additionalProperty ??
        (e.instancePath.replace(/^\//, '').split('/')[0] || 'record');
      const message = params.additionalProperty
        ? `${field} is not a field of ${type.key}`
        : params.missingProperty
          ? `${field} is required`
          : `${field} ${e.message ?? 'is not valid'}`;
      problems.push({ field, message });
    }
    return { ids: [], problems };
  }
  const { ids, problems: idProblems } = extractIdentifiers(
    type.fields,
    payload as Record<string, unknown>,
  );
  problems.push(...idProblems);
  if (!problems.length && ids.length === 0)
    problems.push({ field: 'record', message: 'nothing in it identifies the person it is about' });
  return { ids, problems };
}
