// Fault injection for the crash-safety tests. ACCORD_FAULT_POINT names a point in the code where
// the process kills itself with SIGKILL (no clean-up, no flush, as a power cut), the
// ACCORD_FAULT_SKIP-th time it passes there (0: the first). Armed only when NODE_ENV is 'test'
// in the process's own environment: a deployment, whatever else it sets, never dies here.
const point = process.env.NODE_ENV === 'test' ? process.env.ACCORD_FAULT_POINT : undefined;
let skip = Number(process.env.ACCORD_FAULT_SKIP ?? 0);

export function faultPoint(name: string): void {
  if (point !== name) return;
  if (skip-- > 0) return;
  process.kill(process.pid, 'SIGKILL');
}
