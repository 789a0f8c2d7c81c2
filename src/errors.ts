// The one error catalogue. Every error Accord reports carries one of these stable codes; the API
// maps it to `{ "error": { "code", "message" } }` with the status below, pages to a GOV.UK error
// summary or error page, and the CLI to the exit code below. docs/errors.md lists them for users.

export const ERRORS = {
  // Input
  VALIDATION_FAILED: { status: 400, exit: 2, message: 'The request is not valid.' },
  BAD_JSON: { status: 400, exit: 2, message: 'The request body is not valid JSON.' },
  BODY_TOO_LARGE: { status: 413, exit: 2, message: 'The request body is larger than allowed.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, exit: 2, message: 'The content type is not supported.' },
  NOT_FOUND: { status: 404, exit: 3, message: 'There is nothing here.' },
  METHOD_NOT_ALLOWED: { status: 405, exit: 2, message: 'That method is not allowed here.' },
  CONFLICT: { status: 409, exit: 4, message: 'That conflicts with the current state.' },
  RATE_LIMITED: { status: 429, exit: 5, message: 'Too many requests: wait and try again.' },
  // Security
  UNAUTHENTICATED: { status: 401, exit: 6, message: 'Sign in first.' },
  FORBIDDEN: { status: 403, exit: 6, message: 'You are not allowed to do that.' },
  SECOND_FACTOR_REQUIRED: {
    status: 403,
    exit: 6,
    message: 'Sign in with your second factor first.',
  },
  TRAINING_LAPSED: {
    status: 403,
    exit: 6,
    message: 'Your mandatory training is not current, so you cannot reach personal data.',
  },
  INVALID_CREDENTIALS: {
    status: 401,
    exit: 6,
    message: 'Enter a correct email address and password.',
  },
  ACCOUNT_LOCKED: {
    status: 423,
    exit: 6,
    message: 'This account is locked after too many failed attempts. Try again later.',
  },
  CODE_INVALID: {
    status: 401,
    exit: 6,
    message: 'Enter the current 6-digit code from your authenticator app.',
  },
  SESSION_EXPIRED: { status: 401, exit: 6, message: 'Your session has ended. Sign in again.' },
  LINK_INVALID: {
    status: 410,
    exit: 6,
    message: 'This link has expired or has already been used. Ask an administrator for a new one.',
  },
  SSO_FAILED: {
    status: 401,
    exit: 6,
    message: 'Single sign-on did not complete. Try again or sign in with your password.',
  },
  SOD_CONFLICT: {
    status: 409,
    exit: 4,
    message: 'That combination is forbidden by a segregation-of-duties rule.',
  },
  CSRF_INVALID: {
    status: 403,
    exit: 6,
    message:
      'The form has expired or was not sent from Accord. Go back, reload the page and try again.',
  },
  // Configuration and start-up
  CONFIG_INVALID: { status: 500, exit: 78, message: 'The configuration is not valid.' },
  CONFIG_INSECURE: {
    status: 500,
    exit: 78,
    message: 'The configuration is not safe for production.',
  },
  DATABASE_UNAVAILABLE: { status: 503, exit: 69, message: 'The database cannot be reached.' },
  MIGRATION_FAILED: { status: 500, exit: 70, message: 'A database migration failed.' },
  // Audit
  AUDIT_TAMPERED: { status: 500, exit: 10, message: 'The audit log has been altered.' },
  AUDIT_NO_SUCH_ENTRY: {
    status: 404,
    exit: 3,
    message: 'There is no audit entry with that number.',
  },
  AUDIT_BAD_RANGE: { status: 400, exit: 2, message: 'Those tree sizes do not make a valid range.' },
  NODE_KEY_INVALID: { status: 500, exit: 78, message: 'The node key file cannot be used.' },
  // Governance
  DPIA_NOT_SIGNED: {
    status: 409,
    exit: 4,
    message: 'The processing screened as high risk, so it needs a DPIA signed off by the SIRO.',
  },
  PRIOR_CONSULTATION_REQUIRED: {
    status: 409,
    exit: 4,
    message: 'The DPIA leaves a high risk: consult the ICO before the processing starts.',
  },
  // Application portfolio and service management
  WEBHOOK_SIGNATURE_INVALID: {
    status: 401,
    exit: 6,
    message: 'The webhook is not signed with the secret set for this application.',
  },
  SCAN_UNREADABLE: {
    status: 400,
    exit: 2,
    message: 'The file is not a SARIF 2.1.0, CycloneDX or OSV scan Accord can read.',
  },
  SCAN_UNKNOWN_RULE: {
    status: 400,
    exit: 2,
    message: 'A SARIF result names a rule its tool does not define.',
  },
  HEALTH_URL_REFUSED: {
    status: 400,
    exit: 2,
    message: 'Health checks need an http(s) address on a host an administrator has registered.',
  },
  // Exchange
  TRANSFER_STATE: {
    status: 409,
    exit: 4,
    message: 'The transfer is not in a state that allows that.',
  },
  TRANSFER_TAMPERED: {
    status: 422,
    exit: 4,
    message: 'The transfer failed verification: its signature, manifest or payload does not match.',
  },
  TRANSFER_TOO_LARGE: {
    status: 413,
    exit: 2,
    message: 'The transfer is larger than this node allows.',
  },
  EXCHANGE_KEY_DESTROYED: {
    status: 409,
    exit: 4,
    message:
      'It was sealed to an exchange key that has since been destroyed, so it can no longer be opened.',
  },
  ANSWER_TAMPERED: {
    status: 502,
    exit: 4,
    message: "The partner node's answer does not match its signature.",
  },
  IDENTIFIERS_DISAGREE: {
    status: 409,
    exit: 4,
    message: 'The identifiers given belong to different people: check them.',
  },
  // Agreements across nodes
  AGREEMENT_TYPES_MISMATCH: {
    status: 409,
    exit: 4,
    message:
      'The agreement does not match the record types its providing organisation holds: the catalogue the proposer used is out of date.',
  },
  AGREEMENT_PARTY_UNKNOWN: {
    status: 409,
    exit: 4,
    message:
      'A party to the agreement is on a node this node does not trust, so its decisions could not be checked here.',
  },
  // Corrections sent to partners (UK GDPR Art. 19)
  CORRECTION_STATE: {
    status: 409,
    exit: 4,
    message: 'The correction notice has already been acknowledged or disputed.',
  },
  // Anything unexpected
  FEDERATION_OFF: {
    status: 404,
    exit: 2,
    message: 'Federation is off on this node (ACCORD_FEDERATION).',
  },
  FEDERATION_FINGERPRINT_MISMATCH: {
    status: 422,
    exit: 2,
    message: 'The partner node’s fingerprint is not the one you were given: it was not trusted.',
  },
  FEDERATION_BAD_CARD: {
    status: 422,
    exit: 2,
    message: 'The partner node’s card cannot be read or does not match its connection.',
  },
  FEDERATION_UNREACHABLE: {
    status: 502,
    exit: 69,
    message: 'The partner node cannot be reached; the message stays in the outbox.',
  },
  FEDERATION_UNKNOWN_NODE: {
    status: 403,
    exit: 6,
    message: 'The sending node is not on the trust list, or its trust was revoked.',
  },
  FEDERATION_BAD_ENVELOPE: {
    status: 400,
    exit: 2,
    message: 'The envelope cannot be decrypted or read.',
  },
  FEDERATION_BAD_SIGNATURE: {
    status: 403,
    exit: 6,
    message: 'The envelope’s signature does not verify against the sending node’s key.',
  },
  FEDERATION_WRONG_RECIPIENT: {
    status: 403,
    exit: 6,
    message: 'The envelope was addressed to another node.',
  },
  FEDERATION_CLOCK_SKEW: {
    status: 403,
    exit: 6,
    message: 'The envelope’s time is outside the accepted window: check both nodes’ clocks.',
  },
  FEDERATION_REPLAY: {
    status: 409,
    exit: 4,
    message: 'A different message with this message id was already received.',
  },
  INTERNAL: {
    status: 500,
    exit: 1,
    message: 'Something went wrong on our side. It has been logged.',
  },
} as const satisfies Record<string, { status: number; exit: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** A problem with one field or row, for error summaries and import reports. */
export interface Problem {
  /** Field path (`parties[0].lawfulBasis`) or column name. */
  field?: string;
  /** Line number in an imported file, 1-based. */
  line?: number;
  message: string;
}

export class AccordError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly exitCode: number;
  readonly problems: Problem[];

  constructor(code: ErrorCode, message?: string, problems: Problem[] = []) {
    super(message ?? ERRORS[code].message);
    this.name = 'AccordError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.exitCode = ERRORS[code].exit;
    this.problems = problems;
  }
}

export function isAccordError(e: unknown): e is AccordError {
  return e instanceof AccordError;
}

/** Throws VALIDATION_FAILED listing every problem, or returns when there are none. */
export function assertNoProblems(
  problems: Problem[],
  message = 'There is a problem with what was sent.',
): void {
  if (problems.length > 0) throw new AccordError('VALIDATION_FAILED', message, problems);
}
