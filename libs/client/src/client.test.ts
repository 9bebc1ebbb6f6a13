import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Agent } from "@agni/contracts";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { AgniApiError, AgniConnectionError, createAgniClient, unwrap } from "./index.js";

const AGENT_ID = "0192f3a4-5b6c-7d8e-9f00-112233445566";
const MISSING_ID = "0192f3a4-5b6c-7d8e-9f00-000000000000";

const agent: Agent = {
  id: AGENT_ID,
  organizationId: "acme",
  agentName: "Front desk",
  status: "ACTIVE",
  calendarTimezone: "Europe/Berlin",
  calcomEventTypeId: null,
  selectedTools: [],
  prompt: null,
  beginMessage: null,
  settings: null,
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  calcomConnectionType: "none",
  calcomAccountId: null,
  calcomAccountName: null,
  calcomApiUrl: null,
  calcomStatus: null,
  calcomApiKey: null,
};

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A small real HTTP server standing in for the API: a few routes, and a record of what it received. */
function startFakeApi(): Promise<{ server: Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
        res.end(JSON.stringify(payload));
      };
      const path = req.url!.split("?")[0];
      if (req.method === "GET" && path === "/api/v1/agents/") {
        return json(200, { success: true, message: "Agents fetched successfully", data: [agent], meta: { total: "1", limit: 50, offset: 0 } });
      }
      if (req.method === "POST" && path === "/api/v1/agents/") {
        const input = JSON.parse(body) as { agentName: string };
        return json(201, { success: true, message: "Agent created successfully", data: { ...agent, agentName: input.agentName } });
      }
      if (req.method === "GET" && path === `/api/v1/agents/${MISSING_ID}/`) {
        return json(404, { success: false, message: "Agent not found", code: "NOT_FOUND", request_id: "req-from-body" }, { "x-request-id": "req-from-body" });
      }
      if (req.method === "GET" && path === "/api/v1/calcom/status") {
        res.writeHead(502, { "content-type": "text/html", "x-request-id": "req-from-header" });
        return res.end("<html><body>Bad gateway</body></html>");
      }
      if (req.method === "GET" && path === "/api/v1/api-keys") {
        res.writeHead(503, { "content-type": "application/json" });
        return res.end("{not json");
      }
      json(404, { success: false, message: `Route ${req.method} ${path} not found`, code: "NOT_FOUND" });
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen })),
  );
}

describe("createAgniClient against a real HTTP server", () => {
  let api: Awaited<ReturnType<typeof startFakeApi>>;
  beforeAll(async () => {
    api = await startFakeApi();
  });
  afterAll(() => new Promise<void>((resolve) => api.server.close(() => resolve())));

  const lastRequest = () => api.seen.at(-1)!;

  it("sends the JWT as a Bearer token, extra headers, and the org_id query", async () => {
    const client = createAgniClient({ baseUrl: `${api.url}/`, token: "jwt-123", headers: { "user-agent": "agni-test/1" } });
    const res = await client.agents.listAgents({ query: { limit: 10, org_id: "acme" } });
    expect(res.status).toBe(200);
    const req = lastRequest();
    expect(req.url).toBe("/api/v1/agents/?limit=10&org_id=acme");
    expect(req.headers.authorization).toBe("Bearer jwt-123");
    expect(req.headers["x-api-key"]).toBeUndefined();
    expect(req.headers["user-agent"]).toBe("agni-test/1");
    expect(req.headers.accept).toBe("application/json");
  });

  it("sends an API key as X-Api-Key and a JSON body", async () => {
    const client = createAgniClient({ baseUrl: api.url, apiKey: "agni_secret" });
    const body = await unwrap(client.agents.createAgent({ body: { agentName: "Reception" } }));
    expect(body.data.agentName).toBe("Reception");
    const req = lastRequest();
    expect(req.headers["x-api-key"]).toBe("agni_secret");
    expect(req.headers.authorization).toBeUndefined();
    expect(req.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(req.body)).toEqual({ agentName: "Reception" });
  });

  it("unwrap returns the typed success body of a pending call or of an awaited response", async () => {
    const client = createAgniClient({ baseUrl: api.url, token: "t" });
    const body = await unwrap(client.agents.listAgents());
    expectTypeOf(body.data).toEqualTypeOf<Agent[]>();
    expect(body.data).toEqual([agent]);
    expect(body.meta.total).toBe("1");

    const response = await client.agents.listAgents();
    expect(unwrap(response).data[0]!.id).toBe(AGENT_ID);
  });

  it("maps an error envelope to AgniApiError with code, status, message and request id", async () => {
    const client = createAgniClient({ baseUrl: api.url, token: "t" });
    const err = await unwrap(client.agents.getAgent({ params: { id: MISSING_ID } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgniApiError);
    expect(err).toMatchObject({ code: "NOT_FOUND", status: 404, message: "Agent not found", requestId: "req-from-body" });
  });

  it("falls back to HTTP_<status> and the X-Request-Id header for a body that is not an envelope", async () => {
    const client = createAgniClient({ baseUrl: api.url, token: "t" });
    const html = await unwrap(client.calcom.getCalcomStatus()).catch((e: unknown) => e);
    expect(html).toBeInstanceOf(AgniApiError);
    expect(html).toMatchObject({ code: "HTTP_502", status: 502, requestId: "req-from-header" });
    expect((html as Error).message).toContain("Bad gateway");

    const broken = await unwrap(client.apiKeys.listApiKeys()).catch((e: unknown) => e);
    expect(broken).toMatchObject({ code: "HTTP_503", status: 503, message: "{not json", requestId: undefined });
  });

  it("reports a refused connection as AgniConnectionError naming the base URL", async () => {
    const closed = await startFakeApi();
    await new Promise<void>((resolve) => closed.server.close(() => resolve()));
    const client = createAgniClient({ baseUrl: closed.url, token: "t" });
    const err = await client.agents.listAgents().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgniConnectionError);
    expect((err as AgniConnectionError).message).toContain(`Cannot reach the Agni API at ${closed.url}`);
    expect((err as AgniConnectionError).message).toContain("ECONNREFUSED");
  });

  it("reports a server that never answers as a timeout", async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const client = createAgniClient({ baseUrl: url, token: "t", timeoutMs: 200 });
      const err = await client.agents.listAgents().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AgniConnectionError);
      expect((err as Error).message).toBe(`Cannot reach the Agni API at ${url}: no answer within 200 ms`);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it("rejects a relative base URL and conflicting credentials", () => {
    expect(() => createAgniClient({ baseUrl: "localhost:3000" })).toThrow(TypeError);
    expect(() => createAgniClient({ baseUrl: "ftp://example.com" })).toThrow(/http or https/);
    expect(() => createAgniClient({ baseUrl: api.url, token: "t", apiKey: "k" })).toThrow(/not both/);
  });
});
