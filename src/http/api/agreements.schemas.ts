// TypeBox schemas for agreements: the terms (validated on the way in; the meaning is checked at
// proposal, with every problem listed), agreements with their versions, and decisions.
import { Type } from '@sinclair/typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) =>
  Type.Union([t, Type.Null()]);
const Id = Type.String({ minLength: 1, maxLength: 100 });
const Text = (max = 200) => Type.String({ maxLength: max });

export const TermsSchema = Type.Object(
  {
    title: Text(),
    parties: Type.Array(
      Type.Object(
        {
          orgId: Id,
          orgName: Text(),
          lawfulBasis: Text(40),
          specialCondition: Nullable(Text(200)),
        },
        { additionalProperties: false },
      ),
      { maxItems: 20 },
    ),
    purposes: Type.Array(
      Type.Object({ key: Text(60), label: Text() }, { additionalProperties: false }),
      { maxItems: 50 },
    ),
    flows: Type.Array(
      Type.Object(
        {
          from: Id,
          to: Id,
          recordType: Text(60),
          fields: Type.Array(Text(100), { maxItems: 200 }),
          special: Type.Optional(Type.Array(Text(100), { maxItems: 200 })),
        },
        { additionalProperties: false },
      ),
      { maxItems: 100 },
    ),
    operations: Type.Array(
      Type.Union([Type.Literal('transfer'), Type.Literal('lookup'), Type.Literal('check')]),
      { maxItems: 3, uniqueItems: true },
    ),
    checks: Type.Array(
      Type.Object(
        {
          key: Type.String({ pattern: '^[a-z][a-z0-9-]{0,59}$' }),
          question: Text(300),
          from: Id,
          recordType: Text(60),
          field: Text(100),
          yesWhen: Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean()]), {
            maxItems: 50,
          }),
          special: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
      { maxItems: 50 },
    ),
    retentionAtRecipient: Text(20),
    onwardSharing: Type.Boolean(),
    startDate: Text(10),
    endDate: Text(10),
    reviewDate: Text(10),
    dpiaRef: Nullable(Text(100)),
    budgets: Type.Object(
      {
        lookupsPerDay: Nullable(Type.Integer({ minimum: 1, maximum: 10_000_000 })),
        checksPerDay: Nullable(Type.Integer({ minimum: 1, maximum: 10_000_000 })),
      },
      { additionalProperties: false },
    ),
    conditions: Type.Array(
      Type.Union([
        Type.Object(
          {
            kind: Type.Literal('subject-under-age'),
            age: Type.Integer({ minimum: 1, maximum: 130 }),
            dateOfBirthField: Text(100),
          },
          { additionalProperties: false },
        ),
        Type.Object(
          {
            kind: Type.Literal('caldicott-approval'),
            personIds: Type.Array(Id, { maxItems: 500 }),
          },
          { additionalProperties: false },
        ),
      ]),
      { maxItems: 10 },
    ),
  },
  { additionalProperties: false },
);

const ApprovalSchema = Type.Object({
  orgId: Type.String(),
  personId: Type.String(),
  role: Type.String(),
  decision: Type.String(),
  comment: Nullable(Type.String()),
  decidedAt: Type.String(),
});

export const VersionSchema = Type.Object({
  versionId: Type.String(),
  version: Type.Integer(),
  status: Type.String({
    description:
      'draft, proposed, rejected, withdrawn, approved (not yet started), active, suspended, expired, terminated or superseded',
  }),
  terms: TermsSchema,
  digest: Nullable(Type.String()),
  proposedBy: Nullable(Type.String()),
  proposedAt: Nullable(Type.String()),
  approvedAt: Nullable(Type.String()),
  approvals: Type.Array(ApprovalSchema),
  waitingFor: Type.Array(Type.String()),
  suspendReason: Nullable(Type.String()),
  terminatedAt: Nullable(Type.String()),
  terminateReason: Nullable(Type.String()),
});

export const AgreementSchema = Type.Object({
  id: Type.String(),
  reference: Type.String(),
  title: Type.String(),
  proposerOrgId: Type.String(),
  createdAt: Type.String(),
  versions: Type.Array(VersionSchema),
  inForce: Nullable(VersionSchema),
  latest: VersionSchema,
  reviewDue: Type.Boolean(),
});

export const PurposeSchema = Type.Object({
  key: Type.String(),
  label: Type.String(),
  description: Type.String(),
});

export const DecisionSchema = Type.Object({
  allow: Type.Boolean(),
  outcome: Type.String(),
  reason: Type.String(),
  agreement: Nullable(
    Type.Object({
      agreementId: Type.String(),
      versionId: Type.String(),
      reference: Type.String(),
      version: Type.Integer(),
    }),
  ),
  clause: Type.String(),
  fields: Type.Array(Type.String()),
});

export const ExplanationSchema = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  action: Type.String(),
  outcome: Type.String(),
  allowed: Type.Boolean(),
  actor: Type.String(),
  actorName: Nullable(Type.String()),
  purpose: Nullable(Type.String()),
  target: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  rule: Nullable(Type.String()),
  agreement: Nullable(
    Type.Object({ agreementId: Type.String(), reference: Type.String(), version: Type.Integer() }),
  ),
  fields: Type.Array(Type.String()),
  nextStep: Nullable(Type.String()),
});
