// A clock tests can move: the app and the test agree on "now" (TOTP steps, lapsing grants).
export interface TestClock {
  (): Date;
  advance(ms: number): void;
  set(at: Date): void;
}

export function testClock(start = new Date()): TestClock {
  let offset = start.getTime() - Date.now();
  const clock = (() => new Date(Date.now() + offset)) as TestClock;
  clock.advance = (ms) => {
    offset += ms;
  };
  clock.set = (at) => {
    offset = at.getTime() - Date.now();
  };
  return clock;
}
