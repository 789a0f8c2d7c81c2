// Response and input schemas for the governance registers (DPIAs, risks, vendors, incidents).
// Response schemas also drive serialisation, so each lists every field the domain type has. The
// reports' schemas (dashboard, ROPA, charter) are in governance-reports.schemas.ts.
import { Type } from '@sinclair/typebox';
import type { TSchema } from '@sinclair/typebox';
import type { Dpia } from '../../domain/governance/dpia.view.ts';
import type { Incident } from '../../domain/governance/incident.view.ts';
import type { Risk } from '../../domain/governance/risk.view.ts';
import type { Vendor } from '../../domain/governance/vendor.view.ts';

export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const S = Type.String();
const NS = Nullable(Type.String());
const NB = Nullable(Type.Boolean());
const NI = Nullable(Type.Integer());
const Strings = Type.Array(Type.String());

export const DayOrNull = Type.Optional(Nullable(Type.String({ maxLength: 10 })));
export const LongText = (max = 20_000) => Type.String({ maxLength: max });
export const ShortList = Type.Array(Type.String({ maxLength: 300 }), { maxItems: 50 });

export const LinkInput = Type.Object(
  { kind: Type.String({ maxLength: 40 }), id: Type.String({ maxLength: 100 }) },
  { additionalProperties: false },
);
export const LinkSchema = Type.Object({
  kind: S,
  kindLabel: S,
  id: S,
  title: S,
  href: NS,
});

const Level = Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high')]);
export const DpiaRiskSchema = Type.Object({
  description: S,
  likelihood: Type.Integer(),
  severity: Type.Integer(),
  overall: Level,
  measures: S,
  residual: Level,
});

const DpiaSchemaShape = Type.Object({
  id: S,
  ref: S,
  title: S,
  description: S,
  status: S,
  statusLabel: S,
  authorId: NS,
  authorName: NS,
  createdAt: S,
  updatedAt: S,
  screening: Nullable(
    Type.Object({
      answers: Type.Record(Type.String(), Type.Boolean()),
      notes: S,
      fullAnyway: Type.Boolean(),
    }),
  ),
  screenedAt: NS,
  screenedByName: NS,
  highRisk: NB,
  indicatorsMet: Strings,
  necessity: NS,
  proportionality: NS,
  consultation: NS,
  risks: Type.Array(DpiaRiskSchema),
  residualRisk: Nullable(Level),
  priorConsultation: Type.Boolean(),
  icoConsultation: Nullable(Type.Object({ on: S, reference: S, outcome: S })),
  advice: Nullable(
    Type.Object({ text: S, recommendation: S, recommendationLabel: S, byName: NS, at: S }),
  ),
  signOff: Nullable(
    Type.Object({
      decision: S,
      byName: NS,
      at: S,
      note: S,
      adviceFollowed: NB,
      overruleReason: NS,
    }),
  ),
  reviewOn: NS,
  lastReviewedOn: NS,
  pastReview: Type.Boolean(),
  publicSummary: NS,
  publishSummary: Type.Boolean(),
});

const ScoreSchema = Type.Object({
  likelihood: Type.Integer(),
  impact: Type.Integer(),
  score: Type.Integer(),
  rating: S,
});
const RiskSchemaShape = Type.Object({
  id: S,
  ref: S,
  title: S,
  description: S,
  category: S,
  categoryLabel: S,
  ownerId: S,
  ownerName: S,
  inherent: ScoreSchema,
  residual: Nullable(ScoreSchema),
  current: ScoreSchema,
  treatment: NS,
  treatmentNotes: S,
  reviewOn: S,
  lastReviewedOn: NS,
  reviewOverdue: Type.Boolean(),
  status: S,
  closedReason: NS,
  actions: Type.Array(
    Type.Object({
      id: S,
      description: S,
      ownerId: NS,
      ownerName: NS,
      dueOn: S,
      doneOn: NS,
      overdue: Type.Boolean(),
    }),
  ),
  links: Type.Array(LinkSchema),
  appetite: NI,
  aboveAppetite: Type.Boolean(),
  untreated: Type.Boolean(),
  createdAt: S,
  updatedAt: S,
});

export const CertificationSchema = Type.Object(
  {
    scheme: Type.String({ maxLength: 100 }),
    reference: Type.String({ maxLength: 100 }),
    expiresOn: Type.String({ maxLength: 10 }),
  },
  { additionalProperties: false },
);
export const SubProcessorSchema = Type.Object(
  {
    name: Type.String({ maxLength: 200 }),
    service: Type.String({ maxLength: 300 }),
    location: Type.String({ maxLength: 100 }),
  },
  { additionalProperties: false },
);
const VendorSchemaShape = Type.Object({
  id: S,
  ref: S,
  name: S,
  services: S,
  isProcessor: Type.Boolean(),
  contractRef: NS,
  contractStart: NS,
  contractEnd: NS,
  art28Terms: Type.Boolean(),
  certifications: Type.Array(CertificationSchema),
  dataLocations: Strings,
  internationalTransfers: Type.Boolean(),
  transferMechanism: NS,
  transferMechanismLabel: NS,
  subProcessors: Type.Array(SubProcessorSchema),
  breachHistory: S,
  exitPlan: S,
  recoveryPlanTestedOn: NS,
  purposes: S,
  dataCategories: Strings,
  subjectCategories: Strings,
  retention: S,
  securityMeasures: S,
  nextReviewOn: S,
  lastReviewedOn: NS,
  status: S,
  onCharter: Type.Boolean(),
  flags: Type.Array(Type.Object({ kind: S, message: S, lapsed: Type.Boolean() })),
  lapsed: Type.Boolean(),
  createdAt: S,
  updatedAt: S,
});

export const ClockSchema = Type.Object({
  awareAt: S,
  deadline: S,
  deadlineLondon: S,
  awareLondon: S,
  status: S,
  running: Type.Boolean(),
  remainingMs: Nullable(Type.Number()),
  label: S,
});
const IncidentSchemaShape = Type.Object({
  id: S,
  ref: S,
  summary: S,
  description: S,
  howDiscovered: S,
  reportedByName: NS,
  reporterId: NS,
  reportedAt: S,
  awareAt: S,
  occurredAt: NS,
  status: S,
  personalData: NB,
  breachTypes: Strings,
  cyber: NB,
  dataCategories: Strings,
  specialCategories: Type.Boolean(),
  subjectCategories: Strings,
  subjectsAffected: NI,
  recordsAffected: NI,
  likelihood: NS,
  severity: NS,
  riskToPeople: NS,
  riskAdvice: NS,
  consequences: S,
  triagedByName: NS,
  triagedAt: NS,
  notifyIco: NB,
  notifyReasoning: NS,
  tellSubjects: NB,
  tellSubjectsReasoning: NS,
  decidedByName: NS,
  decidedAt: NS,
  icoNotifiedAt: NS,
  icoReference: NS,
  lateReason: NS,
  subjectsToldAt: NS,
  subjectsToldHow: NS,
  containment: S,
  recovery: S,
  lessons: S,
  staffTrained: S,
  otherBodiesTold: S,
  closedByName: NS,
  closedAt: NS,
  links: Type.Array(LinkSchema),
  clock: ClockSchema,
});

export const IcoReportSchema = Type.Object({
  incidentId: S,
  ref: S,
  generatedAt: S,
  sections: Type.Array(
    Type.Object({
      title: S,
      fields: Type.Array(Type.Object({ question: S, answer: S })),
    }),
  ),
});

/** Typed as the domain's Dpia (the full shape is still what serialises the response). */
export const DpiaSchema = Type.Unsafe<Dpia>(DpiaSchemaShape);

/** Typed as the domain's Risk (the full shape is still what serialises the response). */
export const RiskSchema = Type.Unsafe<Risk>(RiskSchemaShape);

/** Typed as the domain's Vendor (the full shape is still what serialises the response). */
export const VendorSchema = Type.Unsafe<Vendor>(VendorSchemaShape);

/** Typed as the domain's Incident (the full shape is still what serialises the response). */
export const IncidentSchema = Type.Unsafe<Incident>(IncidentSchemaShape);
