// TypeBox schemas for record types, assets, records, lookups and imports.
import { Type } from '@sinclair/typebox';

export const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) =>
  Type.Union([t, Type.Null()]);
const FieldSchema = Type.Object({
  name: Type.String(),
  title: Type.String(),
  type: Type.String(),
  required: Type.Boolean(),
  description: Type.String(),
  category: Type.String(),
  marking: Type.String(),
  identifies: Type.Optional(Type.String()),
  retentionDate: Type.Optional(Type.Boolean()),
});
export const RecordTypeSchema = Type.Object({
  id: Type.String(),
  key: Type.String(),
  version: Type.Integer(),
  title: Type.String(),
  description: Type.String(),
  schema: Type.Record(Type.String(), Type.Unknown()),
  fields: Type.Array(FieldSchema),
  marking: Type.String(),
  createdAt: Type.String(),
});
export const AssetSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  ownerPersonId: Nullable(Type.String()),
  ownerName: Nullable(Type.String()),
  typeKey: Type.String(),
  classification: Type.String(),
  lawfulBasis: Type.String(),
  specialCondition: Nullable(Type.String()),
  retentionPeriod: Nullable(Type.String()),
  retentionFrom: Nullable(Type.String()),
  retentionAction: Type.String(),
  application: Nullable(Type.String()),
  records: Type.Integer(),
  flags: Type.Array(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export const AssetBody = Type.Object(
  {
    name: Type.String({ maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    ownerPersonId: Type.Optional(Nullable(Type.String())),
    typeKey: Type.String(),
    classification: Type.String(),
    lawfulBasis: Type.String(),
    specialCondition: Type.Optional(Nullable(Type.String())),
    retentionPeriod: Type.Optional(Nullable(Type.String())),
    retentionFrom: Type.Optional(Nullable(Type.String())),
    retentionAction: Type.Optional(Type.String()),
    application: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  },
  { additionalProperties: false },
);
export const StoredRecordSchema = Type.Object({
  id: Type.String(),
  assetId: Type.String(),
  assetName: Type.String(),
  typeId: Type.String(),
  typeKey: Type.String(),
  typeVersion: Type.Integer(),
  subjectId: Type.String(),
  version: Type.Integer(),
  payload: Type.Record(Type.String(), Type.Unknown()),
  source: Type.String(),
  retainUntil: Nullable(Type.String()),
  status: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const ProblemSchema = Type.Object({
  field: Type.Optional(Type.String()),
  line: Type.Optional(Type.Integer()),
  message: Type.String(),
});
export const ImportJobSchema = Type.Object({
  id: Type.String(),
  assetId: Type.String(),
  format: Type.String(),
  fileName: Type.String(),
  purpose: Type.String(),
  status: Type.String(),
  rowsRead: Type.Integer(),
  rowsImported: Type.Integer(),
  rowsFailed: Type.Integer(),
  problems: Type.Array(ProblemSchema),
  message: Nullable(Type.String()),
  startedBy: Type.String(),
  startedAt: Type.String(),
  finishedAt: Nullable(Type.String()),
});
export const Purpose = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'Why: every access to personal data states its purpose',
});
export const Identifiers = {
  nhsNumber: Type.Optional(Type.String({ maxLength: 20 })),
  niNumber: Type.Optional(Type.String({ maxLength: 20 })),
  membershipNumber: Type.Optional(Type.String({ maxLength: 40 })),
  policeReference: Type.Optional(Type.String({ maxLength: 40 })),
  familyName: Type.Optional(Type.String({ maxLength: 200 })),
  givenName: Type.Optional(Type.String({ maxLength: 200 })),
  dateOfBirth: Type.Optional(Type.String({ maxLength: 10 })),
  postcode: Type.Optional(Type.String({ maxLength: 10 })),
};
