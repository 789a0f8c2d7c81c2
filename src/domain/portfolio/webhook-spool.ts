// The webhook spool: every verified delivery is appended here before it is answered, so a
// delivery answered 202 survives the process stopping before its batch commits. Lines are
// dropped (the file truncated) once everything appended has been committed; at start, whatever
// is left is committed again (events are unique, so a replay stores nothing twice).
import fs from 'node:fs';
import path from 'node:path';

export interface SpooledDelivery {
  orgId: string;
  appId: string;
  source: 'github' | 'gitlab';
  delivery: string;
  type: string;
  events: unknown[];
  ip: string | undefined;
}

export class WebhookSpool {
  private fd: number | undefined;
  /** Appended and not yet committed. */
  private outstanding = 0;

  constructor(readonly file: string) {}

  static inDataDir(dataDir: string): WebhookSpool {
    return new WebhookSpool(path.join(dataDir, 'webhooks.spool'));
  }

  /** Appends one delivery (one write; the page cache keeps it if the process dies). */
  append(d: SpooledDelivery): void {
    this.fd ??= fs.openSync(this.file, 'a', 0o600);
    fs.writeSync(this.fd, `${JSON.stringify(d)}\n`);
    this.outstanding++;
  }

  /** Marks deliveries committed; when nothing is outstanding the spool is emptied. */
  committed(n: number): void {
    this.outstanding = Math.max(0, this.outstanding - n);
    if (this.outstanding > 0) return;
    this.fd ??= fs.openSync(this.file, 'a', 0o600);
    fs.ftruncateSync(this.fd, 0);
  }

  /** What a previous process left behind (unreadable lines, e.g. a torn last write, are skipped). */
  leftover(): SpooledDelivery[] {
    if (!fs.existsSync(this.file)) return [];
    const out: SpooledDelivery[] = [];
    for (const line of fs.readFileSync(this.file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as SpooledDelivery);
      } catch {
        // a write cut short by the crash: that delivery was never answered
      }
    }
    return out;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
