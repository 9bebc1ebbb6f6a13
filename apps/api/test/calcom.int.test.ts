import { randomUUID } from "node:crypto";
import { createSandbox } from "@agni/calcom-sandbox";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedExample } from "./support/seeds";
import { startTestApi, type TestApi } from "./support/test-api";
import { createActiveTool } from "./support/tools";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.close());

type Auth = Record<string, string>;

async function newAgent(auth: Auth, name = "Receptionist") {
  return (await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: name, calcomEventTypeId: 7 } })).body.data as {
    id: string;
  };
}

async function connectOrg(auth: Auth, accountName?: string) {
  const { apiKey } = api.calcomUser();
  const res = await api.request("POST", "/api/v1/calcom/connect", {
    auth,
    body: { api_key: apiKey, api_base_url: api.sandboxUrl, ...(accountName ? { account_name: accountName } : {}) },
  });
  return { res, apiKey, id: res.body?.data?.provider_id as string };
}

const account = (auth: Auth, agentId: string) => api.request("GET", `/api/v1/calcom/agents/${agentId}/account`, { auth });

describe("org-level Cal.com connections", () => {
  it("validates the key with Cal.com, stores it encrypted and only ever shows it masked", async () => {
    const { auth } = await api.org();
    const { res, apiKey } = await connectOrg(auth);
    expect(res.status).toBe(201);
    expect(res.body.message).toBe("Cal.com account connected");
    expect(res.body.data).toMatchObject({
      account_name: "Default",
      status: "active",
      api_base_url: api.sandboxUrl,
      api_key: `cal_test_…${apiKey.slice(-4)}`,
      calcom_user: { username: expect.stringMatching(/^user/), time_zone: "Europe/Berlin" },
    });
    expect(Date.parse(res.body.data.connected_at)).not.toBeNaN();
    expect(JSON.stringify(res.body)).not.toContain(apiKey);

    const status = await api.request("GET", "/api/v1/calcom/status", { auth });
    expect(status.body).toMatchObject({ success: true, data: { connected: true, status: "active" } });
    expect(status.body.data.accounts).toHaveLength(1);
    expect(status.body.data.accounts[0]).toMatchObject({ id: res.body.data.provider_id, account_name: "Default", status: "active", error: null });
    expect(JSON.stringify(status.body)).not.toContain(apiKey);
  });

  it("keeps the key encrypted at rest and clears it on disconnect", async () => {
    const { auth } = await api.org();
    const { apiKey, id } = await connectOrg(auth);
    const row = await api.prisma.calcomAccount.findUniqueOrThrow({ where: { id } });
    expect(row.apiKeyEncrypted).toMatch(/^v1:/);
    expect(row.apiKeyEncrypted).not.toContain(apiKey);
    expect(JSON.stringify(row)).not.toContain(apiKey);
    await api.request("POST", "/api/v1/calcom/disconnect", { auth, body: { provider_id: id } });
    const after = await api.prisma.calcomAccount.findUniqueOrThrow({ where: { id } });
    expect(after).toMatchObject({ status: "inactive", apiKeyEncrypted: null });
    expect(after.disconnectedAt).toBeInstanceOf(Date);
  });

  it("reconnecting under the same account name replaces the key (200) instead of adding an account", async () => {
    const { auth } = await api.org();
    const first = await connectOrg(auth, "Sales");
    const second = await connectOrg(auth, "Sales");
    expect(second.res.status).toBe(200);
    expect(second.res.body.message).toBe("Cal.com account reconnected");
    expect(second.id).toBe(first.id);
    expect(second.res.body.data.api_key).toBe(`cal_test_…${second.apiKey.slice(-4)}`);
    const other = await connectOrg(auth, "Support");
    expect(other.res.status).toBe(201);
    const status = await api.request("GET", "/api/v1/calcom/status", { auth });
    expect(status.body.data.accounts.map((a: { account_name: string }) => a.account_name)).toEqual(["Sales", "Support"]);
  });

  it("concurrent connects under one account name make one account, not several", async () => {
    const { auth, orgId } = await api.org();
    const answers = await Promise.all(Array.from({ length: 20 }, () => connectOrg(auth, "Front desk")));
    expect(answers.map((a) => a.res.status).sort()).toEqual([...Array(19).fill(200), 201]);
    expect(new Set(answers.map((a) => a.id)).size).toBe(1);
    expect(await api.prisma.calcomAccount.count({ where: { organizationId: orgId } })).toBe(1);
  });

  it("rejects a key Cal.com refuses with 400, and stores nothing", async () => {
    const { auth } = await api.org();
    const res = await api.request("POST", "/api/v1/calcom/connect", {
      auth,
      body: { api_key: "cal_test_notarealkey000000000000", api_base_url: api.sandboxUrl },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("INVALID_REQUEST");
    expect(res.body.message).toBe(`Cal.com at ${api.sandboxUrl} rejected the API key: check that it is correct and still active`);
    const status = await api.request("GET", "/api/v1/calcom/status", { auth });
    expect(status.body.data).toEqual({ connected: false, status: "not_connected", accounts: [] });
  });

  it("names the missing licence key of a self-hosted Cal.com that refuses every API key, and stores nothing", async () => {
    const selfHosted = createSandbox({ withoutLicence: true });
    const { apiKey } = selfHosted.addUser({ username: "self-hosted" });
    const server = await selfHosted.listen(0);
    try {
      const { auth } = await api.org();
      const res = await api.request("POST", "/api/v1/calcom/connect", { auth, body: { api_key: apiKey, api_base_url: server.url } });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: "INVALID_REQUEST", message: expect.stringContaining("CALCOM_LICENSE_KEY") });
      expect((await api.request("GET", "/api/v1/calcom/status", { auth })).body.data.accounts).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it("answers 502 when Cal.com cannot be reached, and stores nothing", async () => {
    const { auth } = await api.org();
    const res = await api.request("POST", "/api/v1/calcom/connect", {
      auth,
      body: { api_key: "cal_test_whatever000000000000", api_base_url: "http://127.0.0.1:9" },
    });
    expect(res.status).toBe(502);
    expect(res.body.code).toBe("BAD_GATEWAY");
    expect((await api.request("GET", "/api/v1/calcom/status", { auth })).body.data.accounts).toEqual([]);
  });

  it("validates the connect body", async () => {
    const { auth } = await api.org();
    const cases: Array<[unknown, RegExp]> = [
      [{}, /api_key is required/],
      [{ api_key: "" }, /api_key must not be empty/],
      [{ api_key: "cal_x", api_base_url: "not a url" }, /api_base_url must be an absolute URL/],
      [{ api_key: "cal_x", api_base_url: "ftp://cal.example" }, /http or https/],
      [{ api_key: "cal_x", extra: true }, /extra/],
    ];
    for (const [body, message] of cases) {
      const res = await api.request("POST", "/api/v1/calcom/connect", { auth, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.message).toMatch(message);
    }
  });

  it("disconnects softly: status inactive, key gone, assigned agents fall back to none", async () => {
    const { auth } = await api.org();
    const a = await connectOrg(auth, "A");
    const b = await connectOrg(auth, "B");
    const agent = await newAgent(auth);
    await api.request("PUT", `/api/v1/calcom/agents/${agent.id}/account`, { auth, body: { calcom_account_id: a.id } });

    const one = await api.request("POST", "/api/v1/calcom/disconnect", { auth, body: { provider_id: a.id } });
    expect(one.body).toMatchObject({ success: true, data: { disconnected: 1, provider_ids: [a.id] } });
    expect((await account(auth, agent.id)).body.data).toEqual({ connected: false, type: "none" });
    const status = await api.request("GET", "/api/v1/calcom/status", { auth });
    expect(status.body.data.accounts.map((x: { id: string }) => x.id)).toEqual([b.id]);

    const reassign = await api.request("PUT", `/api/v1/calcom/agents/${agent.id}/account`, { auth, body: { calcom_account_id: a.id } });
    expect(reassign.status).toBe(404);

    const all = await api.request("POST", "/api/v1/calcom/disconnect", { auth, body: {} });
    expect(all.body.data).toEqual({ disconnected: 1, provider_ids: [b.id] });
    expect((await api.request("GET", "/api/v1/calcom/status", { auth })).body.data.connected).toBe(false);
    const unknown = await api.request("POST", "/api/v1/calcom/disconnect", { auth, body: { provider_id: randomUUID() } });
    expect(unknown.status).toBe(404);
  });
});

describe("agents' Cal.com accounts", () => {
  it("follows the effective-account rule: private key, else org-linked, else none", async () => {
    const { auth } = await api.org();
    const agent = await newAgent(auth);
    expect((await account(auth, agent.id)).body).toEqual({
      success: true,
      message: "Agent Cal.com account retrieved",
      data: { connected: false, type: "none" },
    });

    const org = await connectOrg(auth, "Team");
    const assigned = await api.request("PUT", `/api/v1/calcom/agents/${agent.id}/account`, { auth, body: { calcom_account_id: org.id } });
    expect(assigned.body).toEqual({
      success: true,
      message: "Agent Cal.com account updated",
      data: { agent_id: agent.id, agent_name: "Receptionist", calcom_account_id: org.id },
    });
    expect((await account(auth, agent.id)).body.data).toEqual({
      connected: true,
      type: "org_linked",
      calcom_account_id: org.id,
      account_name: "Team",
      status: "active",
      api_base_url: api.sandboxUrl,
    });

    // Mutual exclusion: no private key while an org account is assigned.
    const { apiKey } = api.calcomUser();
    const blocked = await api.request("POST", `/api/v1/calcom/agents/${agent.id}/connect`, { auth, body: { api_key: apiKey, api_base_url: api.sandboxUrl } });
    expect(blocked.status).toBe(409);
    expect(blocked.body.code).toBe("CONFLICT");

    await api.request("PUT", `/api/v1/calcom/agents/${agent.id}/account`, { auth, body: { calcom_account_id: null } });
    const priv = await api.request("POST", `/api/v1/calcom/agents/${agent.id}/connect`, {
      auth,
      body: { api_key: apiKey, api_base_url: api.sandboxUrl, account_name: "Mine" },
    });
    expect(priv.status).toBe(201);
    expect(priv.body.data).toMatchObject({ agent_id: agent.id, account_name: "Mine", status: "active" });
    expect(JSON.stringify(priv.body)).not.toContain(apiKey);
    expect((await account(auth, agent.id)).body.data).toMatchObject({ type: "agent", calcom_account_id: priv.body.data.provider_id });

    // And no org account while the agent has its own key.
    const blocked2 = await api.request("PUT", `/api/v1/calcom/agents/${agent.id}/account`, { auth, body: { calcom_account_id: org.id } });
    expect(blocked2.status).toBe(409);

    const agentView = await api.request("GET", `/api/v1/agents/${agent.id}/`, { auth });
    expect(agentView.body.data).toMatchObject({
      calcomConnectionType: "agent",
      calcomAccountName: "Mine",
      calcomApiUrl: api.sandboxUrl,
      calcomStatus: "active",
      calcomApiKey: `cal_test_…${apiKey.slice(-4)}`,
    });

    const disc = await api.request("POST", `/api/v1/calcom/agents/${agent.id}/disconnect`, { auth });
    expect(disc.body).toMatchObject({ message: "Agent Cal.com account disconnected", data: { agent_id: agent.id, disconnected: 1 } });
    expect((await account(auth, agent.id)).body.data).toEqual({ connected: false, type: "none" });
    const again = await api.request("POST", `/api/v1/calcom/agents/${agent.id}/disconnect`, { auth });
    expect(again.body).toMatchObject({ message: "No agent-level connection found", data: { disconnected: 0 } });
  });

  it("matches the three seed pages: info, account and status (keys and messages)", async () => {
    const { auth } = await api.org();
    const agent = await newAgent(auth);
    const noneStatus = await api.request("GET", `/api/v1/calcom/agents/${agent.id}/status`, { auth });
    expect(noneStatus.body).toEqual(seedExample("get-agent-calcom-status.txt", 2));

    const { apiKey } = api.calcomUser();
    await api.request("POST", `/api/v1/calcom/agents/${agent.id}/connect`, { auth, body: { api_key: apiKey, api_base_url: api.sandboxUrl } });

    for (const [page, route] of [
      ["get-agent-calcom-info.txt", "info"],
      ["get-agent-calcom-account.md", "account"],
      ["get-agent-calcom-status.txt", "status"],
    ] as const) {
      const seed = seedExample(page, 0) as { message: string; data: Record<string, unknown> };
      const res = await api.request("GET", `/api/v1/calcom/agents/${agent.id}/${route}`, { auth });
      expect(res.status).toBe(200);
      expect(res.body.success).toBe(true);
      expect(res.body.message).toBe(seed.message);
      expect(Object.keys(res.body.data)).toEqual(expect.arrayContaining(Object.keys(seed.data)));
      for (const [key, value] of Object.entries(seed.data)) {
        expect(typeof res.body.data[key], `${route}.${key}`).toBe(Array.isArray(value) ? "object" : typeof value);
      }
    }
    const status = await api.request("GET", `/api/v1/calcom/agents/${agent.id}/status`, { auth });
    expect(Object.keys(status.body.data.accounts[0]).sort()).toEqual(["account_name", "error", "id", "status"]);
    const info = await api.request("GET", `/api/v1/calcom/agents/${agent.id}/info`, { auth });
    expect(info.body.data).toMatchObject({ connected: true, type: "agent", agent_id: agent.id, event_type_id: 7, api_key: `cal_test_…${apiKey.slice(-4)}` });
  });

  it("returns 400 for malformed ids and 404 across tenants, for agents and accounts alike", async () => {
    const a = await api.org();
    const b = await api.org();
    const agentA = await newAgent(a.auth);
    const agentB = await newAgent(b.auth);
    const orgAccountA = await connectOrg(a.auth);

    for (const route of ["info", "account", "status"]) {
      const bad = await api.request("GET", `/api/v1/calcom/agents/nope/${route}`, { auth: a.auth });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ code: "INVALID_REQUEST", message: "agent_id must be a UUID" });
      const other = await api.request("GET", `/api/v1/calcom/agents/${agentA.id}/${route}`, { auth: b.auth });
      expect(other.status).toBe(404);
      expect(other.body.code).toBe("NOT_FOUND");
    }
    const steal = await api.request("PUT", `/api/v1/calcom/agents/${agentB.id}/account`, { auth: b.auth, body: { calcom_account_id: orgAccountA.id } });
    expect(steal.status).toBe(404);
    const foreignDisconnect = await api.request("POST", "/api/v1/calcom/disconnect", { auth: b.auth, body: { provider_id: orgAccountA.id } });
    expect(foreignDisconnect.status).toBe(404);
    const { apiKey } = api.calcomUser();
    const foreignConnect = await api.request("POST", `/api/v1/calcom/agents/${agentA.id}/connect`, { auth: b.auth, body: { api_key: apiKey, api_base_url: api.sandboxUrl } });
    expect(foreignConnect.status).toBe(404);
    const badBody = await api.request("PUT", `/api/v1/calcom/agents/${agentA.id}/account`, { auth: a.auth, body: { calcom_account_id: "x" } });
    expect(badBody.status).toBe(400);
    expect(badBody.body.message).toMatch(/calcom_account_id must be a UUID or null/);
    expect((await account(a.auth, agentA.id)).body.data.type).toBe("none");
  });

  it("never writes a Cal.com key or an API key to the logs", async () => {
    const { auth } = await api.org();
    const { apiKey } = await connectOrg(auth);
    const created = await api.request("POST", "/api/v1/api-keys", { auth, body: { name: "k" } });
    await api.request("GET", "/api/v1/agents/", { auth: { "x-api-key": created.body.data.key } });
    const logs = api.logs.join("");
    expect(logs).toContain('"msg":"request"');
    expect(logs).not.toContain(apiKey);
    expect(logs).not.toContain(created.body.data.key);
    expect(logs).not.toContain(auth.authorization!.slice(7));
  });
});

describe("AGNI_CALCOM_ALLOWED_ORIGINS", () => {
  let guarded: TestApi;
  beforeAll(async () => {
    guarded = await startTestApi({ config: (sandboxUrl) => ({ calcomAllowedOrigins: [new URL(sandboxUrl).origin] }) });
  });
  afterAll(() => guarded?.close());

  it("refuses to connect to any other origin before sending it the key, and stores nothing", async () => {
    const { auth, orgId } = await guarded.org();
    const { apiKey } = guarded.calcomUser();
    const agent = (await guarded.request("POST", "/api/v1/agents/", { auth, body: { agentName: "Guarded" } })).body.data as { id: string };
    for (const path of ["/api/v1/calcom/connect", `/api/v1/calcom/agents/${agent.id}/connect`]) {
      for (const elsewhere of ["http://169.254.169.254/latest", "https://api.cal.com", guarded.sandboxUrl.replace("127.0.0.1", "localhost")]) {
        const res = await guarded.request("POST", path, { auth, body: { api_key: apiKey, api_base_url: elsewhere } });
        expect(res.status, `${path} → ${elsewhere}`).toBe(400);
        expect(res.body).toMatchObject({
          success: false,
          code: "INVALID_REQUEST",
          message: `api_base_url ${new URL(elsewhere).origin} is not allowed on this deployment`,
          details: { field: "api_base_url", allowed_origins: [new URL(guarded.sandboxUrl).origin] },
        });
      }
    }
    expect(await guarded.prisma.calcomAccount.count({ where: { organizationId: orgId } })).toBe(0);
    expect((await guarded.request("GET", "/api/v1/calcom/status", { auth })).body.data).toMatchObject({ connected: false });
    // The allowed origin, with or without a path, connects.
    const ok = await guarded.request("POST", `/api/v1/calcom/agents/${agent.id}/connect`, { auth, body: { api_key: apiKey, api_base_url: `${guarded.sandboxUrl}/` } });
    expect(ok.status).toBe(201);
  });

  it("stops a stored account whose origin is no longer allowed from being called during a conversation", async () => {
    const { auth } = await guarded.org();
    const { apiKey, id: userId } = guarded.calcomUser();
    const eventType = guarded.sandbox.addEventType(userId, { title: "Call", slug: `call-${userId}`, lengthInMinutes: 30 }) as { id: number };
    const agent = (await guarded.request("POST", "/api/v1/agents/", { auth, body: { agentName: "Moved", calcomEventTypeId: eventType.id } })).body.data as { id: string };
    const connected = await guarded.request("POST", `/api/v1/calcom/agents/${agent.id}/connect`, { auth, body: { api_key: apiKey, api_base_url: guarded.sandboxUrl } });
    expect(connected.status).toBe(201);
    await createActiveTool(guarded, auth, { name: "calendar", type: "calcom", agentId: agent.id, enabledFunctions: { values: ["suggest"] } });
    // The connect's own background work (webhook registration, first reconciliation) finishes first: its calls were
    // made with the origin allowed at the time, and are not what this test counts.
    await guarded.mirrorSettled();
    const suggest = () => guarded.request("POST", "/api/v1/calcom/appointments/manage", { auth, body: { action: "suggest", agent_id: agent.id, timezone: "UTC" } });
    // As if the account had been connected before the deployment narrowed its list (written before any call reads
    // and caches the agent).
    await guarded.prisma.calcomAccount.update({ where: { id: connected.body.data.provider_id }, data: { apiBaseUrl: "http://10.0.0.1:8080" } });
    const before = guarded.sandbox.requests.length;
    const refused = await suggest();
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ success: false, code: "NOT_CONNECTED", details: { reason: expect.stringContaining("AGNI_CALCOM_ALLOWED_ORIGINS") } });
    expect(guarded.sandbox.requests.length).toBe(before);
  });
});

// api_base_url is the caller's to choose, so the API must not become a way to look around the network it runs in.
describe("api_base_url as a probe", () => {
  const SECRET = "internal-secret-7f3a";
  const servers: Array<HttpServer | TcpServer> = [];
  const sockets = new Set<Socket>();
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  async function listening(server: HttpServer | TcpServer): Promise<string> {
    servers.push(server);
    server.on("connection", (socket: Socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  const http = (status: number, type: string, body: string) =>
    listening(createHttpServer((_req, res) => res.writeHead(status, { "content-type": type }).end(body)));

  it("refuses a URL carrying a user name or password with 400 before any request, and never logs or repeats it", async () => {
    const { auth } = await api.org();
    const agent = await newAgent(auth);
    const { apiKey } = api.calcomUser();
    const sandboxHost = new URL(api.sandboxUrl).host;
    const before = api.sandbox.requests.length;
    for (const path of ["/api/v1/calcom/connect", `/api/v1/calcom/agents/${agent.id}/connect`]) {
      for (const url of [`http://agni:${SECRET}@${sandboxHost}`, `http://${SECRET}@${sandboxHost}/v2`, `https://:${SECRET}@api.cal.com`]) {
        const res = await api.request("POST", path, { auth, body: { api_key: apiKey, api_base_url: url } });
        expect(res.status, url).toBe(400);
        expect(res.body).toMatchObject({ success: false, code: "INVALID_REQUEST", message: "api_base_url must not contain a user name or password" });
      }
    }
    expect(api.sandbox.requests.length).toBe(before);
    expect(JSON.stringify(api.responses)).not.toContain(SECRET);
    expect(api.logs.join("")).not.toContain(SECRET);
  });

  it("answers every way an address can fail with the same 502, naming no cause and repeating nothing the target said", async () => {
    const closedPort = await listening(createTcpServer());
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const targets: Record<string, string> = {
      "a closed port": closedPort,
      "a port that accepts and hangs up": await listening(createTcpServer((socket) => socket.destroy())),
      "a port that speaks another protocol": await listening(createTcpServer((socket) => socket.end(`SSH-2.0-OpenSSH_9.6 ${SECRET}\r\n`))),
      "an HTTP 500 with a body": await http(500, "text/plain", `database ${SECRET} is down`),
      "an HTTP 503 in Cal.com's shape": await http(503, "application/json", JSON.stringify({ status: "error", error: { message: SECRET } })),
      "an HTML page": await http(200, "text/html", `<html><title>${SECRET}</title></html>`),
      "JSON of another shape": await http(200, "application/json", JSON.stringify({ status: "success", data: { [SECRET]: true } })),
    };
    const { auth } = await api.org();
    const answers: Record<string, string> = {};
    for (const [what, url] of Object.entries(targets)) {
      const res = await api.request("POST", "/api/v1/calcom/connect", { auth, body: { api_key: "cal_test_probe000000000000000000", api_base_url: url } });
      expect(res.status, what).toBe(502);
      expect(res.body.code, what).toBe("BAD_GATEWAY");
      expect(res.body.details, what).toBeUndefined();
      answers[what] = res.body.message.replace(url, "<origin>");
    }
    expect(new Set(Object.values(answers)), JSON.stringify(answers, null, 1)).toEqual(new Set(["Could not reach Cal.com at <origin>; check api_base_url and try again"]));
    const said = JSON.stringify(api.responses) + api.logs.join("");
    for (const leak of [SECRET, "ECONNREFUSED", "UND_ERR", "ECONNRESET", "other side closed", "SSH-2.0", "expected shape"]) expect(said).not.toContain(leak);
  });

  it("answers the target's own refusals without repeating their text", async () => {
    const { auth } = await api.org();
    const cases: Array<[number, RegExp]> = [
      [401, /^Cal\.com at http:\/\/127\.0\.0\.1:\d+ rejected the API key: check that it is correct and still active$/],
      [403, /^Cal\.com at http:\/\/127\.0\.0\.1:\d+ rejected the API key: check that it is correct and still active$/],
      [400, /^Cal\.com at http:\/\/127\.0\.0\.1:\d+ refused the request \(HTTP 400\)$/],
      [404, /^Cal\.com at http:\/\/127\.0\.0\.1:\d+ did not recognise the request: check api_base_url$/],
    ];
    for (const [status, message] of cases) {
      const url = await http(status, "application/json", JSON.stringify({ status: "error", error: { code: "X", message: `${SECRET} says no` } }));
      const res = await api.request("POST", "/api/v1/calcom/connect", { auth, body: { api_key: "cal_test_probe000000000000000000", api_base_url: url } });
      expect(res.status, String(status)).toBe(400);
      expect(res.body.message).toMatch(message);
    }
    expect(JSON.stringify(api.responses) + api.logs.join("")).not.toContain(SECRET);
  });
});
