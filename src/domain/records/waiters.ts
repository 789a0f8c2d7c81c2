// Waiting, in one thread, for state another thread's messages change: each message handler
// calls wake(), and whoever awaits until() checks its condition again. The import worker and the
// main thread's side of it both use this; several can be waiting at once (a stream that reads
// ahead while a batch waits for credit).
export class Waiters {
  private waiting: (() => void)[] = [];

  wake(): void {
    const all = this.waiting;
    this.waiting = [];
    for (const w of all) w();
  }

  async until(ready: () => boolean): Promise<void> {
    while (!ready()) await new Promise<void>((r) => this.waiting.push(r));
  }
}
