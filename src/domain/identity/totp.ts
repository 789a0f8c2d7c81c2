// Time-based one-time passwords (RFC 6238: SHA-1, 6 digits, 30-second steps) through otpauth.
// A code is accepted one step either side of now, and never twice: the step it matched must be
// later than the last one accepted for the person.
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';

export const TOTP_PERIOD = 30;

function totp(secret: string, label = 'Accord'): TOTP {
  return new TOTP({
    issuer: 'Accord',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD,
    secret: Secret.fromBase32(secret),
  });
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function totpUri(secret: string, email: string): string {
  return totp(secret, email).toString();
}

/** The time step a code matches (±1 step), or null. */
export function matchingStep(secret: string, code: string, now: Date): number | null {
  const clean = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(clean)) return null;
  const delta = totp(secret).validate({ token: clean, timestamp: now.getTime(), window: 1 });
  return delta === null ? null : Math.floor(now.getTime() / 1000 / TOTP_PERIOD) + delta;
}

/** The current code (for `accord demo-code` on demo accounts only). */
export function currentCode(secret: string, now: Date): string {
  return totp(secret).generate({ timestamp: now.getTime() });
}

/** An SVG QR code of the otpauth:// URI, for enrolment (inline markup, so CSP is not involved). */
export function qrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
}
