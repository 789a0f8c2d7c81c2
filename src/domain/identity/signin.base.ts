// The steps every way of signing in shares: the audit entry, the second-factor rule, counting
// failures towards lockout, and opening, rotating and checking sessions.
import { AccordError } from '../../errors.ts';
import type { Executor, Tx } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import { PERSONAL_DATA_ROLES } from '../policy/roles.ts';
import type { RolesService } from '../roles/roles.service.ts';
import * as repo from './identity.repository.ts';
import type { PersonTable, SessionTable } from './identity.table.ts';
import { newSecretToken, sha256 } from './links.ts';

export interface ClientMeta {
  ip?: string | null;
  userAgent?: string | null;
}

/** What the person must do next after a step of signing in. */
export type NextStep = 'code' | 'enrol' | 'done';

export interface SignedIn {
  /** The session cookie value (shown once; only its hash is stored). */
  token: string;
  next: NextStep;
  personId: string;
}

export interface LoadedSession {
  session: SessionTable;
  person: PersonTable;
  /** The second factor still owed before the session counts as signed in. */
  pending: 'code' | 'enrol' | null;
}

export class SignInCore {
  constructor(
    protected readonly ctx: DomainContext,
    protected readonly roles: RolesService,
  ) {}

  protected record(
    tx: Tx,
    p: PersonTable | undefined,
    action: string,
    outcome: string,
    details: Record<string, unknown> = {},
  ): void {
    this.ctx.audit.record(tx, {
      orgId: p?.org_id ?? null,
      actor: p ? `person:${p.person_id}` : 'anonymous',
      action,
      target: p ? `person:${p.person_id}` : null,
      outcome,
      details,
    });
  }

  /** Whether this person must give a second factor: they can reach personal data, or chose to enrol. */
  async needsSecondFactor(ex: Executor, p: PersonTable): Promise<boolean> {
    if (p.totp_enrolled_at) return true;
    const roles = await this.roles.currentRoles(ex, p.org_id, p.person_id);
    return roles.some((r) => PERSONAL_DATA_ROLES.includes(r));
  }

  protected async failure(tx: Tx, p: PersonTable, action: string, why: string): Promise<void> {
    const failed = p.failed_logins + 1;
    const lock = failed >= this.ctx.config.lockoutAttempts;
    const until = lock
      ? new Date(this.ctx.clock().getTime() + this.ctx.config.lockoutMinutes * 60_000).toISOString()
      : null;
    await repo.updatePerson(tx, p.person_id, {
      failed_logins: lock ? 0 : failed,
      locked_until: until ?? p.locked_until,
    });
    this.record(tx, p, action, 'failed', {
      why,
      failedAttempts: failed,
      ...(lock ? { lockedUntil: until } : {}),
    });
  }

  protected isLocked(p: PersonTable): boolean {
    return p.locked_until !== null && p.locked_until > this.ctx.clock().toISOString();
  }

  protected async newSession(
    tx: Tx,
    p: PersonTable,
    mfa: boolean,
    method: string,
    meta: ClientMeta,
  ): Promise<string> {
    const now = this.ctx.clock();
    const { token, hash } = newSecretToken();
    await repo.insertSession(tx, {
      session_id: hash,
      org_id: p.org_id,
      person_id: p.person_id,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: new Date(
        now.getTime() + this.ctx.config.sessionMaxHours * 3_600_000,
      ).toISOString(),
      mfa: mfa ? 1 : 0,
      method,
      pending_totp_secret: null,
      ip: meta.ip ?? null,
      user_agent: meta.userAgent?.slice(0, 200) ?? null,
      revoked_at: null,
      revoke_reason: null,
    });
    return token;
  }

  /** Replaces a session with a second-factor one, so a token seen before the code is worthless after it. */
  protected async rotate(
    tx: Tx,
    s: SessionTable,
    p: PersonTable,
    meta: ClientMeta,
  ): Promise<string> {
    await repo.updateSession(tx, s.session_id, {
      revoked_at: this.ctx.clock().toISOString(),
      revoke_reason: 'second factor given',
      pending_totp_secret: null,
    });
    return this.newSession(tx, p, true, s.method, meta);
  }

  protected async usableSession(tx: Tx, token: string): Promise<SessionTable> {
    const s = token ? await repo.session(tx, sha256(token)) : undefined;
    const now = this.ctx.clock();
    if (
      !s ||
      s.revoked_at ||
      s.expires_at <= now.toISOString() ||
      now.getTime() - Date.parse(s.last_seen_at) > this.ctx.config.sessionIdleMinutes * 60_000
    ) {
      throw new AccordError('SESSION_EXPIRED');
    }
    return s;
  }
}
