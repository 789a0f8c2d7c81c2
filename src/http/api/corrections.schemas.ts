// TypeBox schemas for correction notices (UK GDPR Art. 19) as their sender or recipient sees them.
import { Type } from '@sinclair/typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) =>
  Type.Union([t, Type.Null()]);

export const CorrectionSchema = Type.Object({
  id: Type.String(),
  direction: Type.Union([Type.Literal('sent'), Type.Literal('received')]),
  partnerOrgId: Type.String(),
  partnerName: Type.String(),
  transferId: Type.String(),
  line: Type.Integer({ description: 'The record’s position in the transfer that carried it' }),
  kind: Type.Union([
    Type.Literal('rectify'),
    Type.Literal('erase'),
    Type.Literal('restrict'),
    Type.Literal('unrestrict'),
  ]),
  kindLabel: Type.String(),
  fields: Type.Array(Type.String(), { description: 'The agreed fields corrected (rectify)' }),
  agreementRef: Type.String(),
  purpose: Type.String(),
  state: Type.Union([
    Type.Literal('sent'),
    Type.Literal('overdue'),
    Type.Literal('acknowledged'),
    Type.Literal('disputed'),
  ]),
  stateLabel: Type.String(),
  dueAt: Type.String(),
  disputeReason: Nullable(Type.String()),
  requestId: Nullable(Type.String()),
  recordId: Nullable(Type.String()),
  createdAt: Type.String(),
  closedAt: Nullable(Type.String()),
  actions: Type.Array(Type.Union([Type.Literal('apply'), Type.Literal('dispute')])),
  changes: Type.Optional(
    Type.Record(Type.String(), Type.Unknown(), {
      description: 'The corrected values (recipient only)',
    }),
  ),
  senderReason: Type.Optional(Type.String()),
});

export const CorrectionListSchema = Type.Array(CorrectionSchema);

export const CorrectionListQuery = Type.Object({
  direction: Type.Optional(Type.Union([Type.Literal('sent'), Type.Literal('received')])),
  state: Type.Optional(
    Type.Union([
      Type.Literal('sent'),
      Type.Literal('overdue'),
      Type.Literal('acknowledged'),
      Type.Literal('disputed'),
    ]),
  ),
});

export const DisputeSchema = Type.Object({
  reason: Type.String({ maxLength: 1000 }),
});
