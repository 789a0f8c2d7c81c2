// Passwords: argon2id (OWASP's recommended parameters), with a length rule rather than
// composition rules, and a check against the most common choices.
import argon2 from 'argon2';
import type { Problem } from '../../errors.ts';

const PARAMS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
export const PASSWORD_MIN = 12;
const COMMON = new Set([
  'password1234',
  'passwordpassword',
  '123456789012',
  'qwertyuiopas',
  'letmein12345',
  'welcome12345',
  'administrator',
  'changeme1234',
  'iloveyou1234',
  'accordaccord',
]);

export function passwordProblems(password: string, email = ''): Problem[] {
  const problems: Problem[] = [];
  if (typeof password !== 'string' || password.length < PASSWORD_MIN)
    problems.push({
      field: 'password',
      message: `Your password must be at least ${PASSWORD_MIN} characters long`,
    });
  else if (password.length > 256)
    problems.push({ field: 'password', message: 'Your password must be 256 characters or fewer' });
  else if (
    COMMON.has(password.toLowerCase()) ||
    (email && password.toLowerCase().includes(email.split('@')[0]!.toLowerCase()))
  ) {
    problems.push({
      field: 'password',
      message:
        'Choose a password that is harder to guess: it must not be a common password or contain your email address',
    });
  }
  return problems;
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, PARAMS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

// Verifying against this when the account does not exist keeps the time the same either way,
// so timing does not reveal which email addresses have accounts.
let dummy: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummy ??= hashPassword('not-a-real-password-ever');
  await verifyPassword(await dummy, password);
}
