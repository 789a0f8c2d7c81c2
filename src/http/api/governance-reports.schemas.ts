// Response schemas for the governance reports built from the registers: the compliance dashboard
// and its trends, the records of processing (ROPA) and the information charter.
import { Type } from '@sinclair/typebox';
import { Nullable } from './governance.schemas.ts';

const S = Type.String();
const NS = Nullable(Type.String());
const Strings = Type.Array(Type.String());

const Checklist = Type.Array(Type.Object({ framework: S, item: S }));
export const DashboardSchema = Type.Object({
  computedAt: S,
  indicators: Type.Array(
    Type.Object({
      id: S,
      title: S,
      unit: S,
      better: S,
      checklist: Checklist,
      href: S,
      value: Nullable(Type.Number()),
      display: S,
      status: S,
      summary: S,
      records: Type.Array(Type.Object({ text: S, href: S })),
    }),
  ),
});
export const TrendsSchema = Type.Object({
  from: S,
  to: S,
  trends: Type.Array(
    Type.Object({
      id: S,
      title: S,
      unit: S,
      better: S,
      points: Type.Array(Type.Object({ day: S, value: Nullable(Type.Number()), status: S })),
    }),
  ),
});

export const RopaEntrySchema = Type.Object({
  id: S,
  name: S,
  href: NS,
  role: S,
  purposes: Strings,
  lawfulBasis: Strings,
  dataSubjects: Strings,
  dataCategories: Strings,
  recipients: Strings,
  transfers: Strings,
  retention: S,
  security: S,
});
export const RopaSchema = Type.Object({
  controller: Type.Object({
    name: S,
    dpo: Strings,
    email: S,
    phone: S,
    address: S,
    icoRegistration: S,
  }),
  generatedAt: S,
  sections: Type.Array(Type.Object({ source: S, label: S, entries: Type.Array(RopaEntrySchema) })),
});

export const CharterSettingsSchema = Type.Object({
  icoRegistration: S,
  publicEmail: S,
  publicPhone: S,
  publicAddress: S,
  charterIntro: S,
  requestInstructions: S,
  updatedAt: NS,
});
export const CharterSchema = Type.Object({
  organisation: S,
  intro: S,
  holds: Strings,
  subjects: Strings,
  purposes: Type.Array(Type.Object({ activity: S, purposes: Strings, lawfulBasis: Strings })),
  sharesWith: Type.Array(Type.Object({ name: S, why: S })),
  transfers: Strings,
  keeps: Type.Array(Type.Object({ what: S, howLong: S })),
  assessments: Type.Array(Type.Object({ ref: S, title: S, summary: S, signedAt: S })),
  sections: Type.Array(Type.Object({ title: S, items: Strings })),
  contact: Type.Object({ email: S, phone: S, address: S, instructions: S }),
  icoRegistration: S,
  generatedAt: S,
});
