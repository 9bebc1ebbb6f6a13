import { EventEmitter } from "node:events";
import type { PGlite, Results, Transaction } from "@electric-sql/pglite";
import type { PgNotification, PgPool, PgPoolClient, PgQueryResult } from "bullmq";

// BullMQ's PostgreSQL backend accepts any object shaped like a `pg.Pool` as its connection (`PgPool` in
// bullmq/dist/*/postgres/pg-types). This one runs every statement on the API's own in-process PGlite instead of a
// socket: PGlite.query()/exec() take PGlite's transaction mutex, so a BullMQ statement never lands inside a Prisma
// interactive transaction on the same instance (or the other way round), and LISTEN maps onto PGlite.listen(), which
// does deliver NOTIFYs. Serving PGlite on a socket (pglite-socket) did neither (the spike in docs/architecture.md).

/** node-postgres returns int8 and numeric as strings; BullMQ's code expects that, PGlite would give numbers/BigInts. */
const PARSERS = { 20: (v: string) => v, 1700: (v: string) => v };

type Queryable = Pick<PGlite, "query" | "exec"> | Pick<Transaction, "query" | "exec">;

const EMPTY: PgQueryResult = { rows: [], rowCount: 0 };

function shape(result: Results | undefined): PgQueryResult {
  if (!result) return EMPTY;
  return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
}

async function run(db: Queryable, text: string, params?: readonly unknown[]): Promise<PgQueryResult> {
  if (params && params.length > 0) return shape(await db.query(text, [...params], { parsers: PARSERS }));
  // Without parameters: the simple protocol, which takes several statements at once (BullMQ's migration files).
  const results = await db.exec(text, { parsers: PARSERS });
  return shape(results[results.length - 1]);
}

/** The statement without its SQL comments, for recognising LISTEN/BEGIN/… (BullMQ's command files start with comments). */
const bare = (sql: string) => sql.replace(/--[^\n]*/g, "").trim();

/** One checked-out "connection": the shared PGlite session, plus its own LISTENs and an optional held transaction. */
class PglitePoolClient extends EventEmitter implements PgPoolClient {
  private readonly unlisten = new Map<string, () => Promise<void>>();
  private tx: { tx: Transaction; finish(): void; done: Promise<unknown> } | null = null;

  constructor(private readonly db: PGlite) {
    super();
  }

  async query<R = unknown>(text: string, params?: readonly unknown[]): Promise<PgQueryResult<R>> {
    const sql = bare(text);
    const listen = /^LISTEN\s+"?(\w+)"?\s*;?$/i.exec(sql);
    if (listen) {
      const channel = listen[1] as string;
      if (!this.unlisten.has(channel)) {
        const notify = (payload: string) => this.emit("notification", { channel, payload } satisfies PgNotification);
        this.unlisten.set(channel, await this.db.listen(channel, notify));
      }
      return EMPTY as PgQueryResult<R>;
    }
    const unlisten = /^UNLISTEN\s+"?(\w+)"?\s*;?$/i.exec(sql);
    if (unlisten) {
      await this.unlisten.get(unlisten[1] as string)?.();
      this.unlisten.delete(unlisten[1] as string);
      return EMPTY as PgQueryResult<R>;
    }
    // A transaction on a checked-out client (BullMQ's runMigrations) becomes one PGlite.transaction(), held open until
    // COMMIT or ROLLBACK: everything else on the instance waits for it, as it would for a row lock on a server.
    if (/^BEGIN\b/i.test(sql)) {
      if (this.tx) throw new Error("PglitePool: a transaction is already open on this client");
      await new Promise<void>((opened, failed) => {
        const done = this.db
          .transaction(
            (tx) =>
              new Promise<void>((finish) => {
                this.tx = { tx, finish, done };
                opened();
              }),
          )
          .catch((err: unknown) => {
            failed(err);
            throw err;
          });
      });
      return EMPTY as PgQueryResult<R>;
    }
    if (/^(COMMIT|ROLLBACK)\b/i.test(sql)) {
      const open = this.tx;
      if (!open) return EMPTY as PgQueryResult<R>; // as PostgreSQL: a warning, not an error
      this.tx = null;
      if (/^ROLLBACK/i.test(sql)) await open.tx.rollback();
      open.finish();
      await open.done;
      return EMPTY as PgQueryResult<R>;
    }
    return (await run(this.tx ? this.tx.tx : this.db, text, params)) as PgQueryResult<R>;
  }

  release(): void {
    for (const off of this.unlisten.values()) void off();
    this.unlisten.clear();
    // A client released inside a transaction rolls it back, as node-postgres' pool would by destroying the connection.
    const open = this.tx;
    if (open) {
      this.tx = null;
      void open.tx.rollback().finally(() => open.finish());
    }
  }
}

/**
 * A `pg.Pool` look-alike over an in-process PGlite, for BullMQ's PostgreSQL backend (pass it as `connection`).
 * `options.keepAlive` tells BullMQ its LISTEN client cannot drop silently (it is in-process), so an idle worker waits
 * for a NOTIFY instead of polling. `end()` leaves PGlite open: the API owns it.
 */
export function createPglitePool(db: PGlite): PgPool & { options: { keepAlive: boolean } } {
  const pool = Object.assign(new EventEmitter(), {
    options: { keepAlive: true },
    query: <R = unknown>(text: string, params?: readonly unknown[]) => run(db, text, params) as Promise<PgQueryResult<R>>,
    connect: async (): Promise<PgPoolClient> => new PglitePoolClient(db),
    end: async () => undefined,
  });
  return pool;
}
