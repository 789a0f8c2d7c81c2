// Progress bars for long-running commands (rate and ETA), on stderr so stdout stays parseable.
// Silent when stderr is not a terminal, unless ACCORD_PROGRESS=1.
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

export function progressBar(label: string): Progress {
  if (!process.stderr.isTTY && process.env.ACCORD_PROGRESS !== '1')
    return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 50,
      fps: 5,
      // Forced on (ACCORD_PROGRESS=1) without a terminal: plain lines twice a second.
      noTTYOutput: !process.stderr.isTTY,
      notTTYSchedule: 500,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let running = false;
  return {
    update(done, total) {
      const rate = Math.round(done / Math.max((Date.now() - started) / 1000, 0.001));
      if (!running) {
        bar.start(total, done, { rate });
        running = true;
      } else bar.update(done, { rate });
      bar.setTotal(total);
    },
    stop() {
      if (running) bar.stop();
    },
  };
}
