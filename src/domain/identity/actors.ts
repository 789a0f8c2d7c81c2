// Builds the Actor for a request, once: from a session cookie or an API token, with the roles
// held now and the training status, so every decision in the request is a pure function.
import type { DomainContext } from '../context.ts';
import type { Actor } from '../policy/actor.ts';
import type { RolesService } from '../roles/roles.service.ts';
import type { TrainingService } from '../training/training.service.ts';
import * as repo from './identity.repository.ts';
import type { PersonTable } from './identity.table.ts';
import type { LoadedSession, SignInService } from './signin.service.ts';
import type { TokensService } from './tokens.service.ts';

export interface SessionActor {
  /** Null while a second factor is still owed (see `pending`). */
  actor: Actor | null;
  loaded: LoadedSession;
}

export class ActorResolver {
  constructor(
    private readonly ctx: DomainContext,
    private readonly signIn: SignInService,
    private readonly tokens: TokensService,
    private readonly roles: RolesService,
    private readonly training: TrainingService,
  ) {}

  private async forPerson(
    p: PersonTable,
    extra: Pick<Actor, 'sessionId' | 'tokenId' | 'scopes' | 'mfa'>,
  ): Promise<Actor> {
    const [roles, training] = await Promise.all([
      this.roles.currentRoles(this.ctx.store, p.org_id, p.person_id),
      this.training.status(this.ctx.store, p.org_id, p.person_id),
    ]);
    return {
      kind: 'person',
      orgId: p.org_id,
      personId: p.person_id,
      name: p.name,
      roles: new Set(roles),
      training,
      ref: extra.tokenId ? `token:${extra.tokenId}` : `person:${p.person_id}`,
      ...extra,
    };
  }

  /** A person acting directly (the CLI, tests): their roles and training, with the given second-factor state. */
  async personActor(personId: string, opts: { mfa?: boolean } = {}): Promise<Actor | undefined> {
    const p = await repo.person(this.ctx.store, personId);
    if (!p || p.status !== 'active') return undefined;
    return this.forPerson(p, {
      sessionId: null,
      tokenId: null,
      scopes: null,
      mfa: opts.mfa ?? true,
    });
  }

  async fromSession(cookie: string | undefined): Promise<SessionActor | undefined> {
    const loaded = await this.signIn.load(cookie);
    if (!loaded) return undefined;
    const actor = loaded.pending
      ? null
      : await this.forPerson(loaded.person, {
          sessionId: loaded.session.session_id,
          tokenId: null,
          scopes: null,
          mfa: loaded.session.mfa === 1,
        });
    return { actor, loaded };
  }

  /** The actor for a bearer token; a bad token is recorded as a security event and gives undefined. */
  async fromToken(secret: string, meta: { ip?: string }): Promise<Actor | undefined> {
    const t = await this.tokens.authenticate(secret);
    if (!t) {
      await this.ctx.audit.recordNow(this.ctx.store, {
        orgId: null,
        actor: 'anonymous',
        action: 'api.auth',
        target: null,
        outcome: 'failed',
        details: { why: 'unknown, expired or revoked token', ip: meta.ip ?? null },
      });
      return undefined;
    }
    const scopes = new Set(JSON.parse(t.scopes) as string[]);
    if (t.person_id) {
      const p = await repo.person(this.ctx.store, t.person_id);
      if (!p || p.status !== 'active') return undefined;
      return this.forPerson(p, { sessionId: null, tokenId: t.token_id, scopes, mfa: false });
    }
    return {
      kind: 'system',
      orgId: t.org_id,
      personId: null,
      tokenId: t.token_id,
      sessionId: null,
      name: t.name,
      roles: new Set(),
      scopes,
      mfa: false,
      training: { current: true, lapsed: [], missing: [] },
      ref: `token:${t.token_id}`,
    };
  }
}
