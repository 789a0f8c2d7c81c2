// Shared helpers for benchmarks: fresh stores, timing, and printing each figure beside the
// baseline it is compared with.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../src/store/store.ts';
import type { Store } from '../src/store/store.ts';
import { migrate } from '../src/store/migrate.ts';
import { checkpointsSettled } from '../src/store/checkpoint-aside.ts';
import { sparesLoaded } from '../src/domain/records/worker-spares.ts';

export type Figures = Record<string, number>;

export interface Benchmark {
  name: string;
  description: string;
  run(): Promise<Figures>;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `accord-bench-${prefix}-`));
}

export async function freshStore(dir: string, name = 'accord.sqlite'): Promise<Store> {
  const store = openStore(`sqlite:${path.join(dir, name)}`);
  await migrate(store);
  return store;
}

/**
 * Waits until a bulk set-up's write-ahead log has been copied back (on its own thread, after the
 * commit), and the spare workers a running server keeps (src/server.ts) have loaded again: a
 * figure measured after set-up must not share the machine with it.
 */
export async function setUpSettled(store: Store): Promise<void> {
  const raw = await store.transaction(async (tx) => tx.sqlite);
  if (raw) await checkpointsSettled(raw);
  await sparesLoaded();
}

export function now(): number {
  return performance.now();
}

export function perSecond(count: number, ms: number): number {
  return Math.round(count / (ms / 1000));
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

const fmt = (n: number): string =>
  Number.isInteger(n) ? n.toLocaleString('en-GB') : n.toFixed(n < 10 ? 2 : 1);

/** Prints a figure; with a baseline, prints it beside the figure with the ratio and target. */
export function report(
  label: string,
  value: number,
  unit: string,
  against?: { label: string; value: number; unit?: string; target?: string },
): void {
  let line = `  ${label.padEnd(44)} ${fmt(value).padStart(12)} ${unit}`;
  if (against) {
    line += `   | ${against.label}: ${fmt(against.value)} ${against.unit ?? unit}  ratio ${(value / against.value).toFixed(3)}`;
    if (against.target) line += `  (target ${against.target})`;
  }
  console.log(line);
}
