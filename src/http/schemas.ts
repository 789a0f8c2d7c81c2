// Schemas shared by API routes. Response schemas also drive serialisation, so the error shape
// must list every field or fast-json-stringify drops it.
import { Type } from '@sinclair/typebox';

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
