// Schemas shared by API routes. Response schemas also drive serialisation, so the error shape
// must list every field or fast-json-stringify drops it.
import { Type } from '@sinclair/typebox';
import type { Static, TString } from '@sinclair/typebox';
import { ROLES } from '../domain/policy/roles.ts';
import type { Role } from '../domain/policy/roles.ts';

export const ProblemSchema = Type.Object({
  field: Type.Optional(Type.String()),
  line: Type.Optional(Type.Integer()),
  message: Type.String(),
});

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable error code from docs/errors.md' }),
      message: Type.String(),
      problems: Type.Optional(Type.Array(ProblemSchema)),
    }),
  },
  { $id: 'ErrorResponse', description: 'An error with a stable code' },
);

export const IdParam = <K extends string>(name: K) =>
  Type.Object({ [name]: Type.String({ minLength: 1, maxLength: 100 }) } as Record<K, TString>);

// Spelled out so TypeBox infers the Role union (a mapped array loses it); checked against ROLES.
export const RoleSchema = Type.Union([
  Type.Literal('siro'),
  Type.Literal('dpo'),
  Type.Literal('iao'),
  Type.Literal('caldicott'),
  Type.Literal('handler'),
  Type.Literal('auditor'),
  Type.Literal('administrator'),
]);
const _rolesCovered: Role[] = [...ROLES] satisfies Static<typeof RoleSchema>[];

export const Reason = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);

export const DateTime = Type.String({ format: 'date-time' });
export const NullableDateTime = Type.Union([DateTime, Type.Null()]);
