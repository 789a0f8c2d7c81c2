// API tokens for people and for partner systems: scoped, expiring, shown once, stored hashed,
// revocable, with their last use recorded. A person's token acts with that person's roles,
// narrowed to its scopes; a partner-system token has only the scopes partner systems may hold.
import { randomUUID } from 'node:crypto';
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { DomainContext } from '../context.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import { SCOPES, SYSTEM_SCOPES } from '../policy/permissions.ts';
import * as repo from './identity.repository.ts';
import type { ApiTokenTable } from './identity.table.ts';
import { newSecretToken, sha256 } from './links.ts';

export const TOKEN_PREFIX = 'accord_';
export const MAX_TOKEN_DAYS = 366;

export interface ApiToken {
  id: string;
  name: string;
  personId: string | null;
  prefix: string;
  scopes: string[];
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  status: 'active' | 'expired' | 'revoked';
}

export interface TokenInput {
  name: string;
  scopes: string[];
  expiresInDays: number;
  /** A partner-system token for the organisation rather than one for yourself. */
  system?: boolean;
}

export function toToken(t: ApiTokenTable, now: string): ApiToken {
  return {
    id: t.token_id,
    name: t.name,
    personId: t.person_id,
    prefix: t.prefix,
    scopes: JSON.parse(t.scopes) as string[],
    createdBy: t.created_by,
    createdAt: t.created_at,
    expiresAt: t.expires_at,
    revokedAt: t.revoked_at,
    lastUsedAt: t.last_used_at,
    status: t.revoked_at ? 'revoked' : t.expires_at <= now ? 'expired' : 'active',
  };
}

export class TokensService {
  constructor(private readonly ctx: DomainContext) {}

  /** Creates a token and returns it once, with its secret; only the hash is kept. */
  async create(actor: Actor, input: TokenInput): Promise<{ token: ApiToken; secret: string }> {
    return withAccess(this.ctx, actor, async (gate) => {
      const system = input.system === true;
      gate.require(system ? 'tokens.manage-org' : 'tokens.manage', {
        orgId: actor.orgId,
        ownerPersonId: system ? null : actor.personId,
        ref: 'tokens',
      });
      const allowed = system ? SYSTEM_SCOPES : SCOPES;
      const problems: Problem[] = [];
      if (!input.name?.trim())
        problems.push({ field: 'name', message: 'Give the token a name that says what uses it' });
      const scopes = [...new Set(input.scopes ?? [])];
      if (scopes.length === 0)
        problems.push({ field: 'scopes', message: 'Choose at least one scope' });
      for (const s of scopes)
        if (!allowed.includes(s))
          problems.push({
            field: 'scopes',
            message: `${s} is not a scope ${system ? 'partner systems may hold' : 'that exists'}`,
          });
      if (
        !Number.isInteger(input.expiresInDays) ||
        input.expiresInDays < 1 ||
        input.expiresInDays > MAX_TOKEN_DAYS
      )
        problems.push({
          field: 'expiresInDays',
          message: `A token must expire in 1 to ${MAX_TOKEN_DAYS} days`,
        });
      if (!system && actor.kind !== 'person')
        problems.push({ field: 'system', message: 'Only a person can hold a personal token' });
      assertNoProblems(problems);
      const now = this.ctx.clock();
      const { token: secret, hash } = newSecretToken(TOKEN_PREFIX);
      const row: ApiTokenTable = {
        token_id: randomUUID(),
        org_id: actor.orgId,
        person_id: system ? null : actor.personId,
        name: input.name.trim(),
        token_hash: hash,
        prefix: secret.slice(0, TOKEN_PREFIX.length + 6),
        scopes: JSON.stringify(scopes.sort()),
        created_by: actor.ref,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + input.expiresInDays * 86_400_000).toISOString(),
        revoked_at: null,
        revoked_by: null,
        last_used_at: null,
      };
      await repo.insertToken(gate.tx, row);
      gate.record('tokens.created', `token:${row.token_id}`, {
        name: row.name,
        system,
        scopes,
        expiresAt: row.expires_at,
      });
      return { token: toToken(row, now.toISOString()), secret };
    });
  }

  /** Your own tokens, and — for administrators — the organisation's partner-system tokens. */
  async list(actor: Actor): Promise<ApiToken[]> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('tokens.manage', {
        orgId: actor.orgId,
        ownerPersonId: actor.personId,
        ref: 'tokens',
      });
      const now = this.ctx.clock().toISOString();
      const mine = actor.personId
        ? await repo.tokens(gate.tx, actor.orgId, { personId: actor.personId })
        : [];
      const system = actor.roles.has('administrator')
        ? await repo.tokens(gate.tx, actor.orgId, { personId: null })
        : [];
      return [...mine, ...system].map((t) => toToken(t, now));
    });
  }

  async revoke(actor: Actor, tokenId: string): Promise<ApiToken> {
    return withAccess(this.ctx, actor, async (gate) => {
      const t = await repo.token(gate.tx, tokenId);
      if (t && t.person_id === null)
        gate.require('tokens.manage-org', { orgId: t.org_id, ref: `token:${tokenId}` });
      else
        gate.require('tokens.manage', {
          orgId: t?.org_id ?? '',
          ownerPersonId: t?.person_id,
          ref: `token:${tokenId}`,
        });
      // Managing your own tokens does not let you revoke a colleague's.
      if (
        t!.person_id !== null &&
        t!.person_id !== actor.personId &&
        !actor.roles.has('administrator')
      )
        throw new AccordError('NOT_FOUND');
      if (t!.revoked_at) throw new AccordError('CONFLICT', 'That token has already been revoked.');
      const now = this.ctx.clock().toISOString();
      await repo.updateToken(gate.tx, tokenId, { revoked_at: now, revoked_by: actor.ref });
      gate.record('tokens.revoked', `token:${tokenId}`, { name: t!.name });
      return toToken({ ...t!, revoked_at: now, revoked_by: actor.ref }, now);
    });
  }

  /** The token behind a bearer value, if it is usable; records when it was last used. */
  async authenticate(secret: string): Promise<ApiTokenTable | undefined> {
    if (!secret.startsWith(TOKEN_PREFIX)) return undefined;
    const t = await repo.tokenByHash(this.ctx.store, sha256(secret));
    const now = this.ctx.clock();
    if (!t || t.revoked_at || t.expires_at <= now.toISOString()) return undefined;
    // Recorded at most once a minute: a busy partner system must not turn every read into a write.
    if (!t.last_used_at || now.getTime() - Date.parse(t.last_used_at) > 60_000) {
      await repo.updateToken(this.ctx.store, t.token_id, { last_used_at: now.toISOString() });
    }
    return t;
  }
}
