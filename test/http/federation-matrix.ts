// Authorisation matrix entries for the federation API (spread into MATRIX in matrix-routes.ts).
// From the issue and the brief: only an administrator manages the node's trust list. The matrix
// app runs with federation off, so an allowed caller reaches the route and is told so (404
// FEDERATION_OFF); test/federation covers the routes' work with federation on.
import type { Role } from '../../src/domain/policy/roles.ts';
import type { Caller, MatrixEntry } from './matrix-routes.ts';

const only = (...roles: Role[]): Caller[] => roles;
const ADMIN = only('administrator');

export const FEDERATION_MATRIX: Record<string, MatrixEntry> = {
  'GET /api/federation/card': {
    permission: 'federation.manage',
    allowed: ADMIN,
    build: async () => ({ url: '/api/federation/card', ok: 404 }),
  },
  'GET /api/federation/nodes': {
    permission: 'federation.manage',
    allowed: ADMIN,
    build: async () => ({ url: '/api/federation/nodes', ok: 404 }),
  },
  'POST /api/federation/nodes': {
    permission: 'federation.manage',
    allowed: ADMIN,
    build: async () => ({
      url: '/api/federation/nodes',
      payload: { url: 'https://partner.example', fingerprint: 'AB12'.repeat(16) },
      ok: 404,
    }),
  },
  'DELETE /api/federation/nodes/:nodeId': {
    permission: 'federation.manage',
    allowed: ADMIN,
    build: async () => ({ url: '/api/federation/nodes/0123456789abcdef', ok: 404 }),
  },
};
