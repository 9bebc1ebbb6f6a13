import type { PGlite } from "@electric-sql/pglite";
import {
  type BackendFactory,
  createPostgresBackend,
  createRedisBackend,
  type IQueueBackend,
  type Job,
  type JobProgress,
  type JobsOptions,
  type PgPool,
  Queue,
  runMigrations,
  Worker,
} from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import type { Logger } from "pino";
import { createPglitePool } from "./pglite-pool";

/**
 * Where jobs live: Redis when REDIS_URL is set, else the API's PostgreSQL, else (embedded database) the API's own
 * PGlite instance through an in-process pool. One process opens one engine; every queue and worker shares its
 * connection (one small pg.Pool, or one ioredis connection that BullMQ duplicates for blocking reads).
 */
export type JobBackend = { kind: "redis"; url: string } | { kind: "postgres"; url: string } | { kind: "pglite"; pglite: PGlite };

/** How workers hold their jobs: a job whose worker died is taken over after ~lockDuration + up to 2 × stalledInterval. */
export interface JobSettings {
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** A job that stalls (its worker died) more often than this fails in BullMQ; our tables decide what that means. */
  maxStalledCount: number;
}

export const DEFAULT_JOB_SETTINGS: JobSettings = { lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 10 };

/** A job's processor; what it returns is ignored (outcomes are recorded in our tables, never read back from BullMQ). */
export type JobHandler = (job: Job) => Promise<unknown>;

/** Thrown by a handler to be tried again after exactly `delayMs` (its own backoff), instead of the default one. */
export class RetryLater extends Error {
  constructor(
    readonly delayMs: number,
    message: string,
  ) {
    super(message);
    this.name = "RetryLater";
  }
}

/** Backoff for a job that threw anything but RetryLater (the database was down, say): 1 s, 2 s, 4 s … at most 5 min. */
const defaultBackoff = (attemptsMade: number) => Math.min(300_000, 1_000 * 2 ** Math.max(0, attemptsMade - 1));

// BullMQ's PostgreSQL backend pins its objects to schema "bullmq" only for pools it builds itself; ours set it.
const BULLMQ_SCHEMA = "bullmq";
// One LISTEN connection per worker plus a few for queries.
const POOL_QUERY_CONNECTIONS = 4;
const MAX_WORKERS = 4;
const SCHEDULER_RENEWAL_MS = 5 * 60_000;

interface Connection {
  factory: BackendFactory<IQueueBackend, unknown>;
  connection: unknown;
  prefix?: string;
  close(): Promise<void>;
}

type AnyQueue = Queue<object, unknown, string, object, unknown, string, IQueueBackend, unknown>;
type AnyWorker = Worker<object, unknown, string, IQueueBackend, JobProgress, unknown>;

export class JobEngine {
  private readonly queues = new Map<string, AnyQueue>();
  private readonly workers = new Map<string, AnyWorker>();
  private closing?: Promise<void>;
  private stopping?: Promise<void>;
  private readonly schedulers: (() => Promise<unknown>)[] = [];
  private reupsert?: NodeJS.Timeout;

  private constructor(
    readonly kind: JobBackend["kind"],
    private readonly conn: Connection,
    private readonly settings: JobSettings,
    private readonly logger: Pick<Logger, "warn" | "error">,
  ) {}

  /** Connects to the backend and brings BullMQ's schema up to date (PostgreSQL, PGlite: under BullMQ's advisory lock). */
  static async open(backend: JobBackend, logger: Pick<Logger, "warn" | "error">, settings: JobSettings = DEFAULT_JOB_SETTINGS): Promise<JobEngine> {
    return new JobEngine(backend.kind, await connect(backend), settings, logger);
  }

  /** The producer side of a queue (memoised). */
  queue(name: string): AnyQueue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue<object, unknown, string, object, unknown, string, IQueueBackend, unknown>(name, { connection: this.conn.connection, prefix: this.conn.prefix }, this.conn.factory);
      queue.on("error", (err) => this.logger.warn({ err, queue: name }, "job queue error"));
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Adds a job; with `jobId`, adding it again while BullMQ still holds it is a no-op. */
  async add(queueName: string, name: string, data: object, options: JobsOptions = {}): Promise<void> {
    await this.queue(queueName).add(name, data, { removeOnComplete: true, removeOnFail: true, ...options });
  }

  /**
   * Runs `handlers` (by job name) for one queue in this process: at most one worker per queue and process. Jobs are
   * claimed once across every process on the same backend.
   */
  work(queueName: string, handlers: Record<string, JobHandler>, options: { concurrency?: number } = {}): void {
    if (this.workers.has(queueName)) throw new Error(`a worker for queue ${queueName} already runs in this process`);
    if (this.workers.size >= MAX_WORKERS) throw new Error(`at most ${MAX_WORKERS} queues per process`);
    const worker: AnyWorker = new Worker<object, unknown, string, IQueueBackend, JobProgress, unknown>(
      queueName,
      async (job: Job) => {
        const handler = handlers[job.name];
        if (!handler) throw new Error(`no handler for job ${job.name} on queue ${queueName}`);
        return handler(job);
      },
      {
        connection: this.conn.connection,
        prefix: this.conn.prefix,
        concurrency: options.concurrency ?? 1,
        lockDuration: this.settings.lockDurationMs,
        stalledInterval: this.settings.stalledIntervalMs,
        maxStalledCount: this.settings.maxStalledCount,
        settings: { backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) => (err instanceof RetryLater ? err.delayMs : defaultBackoff(attemptsMade)) },
      },
      this.conn.factory,
    );
    worker.on("error", (err) => this.logger.warn({ err, queue: queueName }, "job worker error"));
    worker.on("failed", (job, err) => {
      if (!(err instanceof RetryLater)) this.logger.warn({ err, queue: queueName, job: job?.name, jobId: job?.id }, "job failed; retrying");
    });
    this.workers.set(queueName, worker);
  }

  /**
   * Repeats a job every `everyMs` once across all processes (BullMQ job scheduler; upserting it again changes nothing).
   * The schedulers are upserted again every few minutes, so that a Redis that lost its data gets them back without a
   * restart.
   */
  async every(queueName: string, schedulerId: string, everyMs: number, name: string, data: object = {}): Promise<void> {
    const upsert = () => this.queue(queueName).upsertJobScheduler(schedulerId, { every: everyMs }, { name, data, opts: { removeOnComplete: true, removeOnFail: true } });
    await upsert();
    this.schedulers.push(upsert);
    this.reupsert ??= setInterval(() => {
      for (const again of this.schedulers) again().catch((err: unknown) => this.logger.warn({ err }, "could not renew a job scheduler; trying again later"));
    }, SCHEDULER_RENEWAL_MS);
    this.reupsert.unref();
  }

  /** Whether BullMQ holds a job with this id in any state (waiting, delayed, active…). */
  async has(queueName: string, jobId: string): Promise<boolean> {
    return (await this.queue(queueName).getJob(jobId)) !== undefined;
  }

  /** Stops taking jobs and waits for the active ones to finish; queues stay usable for adding. */
  stopWorkers(): Promise<void> {
    this.stopping ??= Promise.allSettled([...this.workers.values()].map((w) => w.close())).then(() => undefined);
    return this.stopping;
  }

  /**
   * Stops taking jobs and waits for the active ones to finish (each worker's close does), then closes the queues and
   * the connection. A job still running when the process is killed is released by its lock running out and taken
   * over by another worker (or this one after a restart).
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.reupsert);
      await this.stopWorkers();
      await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
      await this.conn.close();
    })();
    return this.closing;
  }
}

async function connect(backend: JobBackend): Promise<Connection> {
  switch (backend.kind) {
    case "redis": {
      const redis = new Redis(backend.url, { maxRetriesPerRequest: null });
      return { factory: createRedisBackend as BackendFactory<IQueueBackend, unknown>, connection: redis, prefix: "agni", close: async () => void redis.disconnect() };
    }
    case "postgres": {
      const pool = new pg.Pool({
        connectionString: backend.url,
        max: POOL_QUERY_CONNECTIONS + MAX_WORKERS,
        connectionTimeoutMillis: 5_000,
        keepAlive: true,
        options: `-c search_path=${BULLMQ_SCHEMA}`,
      });
      pool.on("error", () => undefined); // an idle connection the server closed; the pool replaces it
      await migrate(pool);
      return { factory: createPostgresBackend as BackendFactory<IQueueBackend, unknown>, connection: pool, close: () => pool.end() };
    }
    case "pglite": {
      // One session for Prisma and BullMQ: BullMQ's unqualified names resolve through search_path (ours come first).
      await backend.pglite.exec(`SET search_path TO public, ${BULLMQ_SCHEMA}`);
      const pool = createPglitePool(backend.pglite);
      await migrate(pool);
      await assertNoShadowing(backend.pglite);
      return { factory: createPostgresBackend as BackendFactory<IQueueBackend, unknown>, connection: pool, close: async () => undefined };
    }
  }
}

async function migrate(pool: PgPool) {
  const client = await pool.connect();
  try {
    await runMigrations(client, BULLMQ_SCHEMA);
  } finally {
    client.release();
  }
}

/**
 * On PGlite, BullMQ's names resolve through the shared session's search_path after ours: a table, type or function of
 * ours named like one of BullMQ's (job, event, meta, scheduler…) would silently take its place. Refuse to start then.
 */
async function assertNoShadowing(pglite: PGlite) {
  const { rows } = await pglite.query<{ name: string }>(`
    SELECT name FROM (
      SELECT c.relname AS name, n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      UNION SELECT p.proname, n.nspname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      UNION SELECT t.typname, n.nspname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    ) o WHERE schema IN ('public', '${BULLMQ_SCHEMA}') GROUP BY name HAVING count(DISTINCT schema) > 1`);
  if (rows.length > 0) {
    throw new Error(`These names exist both in Agni's schema and in BullMQ's (${BULLMQ_SCHEMA}); rename ours: ${rows.map((r) => r.name).join(", ")}`);
  }
}
