// The durable outbox: a message to a partner node is written in the same transaction as the change
// it reports (so it is sent if and only if the change committed), then delivered with retry and
// exponential back-off. Each attempt is signed and sealed afresh with the same message id, so the
// partner applies it once and answers every attempt the same. When the partner answers, the
// kind's handler records the outcome here (a transfer becomes delivered). A kind may keep only a
// reference in the outbox and have its body read when it is sent (a transfer's sealed chunk, so
// the chunks are not stored twice); when that is gone (recalled), the message is dropped. After
// 20 attempts, or at once when the partner refuses it as larger than it accepts, a message is
// given up on (outbox-results.ts), and the kind's give-up handler, if it has one, tells whoever
// made the change (a transfer's sender).
import type { Executor, Tx } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import type { FederationOutboxTable } from './federation.table.ts';
import type { Answer, Link } from './link.ts';
import { newMessageId } from './messages.ts';
import { dropMessages } from './outbox-drop.ts';
import { recordAnswer, recordFailure } from './outbox-results.ts';
import type { ResultDeps } from './outbox-results.ts';
import { inOrder } from './outbox-order.ts';
import { Revival } from './outbox-revival.ts';

/** What to do when a partner answers a message of one kind (in a transaction of its own). */
export type OnAnswer = (tx: Tx, row: FederationOutboxTable, answer: Answer) => Promise<void>;

/** The body to send for a stored one, read at sending time; undefined: no longer to be sent. */
export type Expand = (ex: Executor, stored: unknown) => Promise<unknown>;

/**
 * What to do when the outbox gives up on a message of one kind (in the same transaction).
 * `ranOut`: its retries ran out (the partner away for hours), rather than refused at once.
 */
export type OnGiveUp = (
  tx: Tx,
  row: FederationOutboxTable,
  error: { code: string; message: string },
  ranOut: boolean,
) => Promise<void>;

/** Messages read per pass; a full pass is followed by another. */
const BATCH = 100;

export class Outbox implements ResultDeps {
  readonly onAnswer = new Map<string, OnAnswer>();
  private readonly expanders = new Map<string, Expand>();
  readonly onGiveUp = new Map<string, OnGiveUp>();
  private readonly unordered = new Set<string>();
  readonly revival: Revival;
  private recording: Promise<void> = Promise.resolve();
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    readonly ctx: DomainContext,
    private readonly link: Link,
  ) {
    this.revival = new Revival(ctx, (tx) =>
      tx.afterCommit(() => void this.flush().catch(() => undefined)),
    );
  }

  /**
   * Runs the transactions recording attempts' results one after another in this process: a
   * give-up or a refusal also stops the other messages of its transfer, and two doing so at once
   * would each hold a row the other wants (a deadlock on PostgreSQL).
   */
  record(fn: (tx: Tx) => Promise<void>): Promise<void> {
    const run = this.recording.then(() => this.ctx.store.transaction(fn));
    this.recording = run.catch(() => undefined);
    return run;
  }

  /** Registers what happens when a partner answers a kind of message. */
  answered(kind: string, fn: OnAnswer): void {
    this.onAnswer.set(kind, fn);
  }

  /** Registers how the body of a kind of message is read when it is sent. */
  expands(kind: string, fn: Expand): void {
    this.expanders.set(kind, fn);
  }

  /** Registers what happens when the outbox gives up on a kind of message. */
  gaveUp(kind: string, fn: OnGiveUp): void {
    this.onGiveUp.set(kind, fn);
  }

  /**
   * Marks a kind whose latest message to a node, if given up on, is queued again as soon as that
   * node is heard from (outbox-revival.ts).
   */
  revivesOnContact(kind: string): void {
    this.revival.kinds.add(kind);
  }

  /**
   * Marks a kind whose every message to a node given up on is sent again, in the order queued,
   * as soon as that node is heard from (outbox-revival.ts).
   */
  resendsOnContact(kind: string): void {
    this.revival.every.add(kind);
  }

  /** A partner was heard from: queues again what it missed (see revivesOnContact). */
  contact(nodeId: string): Promise<void> {
    return this.revival.contact(nodeId);
  }

  /**
   * Queues a message in the caller's transaction; sending starts when it commits. With `once`,
   * nothing is queued when the same message (node, kind and body) is already waiting.
   */
  async enqueue(
    tx: Tx,
    nodeId: string,
    kind: string,
    body: unknown,
    opts: { once?: boolean } = {},
  ): Promise<string | undefined> {
    // Changes given up on to this node go first (in place), then this one after them.
    if (this.revival.every.has(kind)) await this.revival.resend(tx, nodeId);
    const id = newMessageId();
    const at = this.ctx.clock().toISOString();
    const text = JSON.stringify(body);
    if (opts.once) {
      const waiting = await tx.db
        .selectFrom('federation_outbox')
        .select('message_id')
        .where('state', '=', 'pending')
        .where('node_id', '=', nodeId)
        .where('kind', '=', kind)
        .where('body', '=', text)
        .executeTakeFirst();
      if (waiting) return undefined;
    }
    await tx.db
      .insertInto('federation_outbox')
      .values({
        message_id: id,
        node_id: nodeId,
        kind,
        body: text,
        state: 'pending',
        attempts: 0,
        next_attempt_at: at,
        last_error: null,
        created_at: at,
        done_at: null,
      })
      .execute();
    tx.afterCommit(() => void this.flush().catch(() => undefined));
    return id;
  }

  /**
   * Marks a kind whose messages may arrive in any order among themselves (a transfer's chunks,
   * queued only once the partner holds the offer): consecutive ones are sent several at a time.
   * Every other message waits for those before it and goes alone, so order still holds around it.
   */
  sendsUnordered(kind: string): void {
    this.unordered.add(kind);
  }

  /** Sends every message that is due; one run at a time per process (a second call waits for it). */
  flush(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        // A node found unreachable in this run is not tried again in it: its other messages
        // (say, the rest of a transfer's chunks) wait for their next attempt instead.
        const down = new Set<string>();
        // Nodes with a message backing off before others due: those wait for it (inOrder).
        const held = new Set<string>();
        let full = false;
        do {
          // Asked again mid-run (a message queued, a partner back): every node gets a fresh try.
          if (this.again) down.clear();
          this.again = false;
          let q = this.ctx.store.db
            .selectFrom('federation_outbox')
            .selectAll()
            .where('state', '=', 'pending')
            .where('next_attempt_at', '<=', this.ctx.clock().toISOString());
          if (down.size || held.size) q = q.where('node_id', 'not in', [...down, ...held]);
          const due = await q.orderBy('created_at').orderBy('message_id').limit(BATCH).execute();
          await this.attemptAll(
            await inOrder(this.ctx.store, this.ctx.clock(), this.unordered, due, held),
            down,
          );
          full = due.length === BATCH;
        } while (this.again || full);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /**
   * Attempts messages in order, those of an unordered kind several at once (each is a round trip:
   * sealed here, verified and stored there, answered; while one waits on the partner the next is
   * being sealed). A node found unreachable is added to `down`, and its later messages are left
   * for their next attempt.
   */
  private async attemptAll(due: FederationOutboxTable[], down: Set<string>): Promise<void> {
    const flying = new Set<Promise<void>>();
    // A failure (the database, not the partner) ends the run once those in flight have ended.
    let failed: { error: unknown } | undefined;
    for (const row of due) {
      const unordered = this.unordered.has(row.kind);
      while (flying.size >= (unordered ? this.ctx.config.federationInFlight : 1))
        await Promise.race(flying);
      if (failed) break;
      if (down.has(row.node_id)) continue;
      const p: Promise<void> = this.attempt(row)
        .then((reached) => void (reached || down.add(row.node_id)))
        .catch((error: unknown) => void (failed ??= { error }))
        .finally(() => flying.delete(p));
      flying.add(p);
      if (!unordered) await p;
    }
    await Promise.all(flying);
    if (failed) throw failed.error;
  }

  /** Resolves when no run is in progress (before the database closes); starts none. */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  /** The messages to one node, or all, newest first (for the administrator). */
  async list(nodeId?: string): Promise<FederationOutboxTable[]> {
    let q = this.ctx.store.db.selectFrom('federation_outbox').selectAll();
    if (nodeId) q = q.where('node_id', '=', nodeId);
    return q.orderBy('created_at', 'desc').limit(500).execute();
  }

  /** One attempt at one message; false when the partner could not be reached. */
  private async attempt(row: FederationOutboxTable): Promise<boolean> {
    const now = this.ctx.clock();
    let answer: Answer;
    try {
      // Stopped since this run read it (with the rest of its transfer): not sent.
      const still = await this.ctx.store.db
        .selectFrom('federation_outbox')
        .select('state')
        .where('message_id', '=', row.message_id)
        .executeTakeFirst();
      if (still?.state !== 'pending') return true;
      const stored = JSON.parse(row.body) as unknown;
      const expand = this.expanders.get(row.kind);
      const body = expand ? await expand(this.ctx.store, stored) : stored;
      if (body === undefined) {
        await dropMessages(this.ctx.store, now, 'No longer to be sent: what it carried is gone.', {
          ids: [row.message_id],
        });
        return true;
      }
      const node = await this.link.partner(this.ctx.store, row.node_id);
      answer = await this.link.send(node, { id: row.message_id, kind: row.kind, body });
    } catch (e) {
      return recordFailure(this, row, e, now);
    }
    await recordAnswer(this, row, answer, now);
    // It answered: if it was away long enough for a message to be given up on, it gets it again.
    await this.contact(row.node_id);
    return true;
  }

  /**
   * Stops the messages of `kind` to a node still waiting whose stored body `pick` chooses (the
   * rest of a transfer's chunks, once one is given up on), in the caller's transaction.
   */
  dropWaiting(
    tx: Tx,
    nodeId: string,
    kind: string,
    pick: (stored: unknown) => boolean,
    why: string,
  ): Promise<void> {
    return dropMessages(tx, this.ctx.clock(), why, { nodeId, kind, pick });
  }
}
