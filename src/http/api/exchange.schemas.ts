// TypeBox schemas for exchange: transfers as each side sees them, what a sender picks, and the
// look-up and check requests and answers.
import { Type } from '@sinclair/typebox';

const Id = Type.String({ minLength: 1, maxLength: 100 });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) =>
  Type.Union([t, Type.Null()]);
const Org = Type.Object({ orgId: Type.String(), name: Type.String() });
const Identifiers = Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: 200 }), {
  description:
    'Any of nhsNumber, niNumber, membershipNumber, policeReference, or all of familyName, givenName, dateOfBirth, postcode',
});
const Purpose = Type.String({ maxLength: 200 });

export const TransferSchema = Type.Object({
  id: Type.String(),
  side: Type.Union([Type.Literal('sender'), Type.Literal('recipient')]),
  sender: Org,
  recipient: Org,
  agreement: Type.Object({ agreementId: Type.String(), reference: Type.String() }),
  purpose: Type.String(),
  recordType: Type.String(),
  fields: Type.Array(Type.String()),
  selection: Type.String(),
  state: Type.String(),
  recordCount: Type.Integer(),
  chunkCount: Type.Integer(),
  chunksHeld: Nullable(
    Type.Integer({
      description:
        "Sender's side, for a transfer to an organisation on a partner node: how many chunks that node holds so far",
    }),
  ),
  bytes: Type.Integer(),
  reason: Nullable(Type.String()),
  recipientAssetId: Nullable(Type.String()),
  createdAt: Type.String(),
  deliveredAt: Nullable(Type.String()),
  expiresAt: Nullable(Type.String()),
  openedAt: Nullable(Type.String()),
  closedAt: Nullable(Type.String()),
  nextStep: Type.String(),
  actions: Type.Array(Type.String()),
});

/** What a transfer from an uploaded file is sent under (the file itself is the body). */
export const UploadTransferQuery = Type.Object(
  {
    recipientOrgId: Id,
    agreementId: Id,
    purpose: Purpose,
    recordType: Type.String({ minLength: 1, maxLength: 60 }),
  },
  { additionalProperties: false },
);

export const TransferListSchema = Type.Object({
  transfers: Type.Array(TransferSchema),
  counts: Type.Record(Type.String(), Type.Integer()),
});

export const NewTransferSchema = Type.Object(
  {
    recipientOrgId: Id,
    agreementId: Id,
    purpose: Purpose,
    recordType: Type.String({ minLength: 1, maxLength: 60 }),
    selection: Type.Union([
      Type.Object(
        { kind: Type.Literal('subject'), identifiers: Identifiers },
        { additionalProperties: false },
      ),
      Type.Object(
        {
          kind: Type.Literal('asset'),
          assetId: Id,
          where: Type.Optional(
            Type.Record(
              Type.String({ maxLength: 100 }),
              Type.Union([Type.String({ maxLength: 500 }), Type.Number(), Type.Boolean()]),
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ]),
  },
  { additionalProperties: false },
);

export const LookupSchema = Type.Object(
  {
    providerOrgId: Id,
    purpose: Purpose,
    identifiers: Identifiers,
    recordType: Type.Optional(Type.String({ maxLength: 60 })),
    fields: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 200 })),
  },
  { additionalProperties: false },
);

export const CheckSchema = Type.Object(
  {
    providerOrgId: Id,
    purpose: Purpose,
    checkKey: Type.String({ maxLength: 100 }),
    identifiers: Identifiers,
  },
  { additionalProperties: false },
);

const AgreementRef = Type.Object({ reference: Type.String(), version: Type.Integer() });
const Note = Type.Optional(
  Type.String({
    description: 'Why nobody matched, when the identifiers given point to different people',
  }),
);

export const LookupAnswerSchema = Type.Object({
  queryId: Type.String(),
  match: Type.Boolean(),
  basis: Nullable(Type.String()),
  fields: Type.Array(Type.String()),
  records: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  agreement: AgreementRef,
  accuracy: Nullable(
    Type.Union([Type.Literal('disputed'), Type.Literal('verified')], {
      description: 'The provider’s accuracy flag on a record the answer rests on',
    }),
  ),
  note: Note,
});

export const CheckAnswerSchema = Type.Object({
  queryId: Type.String(),
  checkKey: Type.String(),
  question: Type.String(),
  answer: Type.Union([Type.Literal('yes'), Type.Literal('no'), Type.Literal('no-match')]),
  agreement: AgreementRef,
  accuracy: Nullable(
    Type.Union([Type.Literal('disputed'), Type.Literal('verified')], {
      description: 'The provider’s accuracy flag on a record the answer rests on',
    }),
  ),
  note: Note,
  signature: Type.String({ description: 'The answer signed by this node: compact JWS, EdDSA' }),
  keyId: Type.String(),
});

export const NotificationSchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  transferId: Nullable(Type.String()),
  message: Type.String(),
  createdAt: Type.String(),
});

/** The same pages as /exchange/notifications: 50 newest first, then those before the last seen. */
export const NotificationsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    before: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);

export const WebhookSchema = Type.Object({
  url: Nullable(Type.String({ maxLength: 2000 })),
});

/** One of the organisation's exchange key pairs (ids and dates only, never key material). */
export const ExchangeKeySchema = Type.Object({
  keyId: Type.String({ description: 'First 16 hex of SHA-256 of the raw public key (JWE kid)' }),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  retiredAt: Nullable(Type.String({ format: 'date-time' })),
  destroyedAt: Nullable(
    Type.String({
      format: 'date-time',
      description: 'When its private half was destroyed: nothing sealed to it opens since',
    }),
  ),
});

export const ExchangeKeyRotationSchema = Type.Object({
  oldKeyId: Nullable(Type.String()),
  newKeyId: Type.String(),
  keys: Type.Array(ExchangeKeySchema),
});
