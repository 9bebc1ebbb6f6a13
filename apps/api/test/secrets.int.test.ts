import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findLeaks, mintedKeys } from "./support/secret-scan";
import { startTestApi, type TestApi } from "./support/test-api";

// Every test file's API runs the secrets scan when it closes (support/test-api.ts); this file checks that the scan
// sees what it must — responses from any client, log lines — so that a clean result means something.
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.close());

describe("secrets scan", () => {
  it("records every response and flags a secret in a body or a log line, but not in the key's own creation", async () => {
    const { auth } = await api.org();
    const host = api.calcomUser();
    const agent = await api.request("POST", "/api/v1/agents/", { auth, body: { agentName: "Scanner" } });
    const connected = await api.request("POST", `/api/v1/calcom/agents/${agent.body.data.id}/connect`, {
      auth,
      body: { api_key: host.apiKey, api_base_url: api.sandboxUrl },
    });
    expect(connected.status).toBe(201);
    await api.request("GET", `/api/v1/calcom/agents/${agent.body.data.id}/account`, { auth });
    const minted = await api.request("POST", "/api/v1/api-keys", { auth, body: { name: "scan" } });
    const key: string = minted.body.data.key;
    await api.request("GET", "/api/v1/agents/", { auth: { "x-api-key": key } });

    expect(mintedKeys(api.responses)).toContain(key);
    // The real run is clean...
    expect(findLeaks([host.apiKey, key], api.responses, api.logs)).toEqual([]);
    // ...and the scan would notice: the agent's id stands in for a leaked value in a body, a made-up line for one in the logs.
    const inBody = findLeaks([agent.body.data.id], api.responses, []);
    expect(inBody.some((l) => l.startsWith("response POST /api/v1/agents/ (201)"))).toBe(true);
    expect(findLeaks([host.apiKey], [], [`{"msg":"oops ${host.apiKey}"}`])).toHaveLength(1);
  });
});
