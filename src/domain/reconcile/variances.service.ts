// A run's variance list: filtered by kind and state, paged, opened for the reader (each read is a
// decision and an audit entry with the purpose "accuracy"), and exported as CSV.
import { assertNoProblems } from '../../errors.ts';
import type { Executor } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import type { KeyService } from '../keys/key.service.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { Gate } from '../policy/gate.ts';
import { open } from '../records/sealing.ts';
import { VARIANCE_KINDS } from './link.ts';
import * as repo from './reconcile.repository.ts';
import { PURPOSE } from './reconcile.service.ts';
import type { ReconcileVarianceTable } from './reconcile.table.ts';
import type { Override, Run, Variance, VarianceDetail } from './reconcile.view.ts';
import { toOverride, toRun, toVariance } from './reconcile.view.ts';

export interface VarianceQuery {
  kind?: string;
  state?: string;
  page?: number;
  pageSize?: number;
}

export interface VariancePage {
  run: Run;
  variances: Variance[];
  total: number;
  page: number;
  pageSize: number;
}

const STATES = ['open', 'awaiting-approval', 'overridden'];

export class VariancesService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly keys: KeyService,
  ) {}

  /** Opens the sealed detail of variance rows. */
  async reveal(ex: Executor, rows: readonly ReconcileVarianceTable[]): Promise<Variance[]> {
    const keys = new Map<number, Buffer>();
    const out: Variance[] = [];
    for (const r of rows) {
      if (!keys.has(r.key_version))
        keys.set(r.key_version, await this.keys.dataKeyVersion(ex, r.org_id, r.key_version));
      const detail = JSON.parse(
        open(keys.get(r.key_version)!, r.detail, `${r.org_id}|variance|${r.variance_id}`),
      ) as VarianceDetail;
      out.push(toVariance(r, detail));
    }
    return out;
  }

  private async runFor(gate: Gate, runId: string, details: Record<string, unknown>) {
    const r = await repo.run(gate.tx, runId);
    gate.require(
      'reconcile.read',
      { orgId: r?.org_id ?? '', ref: `reconcile-run:${runId}` },
      { purpose: PURPOSE, details },
    );
    return toRun(r!);
  }

  async list(actor: Actor, runId: string, q: VarianceQuery): Promise<VariancePage> {
    return withAccess(this.ctx, actor, async (gate) => {
      const run = await this.runFor(gate, runId, { kind: q.kind ?? null, via: 'variances' });
      assertQuery(q);
      const pageSize = Math.min(Math.max(q.pageSize ?? 50, 1), 500);
      const page = Math.max(q.page ?? 1, 1);
      const { rows, total } = await repo.variances(gate.tx, runId, {
        kind: q.kind || undefined,
        state: q.state || undefined,
        limit: pageSize,
        offset: (page - 1) * pageSize,
      });
      return { run, variances: await this.reveal(gate.tx, rows), total, page, pageSize };
    });
  }

  /** One variance with its override history (newest first). */
  async get(
    actor: Actor,
    varianceId: string,
  ): Promise<{ run: Run; variance: Variance; overrides: Override[] }> {
    return withAccess(this.ctx, actor, async (gate) => {
      const v = await repo.variance(gate.tx, varianceId);
      gate.require(
        'reconcile.read',
        { orgId: v?.org_id ?? '', ref: `reconcile-variance:${varianceId}` },
        { purpose: PURPOSE },
      );
      const run = toRun((await repo.run(gate.tx, v!.run_id))!);
      const [variance] = await this.reveal(gate.tx, [v!]);
      const overrides = (await repo.overridesOf(gate.tx, varianceId)).map(toOverride);
      return { run, variance: variance!, overrides };
    });
  }

  /** Every variance of a run (optionally of one kind) as CSV, for a spreadsheet. */
  async csv(actor: Actor, runId: string, q: VarianceQuery): Promise<string> {
    return withAccess(this.ctx, actor, async (gate) => {
      await this.runFor(gate, runId, { kind: q.kind ?? null, via: 'export' });
      assertQuery(q);
      const lines = [HEADER.join(',')];
      for (let offset = 0; ; offset += 5000) {
        const { rows } = await repo.variances(gate.tx, runId, {
          kind: q.kind || undefined,
          state: q.state || undefined,
          limit: 5000,
          offset,
        });
        for (const v of await this.reveal(gate.tx, rows)) lines.push(csvLine(v));
        if (rows.length < 5000) break;
      }
      gate.record(
        'reconcile.variances.exported',
        `reconcile-run:${runId}`,
        {
          kind: q.kind ?? null,
          rows: lines.length - 1,
        },
        'ok',
        PURPOSE,
      );
      return `${lines.join('\r\n')}\r\n`;
    });
  }
}

function assertQuery(q: VarianceQuery): void {
  assertNoProblems([
    ...(q.kind && !(VARIANCE_KINDS as readonly string[]).includes(q.kind)
      ? [{ field: 'kind', message: `Choose a kind of variance: ${VARIANCE_KINDS.join(', ')}` }]
      : []),
    ...(q.state && !STATES.includes(q.state)
      ? [{ field: 'state', message: `Choose a state: ${STATES.join(', ')}` }]
      : []),
  ]);
}

const HEADER = [
  'seq',
  'kind',
  'summary',
  'state',
  'score',
  'matched on',
  'list ref',
  'list membership number',
  'list name',
  'list date of birth',
  'list postcode',
  'list address',
  'list status',
  'feed ref',
  'feed membership number',
  'feed name',
  'feed date of birth',
  'feed postcode',
  'feed address',
  'feed status',
];

/** A CSV cell, quoted when needed, and defused against spreadsheet formula injection. */
function cell(v: string | number | null): string {
  let s = v === null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvLine(v: Variance): string {
  const side = (d: Variance['a']) =>
    d
      ? [d.ref, d.membershipNumber, d.name, d.dateOfBirth, d.postcode, d.address, d.status]
      : ['', '', '', '', '', '', ''];
  return [v.seq, v.kind, v.summary, v.state, v.score, v.basis, ...side(v.a), ...side(v.b)]
    .map(cell)
    .join(',');
}
