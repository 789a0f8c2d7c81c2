// Reconciliation runs: read two sources about the same people through the choke point (purpose
// "accuracy"), link them in memory, and store the run with its parameters, counts and sealed
// variance list. Reading a whole asset is one decision and one audit entry per asset, naming the
// run and how many records were read: a per-record entry for a million-row comparison would
// drown the log, and the run itself lists every record a variance names.
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { DomainContext } from '../context.ts';
import { uuid7 } from '../ids.ts';
import type { KeyService } from '../keys/key.service.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { Gate } from '../policy/gate.ts';
import type { AssetsService } from '../records/assets.service.ts';
import { sealBatch } from '../records/sealing.ts';
import type { LinkParams, PersonRow } from './link.ts';
import { DEFAULT_PARAMS, VARIANCE_KINDS, link } from './link.ts';
import * as repo from './reconcile.repository.ts';
import type { ReconcileVarianceTable } from './reconcile.table.ts';
import type { Run, RunCounts, SourceInfo, VarianceDetail } from './reconcile.view.ts';
import { toRun } from './reconcile.view.ts';
import type { Side } from './rows.ts';
import { hashKeys, parseFeed, toPersonRow } from './rows.ts';
import { openRecords, readAsset, sideDetail } from './sources.ts';

export const PURPOSE = 'accuracy';

export interface RunInput {
  title?: string;
  /** The list of record (side A), e.g. the membership list. */
  listAssetId?: string;
  /** The feed (side B): another asset, or an uploaded CSV. */
  feedAssetId?: string;
  csv?: string;
  fileName?: string;
  matchThreshold?: number;
  possibleThreshold?: number;
}

function problemsOf(input: RunInput): Problem[] {
  const p: Problem[] = [];
  if (!input.listAssetId)
    p.push({
      field: 'listAssetId',
      message: 'Choose the list to check (e.g. the membership list)',
    });
  if (!input.feedAssetId && !input.csv?.trim())
    p.push({
      field: 'feedAssetId',
      message: 'Choose the source to compare it with, or upload a CSV',
    });
  if (input.feedAssetId && input.csv?.trim())
    p.push({ field: 'csv', message: 'Compare with an asset or an uploaded CSV, not both' });
  if (input.feedAssetId && input.feedAssetId === input.listAssetId)
    p.push({ field: 'feedAssetId', message: 'Choose a different source from the list itself' });
  if ((input.title ?? '').length > 200)
    p.push({ field: 'title', message: 'Keep the title under 200 characters' });
  const match = input.matchThreshold ?? DEFAULT_PARAMS.matchThreshold;
  const possible = input.possibleThreshold ?? DEFAULT_PARAMS.possibleThreshold;
  if (!(match > 0 && match <= 1))
    p.push({ field: 'matchThreshold', message: 'The match threshold is between 0 and 1' });
  if (!(possible > 0 && possible < match))
    p.push({
      field: 'possibleThreshold',
      message: 'The possible-match threshold is above 0 and below the match threshold',
    });
  return p;
}

interface LoadedSource {
  info: SourceInfo;
  rows: PersonRow[];
  /** Uploaded rows in order, to show them in variances (stored records are re-opened instead). */
  uploaded?: Record<string, unknown>[];
}

export class ReconcileService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly keys: KeyService,
    private readonly assets: AssetsService,
  ) {}

  private async loadAsset(gate: Gate, assetId: string, side: Side, runId: string) {
    const asset = await this.assets.row(gate.tx, assetId);
    gate.require(
      'reconcile.run',
      { orgId: asset?.org_id ?? '', ref: `asset:${assetId}` },
      { purpose: PURPOSE },
    );
    const rows = await readAsset(gate.tx, this.keys, gate.actor.orgId, assetId, side);
    gate.record(
      'records.read',
      `asset:${assetId}`,
      { via: 'reconcile', run: runId, side, records: rows.length },
      'ok',
      PURPOSE,
    );
    const info: SourceInfo = { kind: 'asset', assetId, name: asset!.name, rows: rows.length };
    return { info, rows };
  }

  private loadUpload(csv: string, fileName: string): LoadedSource {
    const parsed = parseFeed(csv);
    const uploaded = parsed.map((r) => r.payload);
    const rows = parsed.map(({ line, payload }) => toPersonRow(`line:${line}`, payload, 'feed'));
    return { info: { kind: 'upload', fileName, rows: rows.length }, rows, uploaded };
  }

  async start(actor: Actor, input: RunInput): Promise<Run> {
    return withAccess(this.ctx, actor, async (gate) => {
      const runId = uuid7();
      const startedAt = this.ctx.clock();
      if (input.listAssetId) {
        const asset = await this.assets.row(gate.tx, input.listAssetId);
        gate.require(
          'reconcile.run',
          { orgId: asset?.org_id ?? '', ref: `asset:${input.listAssetId}` },
          { purpose: PURPOSE },
        );
      } else gate.require('reconcile.run', { orgId: actor.orgId }, { purpose: PURPOSE });
      assertNoProblems(problemsOf(input), 'The reconciliation cannot start.');
      const params: LinkParams = {
        ...DEFAULT_PARAMS,
        matchThreshold: input.matchThreshold ?? DEFAULT_PARAMS.matchThreshold,
        possibleThreshold: input.possibleThreshold ?? DEFAULT_PARAMS.possibleThreshold,
      };
      const t0 = performance.now();
      const list = await this.loadAsset(gate, input.listAssetId!, 'list', runId);
      const tList = performance.now();
      const feed: LoadedSource = input.feedAssetId
        ? await this.loadAsset(gate, input.feedAssetId, 'feed', runId)
        : this.loadUpload(input.csv!, input.fileName?.trim() || 'upload.csv');
      const tFeed = performance.now();
      const indexKey = await this.keys.indexKey(gate.tx, actor.orgId);
      hashKeys(indexKey, list.rows);
      hashKeys(indexKey, feed.rows);
      const t1 = performance.now();
      const result = link(list.rows, feed.rows, params);
      const t2 = performance.now();

      // Who each variance is about: re-open just the stored records it names.
      const refs = new Set<string>();
      for (const v of result.variances) {
        if (v.a >= 0) refs.add(list.rows[v.a]!.ref);
        if (v.b >= 0) refs.add(feed.rows[v.b]!.ref);
      }
      const opened = await openRecords(
        gate.tx,
        this.keys,
        actor.orgId,
        [...refs].filter((r) => r.startsWith('record:')).map((r) => r.slice('record:'.length)),
      );
      const at = startedAt.toISOString();
      const stored = (ref: string) => opened.get(ref.slice('record:'.length)) ?? {};
      const details: VarianceDetail[] = result.variances.map((v) => ({
        a: v.a >= 0 ? sideDetail(list.rows[v.a]!.ref, stored(list.rows[v.a]!.ref), 'list') : null,
        b:
          v.b >= 0
            ? sideDetail(
                feed.rows[v.b]!.ref,
                feed.uploaded?.[v.b] ?? stored(feed.rows[v.b]!.ref),
                'feed',
              )
            : null,
      }));
      const ids = result.variances.map(() => uuid7());
      const dataKey = await this.keys.dataKey(gate.tx, actor.orgId);
      const sealed = sealBatch(
        dataKey.key,
        dataKey.version,
        details.map((d, i) => ({
          aad: `${actor.orgId}|variance|${ids[i]}`,
          plaintext: JSON.stringify(d),
        })),
      );
      const byKind: Record<string, number> = Object.fromEntries(VARIANCE_KINDS.map((k) => [k, 0]));
      const rows: ReconcileVarianceTable[] = result.variances.map((v, i) => {
        byKind[v.kind] = (byKind[v.kind] ?? 0) + 1;
        return {
          variance_id: ids[i]!,
          org_id: actor.orgId,
          run_id: runId,
          seq: i + 1,
          kind: v.kind,
          reason: v.reason,
          a_ref: v.a >= 0 ? list.rows[v.a]!.ref : null,
          b_ref: v.b >= 0 ? feed.rows[v.b]!.ref : null,
          score: v.score,
          basis: v.basis,
          detail: sealed[i]!,
          key_version: dataKey.version,
          state: 'open',
          updated_at: at,
        };
      });
      const counts: RunCounts = {
        ...result.counts,
        variances: rows.length,
        byKind,
        readMs: Math.round(t1 - t0),
        readListMs: Math.round(tList - t0),
        readFeedMs: Math.round(tFeed - tList),
        hashMs: Math.round(t1 - tFeed),
        linkMs: Math.round(t2 - t1),
        storeMs: 0,
      };
      const row = {
        run_id: runId,
        org_id: actor.orgId,
        title: input.title?.trim() || `${list.info.name} against ${feedName(feed.info)}`,
        source_a: JSON.stringify(list.info),
        source_b: JSON.stringify(feed.info),
        params: JSON.stringify(params),
        counts: JSON.stringify(counts),
        status: 'completed',
        started_by: actor.ref,
        started_at: at,
        finished_at: this.ctx.clock().toISOString(),
        duration_ms: 0,
      };
      await repo.insertRun(gate.tx, row);
      await repo.insertVariances(gate.tx, rows);
      counts.storeMs = Math.round(performance.now() - t2);
      const finished = { ...row, counts: JSON.stringify(counts) };
      finished.duration_ms = Math.round(performance.now() - t0);
      await gate.tx.db
        .updateTable('reconcile_run')
        .set({ counts: finished.counts, duration_ms: finished.duration_ms })
        .where('run_id', '=', runId)
        .execute();
      gate.record(
        'reconcile.run.completed',
        `reconcile-run:${runId}`,
        { list: list.info, feed: feed.info, params, variances: byKind },
        'ok',
        PURPOSE,
      );
      return toRun(finished);
    });
  }

  async list(actor: Actor): Promise<Run[]> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('reconcile.read', { orgId: actor.orgId, ref: 'reconcile-runs' });
      return (await repo.runs(gate.tx, actor.orgId)).map(toRun);
    });
  }

  async get(actor: Actor, runId: string): Promise<Run> {
    return withAccess(this.ctx, actor, async (gate) => {
      const r = await repo.run(gate.tx, runId);
      gate.require('reconcile.read', { orgId: r?.org_id ?? '', ref: `reconcile-run:${runId}` });
      if (!r) throw new AccordError('NOT_FOUND');
      return toRun(r);
    });
  }
}

function feedName(s: SourceInfo): string {
  return s.kind === 'asset' ? s.name : s.fileName;
}
