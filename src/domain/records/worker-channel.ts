// The main thread's side of a worker that prepares records while this thread stores them (a big
// import, a big transfer being opened): starts the worker, queues what it sends, and turns every
// way it can go wrong (an error, an exit, a message that cannot be read) into a failure that
// the next wait throws. A lost message would be a lost batch, so none is ignored.
import type { MessagePort, Worker } from 'node:worker_threads';
import { AccordError } from '../../errors.ts';
import type { ErrorCode, Problem } from '../../errors.ts';
import { Waiters } from './waiters.ts';
import { jobEnded, takeWorker } from './worker-spares.ts';
import type { WorkerKind } from './worker-spares.ts';

/** How a worker reports that it gave up, and why. */
export interface Failed {
  kind: 'failed';
  code?: ErrorCode;
  message: string;
  problems?: Problem[];
}

/** The worker's side: an error as a message (an AccordError keeps its code and problems). */
export function toFailed(e: unknown): Failed {
  return e instanceof AccordError
    ? { kind: 'failed', code: e.code, message: e.message, problems: e.problems }
    : { kind: 'failed', message: e instanceof Error ? e.message : String(e) };
}

/** The first message a worker gets: what its one job is (a spare started before it was known). */
export interface Setup<S> {
  kind: 'setup';
  setup: S;
}

/**
 * The worker's side: the first message is the job's setup, given to `begin`, which returns the
 * handler of every message after it. They are handled one at a time, in the order they came (a
 * handler may await). The first failure is posted back and nothing after it is handled. A
 * message that cannot be read would be work lost: it ends the thread, which the channel sees.
 */
export function handleInOrder<S, In>(
  port: MessagePort,
  begin: (setup: S) => (m: In) => Promise<void>,
  post: (m: Failed) => void,
): void {
  let failed = false;
  let handle: ((m: In) => Promise<void>) | undefined;
  let queue = Promise.resolve();
  port.on('messageerror', (e) => {
    throw e;
  });
  port.on('message', (m: Setup<S> | In) => {
    queue = queue.then(async () => {
      if (failed) return;
      try {
        if (handle) await handle(m as In);
        else handle = begin((m as Setup<S>).setup);
      } catch (e) {
        failed = true;
        post(toFailed(e));
      }
    });
  });
}

/** This side: the error a worker's failure message stands for. */
export const fromFailed = (m: Failed): Error =>
  m.code ? new AccordError(m.code, m.message, m.problems) : new Error(m.message);

/**
 * Copies a key into a buffer of its own: a small Buffer is often a slice of Node's shared pool,
 * and cloning it for a worker would copy its neighbours (other keys, plaintext) along with it.
 */
export const ownCopy = (b: Buffer): Buffer => Buffer.from(new Uint8Array(b).buffer);

export class WorkerChannel<In, Out extends { kind: string }> {
  private readonly worker: Worker;
  private readonly inbox: Out[] = [];
  private closed = false;
  private broken: Error | undefined;
  private readonly waiters = new Waiters();

  /**
   * Starts a worker of `kind` (or takes the spare waiting) and sends it `setup`. `intercept`
   * sees each message first; returning true keeps it out of the queue (flow-control notes that
   * only change a count).
   */
  constructor(
    private readonly kind: WorkerKind,
    setup: unknown,
    intercept: (m: Out) => boolean = () => false,
  ) {
    this.worker = takeWorker(kind);
    this.worker.on('message', (m: Out) => {
      // Every worker says so once it has loaded; only a spare's keeper listens for it.
      if (m.kind === 'loaded') return;
      if (!intercept(m)) this.inbox.push(m);
      this.waiters.wake();
    });
    this.worker.on('messageerror', (e) => this.fail(e));
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) =>
      this.fail(new Error(`the worker stopped (exit code ${code})`)),
    );
    // Cloned as it is posted: the caller may clear its copies of any keys in it straight after.
    try {
      this.worker.postMessage({ kind: 'setup', setup } satisfies Setup<unknown>);
    } catch (e) {
      // No job without its setup: the worker is ended and the job counted as over.
      void this.close();
      throw e;
    }
  }

  /** Ends every wait, now and later, with this error (the first one given wins). */
  fail(e: unknown): void {
    this.broken ??= e instanceof Error ? e : new Error(String(e));
    this.waiters.wake();
  }

  send(m: In, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(m, transfer);
  }

  /** Waits until `ready()` holds; throws instead once the worker has failed. */
  async until(ready: () => boolean): Promise<void> {
    await this.waiters.until(() => ready() || this.broken !== undefined);
    if (this.broken) throw this.broken;
  }

  /** The worker's next message; a failure it reports is thrown. */
  async next(): Promise<Exclude<Out, Failed>> {
    await this.until(() => this.inbox.length > 0);
    const m = this.inbox.shift()!;
    if (m.kind === 'failed') throw fromFailed(m as unknown as Failed);
    return m as Exclude<Out, Failed>;
  }

  async close(): Promise<void> {
    // Counted once: the spares count the jobs running.
    if (this.closed) return;
    this.closed = true;
    try {
      await this.worker.terminate();
    } finally {
      jobEnded(this.kind);
    }
  }
}
