// Schemas for the reconciliation API: runs, variances, overrides and accuracy flags.
import { Type } from '@sinclair/typebox';
import { FLAGS } from '../../domain/reconcile/accuracy.service.ts';
import { VARIANCE_KINDS } from '../../domain/reconcile/link.ts';
import { MEMBER_STATUSES } from '../../domain/reconcile/overrides.service.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) =>
  Type.Union([t, Type.Null()]);

const SourceSchema = Type.Object({
  kind: Type.String({ description: 'asset | upload' }),
  assetId: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  fileName: Type.Optional(Type.String()),
  rows: Type.Integer(),
});

export const RunSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  list: SourceSchema,
  feed: SourceSchema,
  params: Type.Object({
    matchThreshold: Type.Number(),
    possibleThreshold: Type.Number(),
    maxComparisons: Type.Integer(),
  }),
  counts: Type.Object({
    aRows: Type.Integer(),
    bRows: Type.Integer(),
    matchedByIdentifier: Type.Integer(),
    matchedByLinkage: Type.Integer(),
    possibleMatches: Type.Integer(),
    unmatchedB: Type.Integer(),
    comparisons: Type.Integer(),
    variances: Type.Integer(),
    byKind: Type.Record(Type.String(), Type.Integer()),
    readMs: Type.Integer(),
    readListMs: Type.Integer(),
    readFeedMs: Type.Integer(),
    hashMs: Type.Integer(),
    linkMs: Type.Integer(),
    storeMs: Type.Integer(),
  }),
  status: Type.String(),
  startedBy: Type.String(),
  startedAt: Type.String(),
  finishedAt: Nullable(Type.String()),
  durationMs: Type.Integer(),
});

export const RunInputSchema = Type.Object(
  {
    title: Type.Optional(Type.String({ maxLength: 200 })),
    listAssetId: Type.String({ minLength: 1, maxLength: 100 }),
    feedAssetId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    csv: Type.Optional(Type.String({ description: 'A payments feed as CSV with a header row' })),
    fileName: Type.Optional(Type.String({ maxLength: 200 })),
    matchThreshold: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    possibleThreshold: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
  },
  { additionalProperties: false },
);

const SideSchema = Nullable(
  Type.Object({
    ref: Type.String(),
    membershipNumber: Type.String(),
    name: Type.String(),
    dateOfBirth: Type.String(),
    postcode: Type.String(),
    address: Type.String(),
    status: Type.String(),
  }),
);

export const VarianceSchema = Type.Object({
  id: Type.String(),
  runId: Type.String(),
  seq: Type.Integer(),
  kind: Type.String(),
  reason: Type.String(),
  summary: Type.String(),
  aRef: Nullable(Type.String()),
  bRef: Nullable(Type.String()),
  score: Nullable(Type.Number()),
  basis: Nullable(Type.String()),
  state: Type.String(),
  a: SideSchema,
  b: SideSchema,
});

export const VarianceQuerySchema = Type.Object({
  kind: Type.Optional(Type.Union(VARIANCE_KINDS.map((k) => Type.Literal(k)))),
  state: Type.Optional(
    Type.Union([
      Type.Literal('open'),
      Type.Literal('awaiting-approval'),
      Type.Literal('overridden'),
    ]),
  ),
  page: Type.Optional(Type.Integer({ minimum: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
});

export const OverrideSchema = Type.Object({
  id: Type.String(),
  varianceId: Type.String(),
  runId: Type.String(),
  version: Type.Integer(),
  decision: Type.String(),
  newStatus: Nullable(Type.String()),
  changesEligibility: Type.Boolean(),
  justification: Type.String(),
  evidence: Type.String(),
  state: Type.String(),
  requestedBy: Type.String(),
  requestedAt: Type.String(),
  decidedBy: Nullable(Type.String()),
  decidedAt: Nullable(Type.String()),
  decisionNote: Nullable(Type.String()),
});

export const OverrideInputSchema = Type.Object(
  {
    decision: Type.Union([Type.Literal('explained'), Type.Literal('set-status')]),
    newStatus: Type.Optional(Type.Union(MEMBER_STATUSES.map((s) => Type.Literal(s)))),
    justification: Type.Optional(Type.String({ maxLength: 2000 })),
    evidence: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const DecisionInputSchema = Type.Object(
  { approve: Type.Boolean(), note: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);

export const FlagSchema = Type.Object({
  recordId: Type.String(),
  version: Type.Integer(),
  flag: Type.String(),
  note: Type.String(),
  setBy: Type.String(),
  setAt: Type.String(),
});

export const FlagInputSchema = Type.Object(
  {
    flag: Type.Union(FLAGS.map((f) => Type.Literal(f))),
    note: Type.String({ maxLength: 1000 }),
  },
  { additionalProperties: false },
);
