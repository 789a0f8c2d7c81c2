// What a retention sweep reports, and the destruction certificate it writes to the audit log.

export const LISTED = 50;

export interface AssetSweep {
  assetId: string;
  assetName: string;
  period: string;
  from: string;
  action: 'delete' | 'pseudonymise';
  due: number;
  held: number;
  /** Deleted or pseudonymised (0 on a dry run). */
  processed: number;
}

export interface SweepReport {
  dryRun: boolean;
  today: string;
  assets: AssetSweep[];
  due: number;
  held: number;
  processed: number;
  /** Some of the records due, for the dry-run listing. */
  sample: {
    recordId: string;
    assetName: string;
    retainUntil: string;
    heldBecause: string | null;
  }[];
}

export type SweepProgress = (done: number, total: number) => void;

export function certificate(
  s: AssetSweep,
  today: string,
  digest: string,
  now: Date,
): Record<string, unknown> {
  return {
    asset: s.assetId,
    assetName: s.assetName,
    rule: { period: s.period, from: s.from, action: s.action },
    action: s.action === 'delete' ? 'deleted' : 'pseudonymised',
    count: s.processed,
    keptUnderHold: s.held,
    dueOnOrBefore: today,
    at: now.toISOString(),
    /** SHA-256 over the record ids, one a line in id order: proves which, without listing them. */
    recordIdsSha256: digest,
  };
}

export function merge(reports: SweepReport[], today: string, dryRun = false): SweepReport {
  const assets = reports.flatMap((r) => r.assets);
  return {
    dryRun: reports[0]?.dryRun ?? dryRun,
    today,
    assets,
    due: assets.reduce((n, a) => n + a.due, 0),
    held: assets.reduce((n, a) => n + a.held, 0),
    processed: assets.reduce((n, a) => n + a.processed, 0),
    sample: reports.flatMap((r) => r.sample).slice(0, LISTED),
  };
}
