/**
 * Time as the client sees it: the clock its deadline, budget and rate-limit resets are counted by, how it waits
 * before a retry, and how an attempt times out. The default is the system's; tests pass a virtual one so that they
 * neither sleep nor depend on how busy the machine is.
 */
export interface CalcomClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
  /** A signal that aborts with a `TimeoutError` DOMException after `ms` milliseconds (as `AbortSignal.timeout`). */
  timeout(ms: number): AbortSignal;
}

/** The real clock and timers. */
export const systemClock: CalcomClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  timeout: (ms) => AbortSignal.timeout(ms),
};
