// TypeBox schemas for subject rights requests, SAR bundles, legal holds and retention sweeps.
// Response schemas drive serialisation, so each lists every field the domain type carries.
import { Type } from '@sinclair/typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) =>
  Type.Union([t, Type.Null()]);
const Text = (max = 200) => Type.String({ maxLength: max });
const Json = Type.Record(Type.String(), Type.Unknown());

export const IdentifiersSchema = Type.Object(
  {
    nhsNumber: Type.Optional(Text(20)),
    niNumber: Type.Optional(Text(20)),
    membershipNumber: Type.Optional(Text(40)),
    policeReference: Type.Optional(Text(40)),
    familyName: Type.Optional(Text(200)),
    givenName: Type.Optional(Text(200)),
    dateOfBirth: Type.Optional(Text(10)),
    postcode: Type.Optional(Text(10)),
  },
  { additionalProperties: false },
);

export const LogRequestBody = Type.Object(
  {
    kind: Text(40),
    channel: Text(40),
    receivedOn: Type.Optional(Text(40)),
    identifiers: IdentifiersSchema,
    description: Type.Optional(Text(5000)),
    identityVerified: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const MoveBody = Type.Object(
  {
    move: Text(40),
    reason: Type.Optional(Text(2000)),
    identityVerified: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const ExtendBody = Type.Object(
  { months: Type.Integer({ minimum: 1, maximum: 2 }), reason: Text(2000) },
  { additionalProperties: false },
);

export const RedactionBody = Type.Object(
  { recordId: Text(100), field: Text(100), text: Text(2000), reason: Text(2000) },
  { additionalProperties: false },
);

export const RestrictBody = Type.Object(
  { reason: Type.Optional(Text(2000)), lift: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

export const RectifyBody = Type.Object(
  { recordId: Text(100), changes: Json, reason: Text(2000) },
  { additionalProperties: false },
);

export const HoldBody = Type.Object(
  { scope: Text(20), targetId: Text(100), reason: Text(2000) },
  { additionalProperties: false },
);

export const SweepBody = Type.Object(
  { dryRun: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

const ClockSchema = Type.Object({
  dueOn: Type.String(),
  originalDueOn: Type.String(),
  pausedDays: Type.Integer(),
  paused: Type.Boolean(),
  daysLeft: Type.Integer(),
  overdue: Type.Boolean(),
});

const summaryFields = {
  id: Type.String(),
  reference: Type.String(),
  kind: Type.String(),
  kindLabel: Type.String(),
  channel: Type.String(),
  channelLabel: Type.String(),
  receivedAt: Type.String(),
  receivedOn: Type.String(),
  status: Type.String(),
  statusLabel: Type.String(),
  open: Type.Boolean(),
  identityVerified: Type.Boolean(),
  subjectsMatched: Type.Integer(),
  extensionMonths: Type.Integer(),
  extensionReason: Nullable(Type.String()),
  pauses: Type.Array(Type.Object({ from: Type.String(), to: Nullable(Type.String()) })),
  clock: ClockSchema,
  outcome: Nullable(Type.String()),
  createdAt: Type.String(),
  closedAt: Nullable(Type.String()),
};

export const RequestSummarySchema = Type.Object(summaryFields);

export const RedactionSchema = Type.Object({
  recordId: Type.String(),
  field: Type.String(),
  text: Type.String(),
  reason: Type.String(),
  by: Type.String(),
  at: Type.String(),
});

export const RequestSchema = Type.Object({
  ...summaryFields,
  subjectIds: Type.Array(Type.String()),
  identifiers: Type.Record(Type.String(), Type.String()),
  description: Type.String(),
  redactions: Type.Array(RedactionSchema),
  moves: Type.Array(Type.String()),
  timeline: Type.Array(
    Type.Object({
      at: Type.String(),
      by: Type.String(),
      byName: Type.String(),
      kind: Type.String(),
      note: Type.String(),
      data: Json,
    }),
  ),
});

const CodeLabel = Type.Object({ code: Type.String(), label: Type.String() });

export const BundleSchema = Type.Object({
  requestId: Type.String(),
  reference: Type.String(),
  organisation: Type.String(),
  receivedOn: Type.String(),
  dueOn: Type.String(),
  producedAt: Type.String(),
  producedBy: Type.String(),
  subjectsMatched: Type.Integer(),
  redactions: Type.Integer(),
  method: Type.Array(Type.String()),
  records: Type.Array(
    Type.Object({
      recordId: Type.String(),
      assetId: Type.String(),
      assetName: Type.String(),
      typeKey: Type.String(),
      version: Type.Integer(),
      payload: Json,
      redactedFields: Type.Array(Type.String()),
      source: Type.Object({ ref: Type.String(), label: Type.String() }),
      lawfulBasis: CodeLabel,
      specialCondition: Nullable(CodeLabel),
      purposes: Type.Array(Type.String()),
      retainUntil: Nullable(Type.String()),
      retentionRule: Nullable(
        Type.Object({
          period: Type.String(),
          from: Nullable(Type.String()),
          action: Type.String(),
        }),
      ),
      restricted: Type.Boolean(),
      restrictionReason: Nullable(Type.String()),
      sentTo: Type.Array(
        Type.Object({
          at: Type.String(),
          organisation: Type.String(),
          agreement: Nullable(Type.String()),
          action: Type.String(),
        }),
      ),
      accesses: Type.Array(
        Type.Object({
          at: Type.String(),
          by: Type.String(),
          byName: Type.String(),
          action: Type.String(),
          purpose: Nullable(Type.String()),
          outcome: Type.String(),
        }),
      ),
      accessesTruncated: Type.Boolean(),
      createdAt: Type.String(),
      updatedAt: Type.String(),
    }),
  ),
});

export const OutcomesSchema = Type.Array(
  Type.Object({
    recordId: Type.String(),
    assetName: Type.String(),
    outcome: Type.String(),
    reason: Nullable(Type.String()),
  }),
);

export const HoldSchema = Type.Object({
  id: Type.String(),
  scope: Type.String(),
  targetId: Type.String(),
  reason: Type.String(),
  setBy: Type.String(),
  setAt: Type.String(),
  active: Type.Boolean(),
  liftedBy: Nullable(Type.String()),
  liftedAt: Nullable(Type.String()),
  liftReason: Nullable(Type.String()),
});

export const SweepSchema = Type.Object({
  dryRun: Type.Boolean(),
  today: Type.String(),
  due: Type.Integer(),
  held: Type.Integer(),
  processed: Type.Integer(),
  assets: Type.Array(
    Type.Object({
      assetId: Type.String(),
      assetName: Type.String(),
      period: Type.String(),
      from: Type.String(),
      action: Type.String(),
      due: Type.Integer(),
      held: Type.Integer(),
      processed: Type.Integer(),
    }),
  ),
  sample: Type.Array(
    Type.Object({
      recordId: Type.String(),
      assetName: Type.String(),
      retainUntil: Type.String(),
      heldBecause: Nullable(Type.String()),
    }),
  ),
});
