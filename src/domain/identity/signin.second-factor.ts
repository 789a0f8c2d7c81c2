// The second factor: checking a TOTP code, and enrolling an authenticator app. Each success
// replaces the session, so a token seen before the code is worthless after it.
import { AccordError } from '../../errors.ts';
import * as repo from './identity.repository.ts';
import { SignInCore } from './signin.base.ts';
import type { ClientMeta } from './signin.base.ts';
import { matchingStep, newTotpSecret, qrSvg, totpUri } from './totp.ts';

export class SecondFactorSteps extends SignInCore {
  /** Checks a TOTP code for a session waiting for one; returns a new session token (the old one ends). */
  async verifyCode(token: string, code: string, meta: ClientMeta = {}): Promise<string> {
    const result = await this.ctx.store.transaction(async (tx): Promise<string | AccordError> => {
      const s = await this.usableSession(tx, token);
      const p = (await repo.person(tx, s.person_id))!;
      if (this.isLocked(p)) {
        this.record(tx, p, 'signin.code', 'refused', { why: 'account locked' });
        return new AccordError('ACCOUNT_LOCKED');
      }
      if (!p.totp_secret)
        return new AccordError('CODE_INVALID', 'Set up your authenticator app first.');
      const step = matchingStep(this.ctx.box.open(p.totp_secret), code ?? '', this.ctx.clock());
      if (step === null || (p.totp_last_step !== null && step <= p.totp_last_step)) {
        await this.failure(
          tx,
          p,
          'signin.code',
          step === null ? 'wrong or stale code' : 'code already used',
        );
        return new AccordError(
          'CODE_INVALID',
          step === null ? undefined : 'That code has already been used. Wait for the next one.',
        );
      }
      await repo.updatePerson(tx, p.person_id, { totp_last_step: step, failed_logins: 0 });
      const fresh = await this.rotate(tx, s, p, meta);
      this.record(tx, p, 'signin.code', 'ok');
      return fresh;
    });
    if (result instanceof AccordError) throw result;
    return result;
  }

  /** Starts enrolling a second factor: a new secret, kept sealed on the session until confirmed. */
  async beginEnrolment(token: string): Promise<{ secret: string; uri: string; qr: string }> {
    return this.ctx.store.transaction(async (tx) => {
      const s = await this.usableSession(tx, token);
      const p = (await repo.person(tx, s.person_id))!;
      const secret = s.pending_totp_secret
        ? this.ctx.box.open(s.pending_totp_secret)
        : newTotpSecret();
      if (!s.pending_totp_secret)
        await repo.updateSession(tx, s.session_id, {
          pending_totp_secret: this.ctx.box.seal(secret),
        });
      const uri = totpUri(secret, p.email);
      return { secret, uri, qr: await qrSvg(uri) };
    });
  }

  /** Confirms enrolment with a code from the new secret; returns a new session token. */
  async confirmEnrolment(token: string, code: string, meta: ClientMeta = {}): Promise<string> {
    const result = await this.ctx.store.transaction(async (tx): Promise<string | AccordError> => {
      const s = await this.usableSession(tx, token);
      const p = (await repo.person(tx, s.person_id))!;
      if (!s.pending_totp_secret)
        return new AccordError('CODE_INVALID', 'Start setting up your authenticator app again.');
      const step = matchingStep(
        this.ctx.box.open(s.pending_totp_secret),
        code ?? '',
        this.ctx.clock(),
      );
      if (step === null) {
        await this.failure(tx, p, 'signin.enrol', 'wrong code while enrolling');
        return new AccordError('CODE_INVALID');
      }
      await repo.updatePerson(tx, p.person_id, {
        totp_secret: s.pending_totp_secret,
        totp_enrolled_at: this.ctx.clock().toISOString(),
        totp_last_step: step,
        failed_logins: 0,
      });
      const fresh = await this.rotate(tx, s, p, meta);
      this.record(tx, p, 'signin.enrolled', 'ok');
      return fresh;
    });
    if (result instanceof AccordError) throw result;
    return result;
  }
}
