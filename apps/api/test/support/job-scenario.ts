import { expect } from "vitest";
import { type JobEngine, RetryLater } from "../../src/jobs/engine";

/** Resolves once `check` holds, polling; fails with `what` after `ms`. */
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * What the API needs of BullMQ, on any backend: 30 jobs each run once (a second add of a waiting id is no job), a
 * handler's own retry delay (RetryLater), a scheduler that fires, and a finished job's id free again. `alongside` runs
 * while the jobs are added (PGlite: Prisma transactions on the same instance).
 */
export async function runJobScenario(engine: JobEngine, alongside: Promise<unknown>[] = [], queue = `test-${Date.now()}`): Promise<void> {
  const ran: string[] = [];
  const tries = new Map<string, number>();
  await Promise.all([...Array.from({ length: 30 }, (_, n) => engine.add(queue, "once", { n: String(n) }, { jobId: `once-${n}` })), ...alongside]);
  await engine.add(queue, "once", { n: "0" }, { jobId: "once-0" });
  await engine.add(queue, "flaky", {}, { jobId: "flaky", attempts: 5, backoff: { type: "handler" } });
  await engine.every(queue, "ticker", 300, "tick");
  engine.work(
    queue,
    {
      once: async (job) => void ran.push((job.data as { n: string }).n),
      flaky: async (job) => {
        const n = (tries.get(String(job.id)) ?? 0) + 1;
        tries.set(String(job.id), n);
        if (n < 3) throw new RetryLater(50, "not yet");
      },
      tick: async () => void ran.push("tick"),
    },
    { concurrency: 4 },
  );
  await until(() => ran.filter((r) => r !== "tick").length >= 30 && tries.get("flaky") === 3 && ran.includes("tick"), "all jobs");
  expect(ran.filter((r) => r !== "tick").sort()).toEqual(Array.from({ length: 30 }, (_, n) => String(n)).sort());
  // Done and removed (just after its handler returned): its id is free again.
  await until(async () => !(await engine.has(queue, "flaky")), "the finished job to be removed");
}
