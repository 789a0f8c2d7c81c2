// What the application portfolio and reconciliation actions need (issues 9 and 7, point 6); part
// of the one table in permissions.ts.
import type { Permission } from './permissions.ts';

export const PORTFOLIO_AND_RECONCILE_PERMISSIONS = {
  // Application portfolio and service management (issue 9).
  'portfolio.read': {
    roles: [],
    anyone: true,
    scope: 'portfolio:read',
    system: true,
    does: 'see the application portfolio, delivery metrics, vulnerabilities and roadmap',
  },
  'portfolio.manage': {
    roles: ['administrator'],
    scope: 'portfolio:write',
    does: 'manage applications, availability notices, the roadmap and service levels',
  },
  'portfolio.ingest': {
    roles: ['administrator'],
    scope: 'portfolio:ingest',
    system: true,
    does: 'send delivery events and vulnerability scans',
  },
  'tickets.read': {
    roles: [],
    anyone: true,
    scope: 'tickets:read',
    does: 'see the help-desk queue',
  },
  'tickets.raise': {
    roles: [],
    anyone: true,
    scope: 'tickets:write',
    does: 'raise help-desk tickets and comment on them',
  },
  'tickets.work': {
    roles: ['administrator'],
    scope: 'tickets:write',
    does: 'assign, prioritise, resolve and approve help-desk tickets',
  },
  // Reconciliation of two sources, overrides of variances, accuracy flags (issue 7, point 6).
  'reconcile.read': {
    roles: ['siro', 'dpo', 'iao', 'handler'],
    scope: 'reconcile:read',
    personalData: true,
    does: 'see reconciliation runs and their variances',
  },
  'reconcile.run': {
    roles: ['dpo', 'iao', 'handler'],
    scope: 'reconcile:write',
    personalData: true,
    does: 'reconcile two sources about the same people',
  },
  'reconcile.override': {
    roles: ['dpo', 'iao', 'handler'],
    scope: 'reconcile:write',
    personalData: true,
    does: 'override a variance with a justification and evidence',
  },
  'reconcile.approve': {
    roles: ['dpo', 'siro', 'iao'],
    scope: 'reconcile:approve',
    personalData: true,
    does: 'approve or reject overrides that change eligibility',
  },
  'records.flag': {
    roles: ['dpo', 'iao', 'handler'],
    scope: 'records:write',
    personalData: true,
    does: 'mark records as disputed or verified',
  },
} as const satisfies Record<string, Permission>;
