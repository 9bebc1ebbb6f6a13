import { contract } from "@agni/contracts";
import { initServer } from "@ts-rest/express";

const s = initServer();

/** `/health` answers while the process runs; `/ready` only while the database answers too. */
export function healthRouter(ping: () => Promise<void>) {
  return s.router(contract.health, {
    health: async () => ({ status: 200, body: { status: "ok" } }),
    ready: async () => {
      try {
        await ping();
        return { status: 200, body: { status: "ok", checks: { database: "ok" } } };
      } catch {
        return { status: 503, body: { status: "unavailable", checks: { database: "unavailable" } } };
      }
    },
  });
}
