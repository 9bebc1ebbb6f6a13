import type { CalcomClock } from "../src/index";

/**
 * A clock whose time moves only when nothing else can happen: `run(promise)` lets every pending callback settle,
 * then jumps to the earliest sleep or timeout and fires it, until the promise settles. Tests then see exactly the
 * waits and timeouts the client asked for, with no real sleeping and no dependence on machine load. Pair it with an
 * in-memory `fetch` (below): with real sockets in flight, "nothing else can happen" cannot be known.
 */
export function virtualClock(start = Date.UTC(2030, 0, 7, 9)) {
  let now = start;
  let timers: { at: number; seq: number; fire: () => void }[] = [];
  let seq = 0;
  const sleeps: number[] = [];
  const timeouts: number[] = [];
  const at = (ms: number, fire: () => void) => void timers.push({ at: now + Math.max(0, ms), seq: seq++, fire });

  const clock: CalcomClock = {
    now: () => now,
    sleep: (ms) => {
      sleeps.push(ms);
      return new Promise<void>((resolve) => at(ms, resolve));
    },
    timeout: (ms) => {
      timeouts.push(ms);
      const controller = new AbortController();
      at(ms, () => controller.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError")));
      return controller.signal;
    },
  };

  // Promise chains (an in-memory fetch, reading its body) finish within a few turns of the event loop.
  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  };

  /** Advances virtual time by `ms`, firing every timer due on the way. */
  async function advance(ms: number): Promise<void> {
    const until = now + ms;
    for (;;) {
      await settle();
      const next = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      timers = timers.filter((t) => t !== next);
      now = Math.max(now, next.at);
      next.fire();
    }
    now = until;
  }

  /** Settles `promise`, moving time forward timer by timer whenever it is waiting on one. */
  async function run<T>(promise: Promise<T>): Promise<T> {
    let done = false;
    promise.then(
      () => (done = true),
      () => (done = true),
    );
    for (;;) {
      await settle();
      if (done) return promise;
      const next = [...timers].sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) throw new Error("virtualClock: the promise waits on something that is not a timer");
      timers = timers.filter((t) => t !== next);
      now = Math.max(now, next.at);
      next.fire();
    }
  }

  return { clock, run, advance, now: () => now, sleeps, timeouts, elapsed: () => now - start };
}

/** An in-memory Cal.com: `answer` makes each response (or never answers: `"hang"`); every call is recorded. */
export function fakeFetch(answer: (n: number, url: string, init: RequestInit) => Response | "hang") {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch: typeof globalThis.fetch = (input, init = {}) => {
    const url = String(input);
    calls.push({ url, init });
    const response = answer(calls.length, url, init);
    if (response !== "hang") return Promise.resolve(response);
    return new Promise((_resolve, reject) => init.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
  };
  return { fetch, calls };
}

/** A Cal.com success envelope around `data`. */
export const success = (data: unknown, status = 200) =>
  new Response(JSON.stringify({ status: "success", data }), { status, headers: { "content-type": "application/json" } });
