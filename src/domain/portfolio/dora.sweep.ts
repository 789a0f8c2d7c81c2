// One sweep per application turns its production events, in time order, into a timeline: the
// deployments (and whether each failed, caused an incident or was rework), the lead time of each
// change deployed (commit to its first successful production deployment), and each restoration
// (a failed deployment to the next successful one; an incident opening to its resolution).
export type DoraKind =
  'deployment' | 'change' | 'incident-opened' | 'incident-resolved' | 'incident-reopened';

/** A production event (deployments to other environments are left out by the caller). */
export interface DoraEvent {
  kind: DoraKind;
  /** Milliseconds since the epoch. */
  at: number;
  /** doraKey() of the deployment's or incident's id, the commit, and the push head. */
  ref: number | null;
  sha: number | null;
  committedAt: number | null;
  headSha: number | null;
  status: 'success' | 'failure' | null;
  rework: boolean;
  changes: number[] | null;
}

export interface Timeline {
  /** Successful production deployments: time and whether each was rework. */
  deployAt: number[];
  deployRework: number[];
  /** Every production deployment (successful or failed) and whether it failed or caused an incident. */
  attemptAt: number[];
  attemptFailed: number[];
  /** One entry per change deployed: the deployment's time and the lead time. */
  leadAt: number[];
  leadMs: number[];
  /** One entry per restoration: when service was restored and how long it took. */
  recoveryAt: number[];
  recoveryMs: number[];
  /** Incidents open at the end, and whether the last deployment failed and is not yet restored. */
  openIncidents: number;
  unrestored: boolean;
  events: number;
}

/** Event codes in the order events at the same instant are taken. */
export const CODE = {
  change: 0,
  deploySuccess: 1,
  deployFailure: 2,
  incidentOpened: 3,
  incidentResolved: 4,
  incidentReopened: 5,
} as const;

/** One application's events as columns of numbers (NaN for none): what the sweep reads. */
export interface EventColumns {
  length: number;
  code: Uint8Array;
  at: Float64Array;
  committed: Float64Array;
  sha: Float64Array;
  head: Float64Array;
  ref: Float64Array;
  rework: Uint8Array;
  /** Event index → the commits a deployment said it carries. */
  changes: Map<number, number[]>;
}

export function emptyColumns(n: number): EventColumns {
  return {
    length: 0,
    code: new Uint8Array(n),
    at: new Float64Array(n),
    committed: new Float64Array(n),
    sha: new Float64Array(n),
    head: new Float64Array(n),
    ref: new Float64Array(n),
    rework: new Uint8Array(n),
    changes: new Map(),
  };
}

export function toColumns(events: DoraEvent[]): EventColumns {
  const c = emptyColumns(events.length);
  const n = (v: number | null): number => (v === null ? NaN : v);
  for (const [i, e] of events.entries()) {
    c.code[i] =
      e.kind === 'change'
        ? CODE.change
        : e.kind === 'deployment'
          ? e.status === 'success'
            ? CODE.deploySuccess
            : CODE.deployFailure
          : e.kind === 'incident-opened'
            ? CODE.incidentOpened
            : e.kind === 'incident-resolved'
              ? CODE.incidentResolved
              : CODE.incidentReopened;
    c.at[i] = e.at;
    c.committed[i] = n(e.committedAt);
    c.sha[i] = n(e.sha);
    c.head[i] = n(e.headSha);
    c.ref[i] = n(e.ref);
    c.rework[i] = e.rework ? 1 : 0;
    if (e.changes?.length) c.changes.set(i, e.changes);
  }
  c.length = events.length;
  return c;
}

/** Turns one application's production events into its timeline. */
export function sweep(events: DoraEvent[]): Timeline {
  return sweepColumns(toColumns(events));
}

/** The order to take events in: by time, then by code (changes before the deployment that carries them). */
function order(c: EventColumns): Uint32Array {
  const idx = new Uint32Array(c.length);
  let sorted = true;
  for (let i = 0; i < c.length; i++) {
    idx[i] = i;
    if (
      i > 0 &&
      (c.at[i]! < c.at[i - 1]! || (c.at[i] === c.at[i - 1] && c.code[i]! < c.code[i - 1]!))
    )
      sorted = false;
  }
  if (!sorted) idx.sort((a, b) => c.at[a]! - c.at[b]! || c.code[a]! - c.code[b]! || a - b);
  return idx;
}

export function sweepColumns(c: EventColumns): Timeline {
  const t: Timeline = {
    deployAt: [],
    deployRework: [],
    attemptAt: [],
    attemptFailed: [],
    leadAt: [],
    leadMs: [],
    recoveryAt: [],
    recoveryMs: [],
    openIncidents: 0,
    unrestored: false,
    events: c.length,
  };
  // Changes landed but not yet deployed, in landing order (a queue from p0), and when each commit
  // or push head landed.
  let pSha: number[] = [];
  let pCommitted: number[] = [];
  let pLanded: number[] = [];
  let p0 = 0;
  const landed = new Map<number, number>();
  let failedSince = NaN;
  const incidents = new Map<number, { openedAt: number; resolvedAt: number }>();
  let open = 0;
  /** The last successful deployment of each commit, and the last of all (to blame incidents). */
  const attemptBySha = new Map<number, number>();
  let lastSuccess = -1;
  const seen = new Set<number>();
  for (const i of order(c)) {
    const at = c.at[i]!;
    const sha = c.sha[i]!;
    switch (c.code[i]) {
      case CODE.change: {
        const committed = c.committed[i]!;
        if (Number.isNaN(sha) || Number.isNaN(committed)) break;
        pSha.push(sha);
        pCommitted.push(committed);
        pLanded.push(at);
        if (!landed.has(sha)) landed.set(sha, at);
        const head = c.head[i]!;
        if (!Number.isNaN(head) && !landed.has(head)) landed.set(head, at);
        break;
      }
      case CODE.deployFailure: {
        t.attemptAt.push(at);
        t.attemptFailed.push(1);
        if (Number.isNaN(failedSince)) failedSince = at;
        break;
      }
      case CODE.deploySuccess: {
        const idx = t.attemptAt.push(at) - 1;
        t.attemptFailed.push(0);
        // Which waiting changes this deployment carries: the ones it names, or every change that
        // landed no later than the deployed commit (a main branch moves forward), or by its time.
        seen.clear();
        const named = c.changes.get(i);
        if (named) {
          const names = new Set(named);
          const keep: number[] = [];
          for (let k = p0; k < pSha.length; k++) {
            if (!names.has(pSha[k]!)) keep.push(k);
            else if (!seen.has(pSha[k]!)) {
              seen.add(pSha[k]!);
              t.leadAt.push(at);
              t.leadMs.push(Math.max(0, at - pCommitted[k]!));
            }
          }
          pSha = keep.map((k) => pSha[k]!);
          pCommitted = keep.map((k) => pCommitted[k]!);
          pLanded = keep.map((k) => pLanded[k]!);
          p0 = 0;
        } else {
          const cutoff = (Number.isNaN(sha) ? undefined : landed.get(sha)) ?? at;
          for (; p0 < pSha.length && pLanded[p0]! <= cutoff; p0++) {
            if (seen.has(pSha[p0]!)) continue;
            seen.add(pSha[p0]!);
            t.leadAt.push(at);
            t.leadMs.push(Math.max(0, at - pCommitted[p0]!));
          }
        }
        let rework = c.rework[i] === 1 || open > 0;
        if (!Number.isNaN(failedSince)) {
          t.recoveryAt.push(at);
          t.recoveryMs.push(at - failedSince);
          failedSince = NaN;
          rework = true;
        }
        t.deployAt.push(at);
        t.deployRework.push(rework ? 1 : 0);
        if (!Number.isNaN(sha)) attemptBySha.set(sha, idx);
        lastSuccess = idx;
        break;
      }
      case CODE.incidentOpened: {
        const ref = c.ref[i]!;
        if (Number.isNaN(ref) || incidents.has(ref)) break;
        incidents.set(ref, { openedAt: at, resolvedAt: NaN });
        open++;
        // The deployment that caused it: the one it names, or the last successful one before it.
        const blamed = (Number.isNaN(sha) ? undefined : attemptBySha.get(sha)) ?? lastSuccess;
        if (blamed >= 0) t.attemptFailed[blamed] = 1;
        break;
      }
      case CODE.incidentResolved: {
        const inc = incidents.get(c.ref[i]!);
        if (!inc || !Number.isNaN(inc.resolvedAt) || at < inc.openedAt) break;
        inc.resolvedAt = at;
        open--;
        break;
      }
      case CODE.incidentReopened: {
        const inc = incidents.get(c.ref[i]!);
        if (!inc || Number.isNaN(inc.resolvedAt)) break;
        inc.resolvedAt = NaN;
        open++;
        break;
      }
    }
  }
  const rec: [number, number][] = t.recoveryAt.map((at, i) => [at, t.recoveryMs[i]!]);
  for (const inc of incidents.values())
    if (!Number.isNaN(inc.resolvedAt)) rec.push([inc.resolvedAt, inc.resolvedAt - inc.openedAt]);
  rec.sort((a, b) => a[0] - b[0]);
  t.recoveryAt = rec.map((r) => r[0]);
  t.recoveryMs = rec.map((r) => r[1]);
  t.openIncidents = open;
  t.unrestored = !Number.isNaN(failedSince);
  return t;
}
