// Spare worker threads. A worker takes about half a second to start (tsx's loader, then the
// modules it needs, such as jose and ajv), and a big import or transfer would wait for it. A
// running server keeps one started, idle worker of each kind: a job takes it and sends it its
// setup (keys included) as the first message, and once the job ends a new spare is started for
// the next one. A worker serves one job and is then ended, so nothing of a job (a key, a record)
// outlives it in a thread that is used again.
//
// A replacement starts only once the machine is quiet: no job running here, and at least half of
// the processor time idle over the last QUIET_MS (or after QUIET_LIMIT_MS, busy or not). Starting
// a worker costs about a second of processor time (tsx compiling its modules): started as soon as
// a seal ended, it took a core from the open that followed and made that a third slower; started
// during a delivery to a partner node, it took one from the delivery.
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ResourceLimits } from 'node:worker_threads';

/** A kind of worker: its entry file and the memory it may use. */
export interface WorkerKind {
  entry: URL;
  limits: ResourceLimits;
}

/** A started worker waiting for a job. */
interface Spare {
  worker: Worker;
  /** Settles once it has loaded its modules (or stopped). */
  loaded: Promise<void>;
  /** Takes off the listeners it has while it waits. */
  unwatch: () => void;
}

const spares = new Map<string, Spare>();
const kept = new Set<string>();
/** Kinds whose replacement waits for a quiet moment, and the jobs running now. */
const awaited = new Map<string, WorkerKind>();
let running = 0;
let quiet: NodeJS.Timeout | undefined;
/** How often a waiting replacement looks whether the machine is quiet. */
export const QUIET_MS = 1000;
/** How long a replacement waits for quiet at most: a machine busy that long is busy anyway. */
export const QUIET_LIMIT_MS = 10_000;

/** Idle and total processor time so far, over every core (portable: os.cpus()). */
function processorTimes(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const c of cpus()) {
    idle += c.times.idle;
    total += c.times.idle + c.times.user + c.times.nice + c.times.sys + c.times.irq;
  }
  return { idle, total };
}

function start(kind: WorkerKind): Worker {
  // The entry registers tsx itself; inherited loader flags would register it twice.
  return new Worker(kind.entry, { execArgv: [], resourceLimits: kind.limits });
}

function startSpare(kind: WorkerKind): void {
  const key = kind.entry.href;
  if (spares.has(key)) return;
  const w = start(kind);
  // One that fails or stops while idle is dropped: the next job starts its own.
  const drop = (): void => {
    if (spares.get(key)?.worker === w) spares.delete(key);
  };
  let hasLoaded = (): void => undefined;
  const loaded = new Promise<void>((resolve) => (hasLoaded = resolve));
  const onExit = (): void => {
    drop();
    hasLoaded();
  };
  w.on('error', drop);
  w.on('exit', onExit);
  w.on('message', hasLoaded);
  // An idle spare must not keep a finished process alive. Last: a 'message' listener refs it.
  w.unref();
  spares.set(key, {
    worker: w,
    loaded,
    // Only these are taken off when a job takes it: Node's own listeners on a worker (which
    // start its message port when a job listens) must stay.
    unwatch: () => {
      w.off('error', drop);
      w.off('exit', onExit);
      w.off('message', hasLoaded);
      // Taken by a job: no longer a spare anyone waits on.
      hasLoaded();
    },
  });
}

/** From now on keeps a started spare of each of these kinds (a server calls this as it starts). */
export function keepWarm(kinds: readonly WorkerKind[]): void {
  for (const k of kinds) {
    kept.add(k.entry.href);
    startSpare(k);
  }
}

/** A worker for one job: the spare of its kind if one is waiting, else a new one. */
export function takeWorker(kind: WorkerKind): Worker {
  const spare = spares.get(kind.entry.href);
  if (!spare) {
    const fresh = start(kind);
    // Counted once there is a worker: a thread that could not be made is no job to end.
    running++;
    return fresh;
  }
  running++;
  spares.delete(kind.entry.href);
  spare.unwatch();
  spare.worker.ref();
  return spare.worker;
}

/**
 * A job of this kind has ended: its worker is gone, so the next spare starts (if kept warm) once
 * the machine is quiet.
 */
export function jobEnded(kind: WorkerKind): void {
  running--;
  if (kept.has(kind.entry.href)) awaited.set(kind.entry.href, kind);
  clearTimeout(quiet);
  quiet = undefined;
  if (running > 0 || awaited.size === 0) return;
  const since = Date.now();
  let last = processorTimes();
  const look = (): void => {
    quiet = undefined;
    if (running > 0) return; // the job running now looks again when it ends
    const now = processorTimes();
    const idle = (now.idle - last.idle) / Math.max(1, now.total - last.total);
    last = now;
    if (idle >= 0.5 || Date.now() - since >= QUIET_LIMIT_MS) return startAwaited();
    quiet = setTimeout(look, QUIET_MS);
    quiet.unref();
  };
  quiet = setTimeout(look, QUIET_MS);
  // Waiting for quiet must not keep a finished process alive.
  quiet.unref();
}

function startAwaited(): void {
  for (const [key, kind] of awaited) if (kept.has(key)) startSpare(kind);
  awaited.clear();
}

/**
 * Resolves once every spare has loaded, replacements still waiting for quiet started now (a
 * bench measures a node idle between jobs).
 */
export async function sparesLoaded(): Promise<void> {
  if (running === 0) {
    clearTimeout(quiet);
    quiet = undefined;
    startAwaited();
  }
  // The spares are unreferenced, so waiting on them alone would let a script's process exit
  // half-way (exit code 13, an unsettled await): the wait holds the process itself.
  const hold = setInterval(() => undefined, 60_000);
  try {
    await Promise.all([...spares.values()].map((s) => s.loaded));
  } finally {
    clearInterval(hold);
  }
}

/** The spare waiting for this kind, if any (for tests). */
export const spareOf = (kind: WorkerKind): Worker | undefined =>
  spares.get(kind.entry.href)?.worker;

/** Ends every spare and keeps none from now on (a server stopping, a test done). */
export async function stopSpares(): Promise<void> {
  kept.clear();
  awaited.clear();
  clearTimeout(quiet);
  quiet = undefined;
  const idle = [...spares.values()];
  spares.clear();
  await Promise.all(idle.map((s) => s.worker.terminate()));
}
