// What the exchange, federation and data subjects' rights actions need (issues 6 and 7); part of
// the one table in permissions.ts.
import type { Permission } from './permissions.ts';

export const EXCHANGE_AND_RIGHTS_PERMISSIONS = {
  // Exchange: transfers, look-ups and checks between organisations (issue 6).
  'exchange.read': {
    roles: ['siro', 'dpo', 'iao', 'caldicott', 'handler', 'auditor'],
    scope: 'exchange:read',
    system: true,
    does: 'see the transfer inbox, outbox and notifications',
  },
  'exchange.send': {
    roles: ['iao', 'handler'],
    scope: 'exchange:send',
    system: true,
    personalData: true,
    does: 'prepare, send and recall transfers',
  },
  'exchange.receive': {
    roles: ['iao', 'handler'],
    scope: 'exchange:receive',
    system: true,
    personalData: true,
    does: 'open, acknowledge and reject transfers',
  },
  'exchange.query': {
    roles: ['siro', 'dpo', 'iao', 'caldicott', 'handler'],
    scope: 'exchange:query',
    system: true,
    personalData: true,
    does: 'run look-ups and yes/no checks with partner organisations',
  },
  'exchange.settings': {
    roles: ['administrator'],
    scope: 'exchange:admin',
    does: 'set the organisation’s exchange webhook',
  },
  // Rotating the key partners seal transfers and correction notices to: a security decision
  // (suspected compromise, yearly policy) for the administrator or the DPO; no personal data.
  'exchange.keys': {
    roles: ['administrator', 'dpo'],
    scope: 'exchange:admin',
    does: 'see and rotate the organisation’s exchange keys',
  },
  // Federation between nodes (issue 6, point 4): the node's trust list of partner nodes.
  'federation.manage': {
    roles: ['administrator'],
    scope: 'federation:admin',
    does: 'manage the trust list of partner nodes',
  },
  // Data subjects' rights and retention (issue 7).
  'rights.read': {
    roles: ['dpo', 'siro', 'caldicott', 'auditor'],
    scope: 'rights:read',
    personalData: true,
    does: 'see subject rights requests',
  },
  'rights.manage': {
    roles: ['dpo'],
    scope: 'rights:write',
    personalData: true,
    does: 'handle subject rights requests: bundles, corrections, erasure and restriction',
  },
  'retention.read': {
    roles: ['dpo', 'siro', 'iao', 'auditor'],
    scope: 'retention:read',
    does: 'see what retention will delete and the legal holds',
  },
  'retention.run': {
    roles: ['dpo', 'siro'],
    scope: 'retention:write',
    does: 'run the retention sweep',
  },
  'holds.manage': {
    roles: ['dpo', 'siro'],
    scope: 'retention:write',
    does: 'set and lift legal holds',
  },
} as const satisfies Record<string, Permission>;
