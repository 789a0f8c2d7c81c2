// The one choke point. Every service method that reads or writes protected data runs inside
// withAccess(): it decides through decide(), records the decision in the audit log in the same
// transaction as the work, and on refusal rolls the work back, records the refusal in a
// transaction of its own, and throws the matching coded error.
import { AccordError } from '../../errors.ts';
import type { ErrorCode } from '../../errors.ts';
import type { Db, Store, Tx } from '../../store/store.ts';
import type { AuditLog } from '../audit/audit.service.ts';
import type { AuditEvent } from '../audit/audit.types.ts';
import type { Actor } from './actor.ts';
import type { Decision, Resource } from './decide.ts';
import { decide } from './decide.ts';
import type { Action } from './permissions.ts';

const CODES: Record<Exclude<Decision['outcome'], 'allow'>, ErrorCode> = {
  forbidden: 'FORBIDDEN',
  'not-found': 'NOT_FOUND',
  'second-factor': 'SECOND_FACTOR_REQUIRED',
  training: 'TRAINING_LAPSED',
};

export class AccessDenied extends Error {
  constructor(
    readonly decision: Decision,
    readonly entry: AuditEvent,
  ) {
    super(decision.reason);
  }
  toError(): AccordError {
    const code = CODES[this.decision.outcome as keyof typeof CODES];
    // Something in another organisation does not exist for the actor: say nothing more.
    if (code === 'NOT_FOUND') return new AccordError('NOT_FOUND');
    return new AccordError(code, this.decision.reason.replace(/^denied: /, 'You cannot do that: '));
  }
}

/**
 * A refusal worth keeping in the audit log (a toxic grant, a replayed code): the work is rolled
 * back, the entry is written on its own, and the error reaches the caller.
 */
export class AuditedRefusal extends Error {
  constructor(
    readonly error: AccordError,
    readonly entry: AuditEvent,
    /** The same refusal in other organisations' logs (the other party to a share). */
    readonly also: readonly AuditEvent[] = [],
  ) {
    super(error.message);
  }
}

export interface AccessOptions {
  purpose?: string | null;
  details?: Record<string, unknown>;
}

export class Gate {
  constructor(
    readonly tx: Tx,
    private readonly audit: AuditLog,
    readonly actor: Actor,
  ) {}

  /** Decides; records an allowed decision with the work, or throws AccessDenied. */
  require(action: Action, resource: Resource, opts: AccessOptions = {}): Decision {
    const d = decide(this.actor, action, resource);
    const entry = this.entry(d, resource, opts);
    if (!d.allow) throw new AccessDenied(d, entry);
    this.audit.record(this.tx, entry);
    return d;
  }

  /** Decides and records the decision either way, without refusing (to tell someone where they stand). */
  check(action: Action, resource: Resource, opts: AccessOptions = {}): Decision {
    const d = decide(this.actor, action, resource);
    this.audit.record(this.tx, this.entry(d, resource, opts));
    return d;
  }

  private entry(d: Decision, resource: Resource, opts: AccessOptions): AuditEvent {
    return {
      orgId: this.actor.orgId,
      actor: this.actor.ref,
      action: d.action,
      target: resource.ref ?? null,
      purpose: opts.purpose ?? null,
      outcome: d.allow ? 'allow' : 'deny',
      details: { rule: d.rule, reason: d.reason, ...opts.details },
    };
  }

  /**
   * Rolls the work back, records the refusal on its own, and fails with `error`. A refusal that
   * concerns another organisation too (the provider of a refused query, the sender of a transfer
   * refused on opening) is recorded in its log as well, with `side` saying whose it is.
   */
  refuse(
    error: AccordError,
    action: string,
    target: string | null,
    details: Record<string, unknown> = {},
    purpose: string | null = null,
    alsoIn: ReadonlyArray<{ orgId: string; side: string }> = [],
  ): never {
    const entry: AuditEvent = {
      orgId: this.actor.orgId,
      actor: this.actor.ref,
      action,
      target,
      purpose,
      outcome: 'refused',
      details: { code: error.code, reason: error.message, ...details },
    };
    throw new AuditedRefusal(
      error,
      entry,
      alsoIn
        .filter((o) => o.orgId !== this.actor.orgId)
        .map((o) => ({ ...entry, orgId: o.orgId, details: { ...entry.details, side: o.side } })),
    );
  }

  /** Records what was done (the change itself), in the same transaction. */
  record(
    action: string,
    target: string | null,
    details: Record<string, unknown> = {},
    outcome = 'ok',
    purpose: string | null = null,
  ): void {
    this.audit.record(this.tx, {
      orgId: this.actor.orgId,
      actor: this.actor.ref,
      action,
      target,
      purpose,
      outcome,
      details,
    });
  }
}

export interface AccessContext {
  store: Store;
  audit: AuditLog;
}

/**
 * Runs `fn` in a transaction with a Gate for `actor` (or in the caller's transaction, when `db`
 * is one: the outermost call then records any refusal).
 */
export async function withAccess<T>(
  ctx: AccessContext,
  actor: Actor,
  fn: (gate: Gate) => Promise<T>,
  db: Db = ctx.store,
): Promise<T> {
  if (db.isTransaction) return fn(new Gate(db, ctx.audit, actor));
  try {
    return await db.transaction((tx) => fn(new Gate(tx, ctx.audit, actor)));
  } catch (e) {
    throw await settleRefusal(ctx, e);
  }
}

/**
 * For a refusal (the work it refused already rolled back), writes its audit entry in a
 * transaction of its own and returns the error to report; anything else is returned unchanged.
 */
export async function settleRefusal(ctx: AccessContext, e: unknown): Promise<unknown> {
  if (e instanceof AccessDenied) {
    await ctx.audit.recordNow(ctx.store, e.entry);
    return e.toError();
  }
  if (e instanceof AuditedRefusal) {
    await ctx.store.transaction(async (tx) => {
      for (const entry of [e.entry, ...e.also]) ctx.audit.record(tx, entry);
    });
    return e.error;
  }
  return e;
}
