// A baseline server for `npm run bench`: `http` (bare Node) or `express` (one route), both answering every GET
// with the JSON in BENCH_BODY. Prints "listening on <url>" once ready.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";

const kind = process.argv[2];
const body = process.env.BENCH_BODY ?? "{}";

const server =
  kind === "express"
    ? (() => {
        const app = express();
        app.disable("x-powered-by");
        app.set("etag", false);
        app.get("/api/v1/calcom/agents/:id/account", (_req, res) => void res.type("application/json").send(body));
        return createServer(app);
      })()
    : createServer((_req, res) => {
        res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
        res.end(body);
      });
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
