import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "./support/test-api";

// Connections that hold the server: real sockets against the real server set-up (the one main.ts uses), with short
// limits so that nothing here sleeps long. Every wait is for an event (an answer, a close), bounded generously.

/** A raw TCP connection to the API that keeps everything it receives. */
async function open(api: TestApi): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  const { hostname, port } = new URL(api.url);
  const socket = connect(Number(port), hostname);
  let data = "";
  socket.setEncoding("utf8");
  socket.on("data", (c: string) => (data += c));
  socket.on("error", () => undefined); // a refused or reset connection shows as `closed` with nothing received
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return { socket, received: () => data, closed };
}

/** Resolves when `closed` does; fails the test if the server still holds the connection after `ms`. */
async function closedWithin(closed: Promise<void>, ms: number, what: string) {
  let timer: NodeJS.Timeout | undefined;
  const held = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the server still held ${what} after ${ms} ms`)), ms)));
  try {
    await Promise.race([closed, held]);
  } finally {
    clearTimeout(timer);
  }
}

const envelopeOf = (response: string) => JSON.parse(response.slice(response.indexOf("\r\n\r\n") + 4));

describe("header, request and keep-alive timeouts", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ server: { headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 300 } });
  });
  afterAll(() => api?.close());

  it("cuts off a client that sends its headers too slowly with 408 in the envelope", async () => {
    const c = await open(api);
    c.socket.write("GET /health HTTP/1.1\r\nHost: agni\r\nX-Slow: ");
    await closedWithin(c.closed, 5_000, "a connection whose headers never ended");
    expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(envelopeOf(c.received())).toMatchObject({ success: false, code: "REQUEST_TIMEOUT", message: expect.any(String) });
  });

  it("cuts off an authenticated client whose body never arrives with 408, having written nothing", async () => {
    const { orgId, token } = await api.org();
    const c = await open(api);
    c.socket.write(
      `POST /api/v1/agents/ HTTP/1.1\r\nHost: agni\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"agentName":`,
    );
    await closedWithin(c.closed, 5_000, "a request whose body never ended");
    expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(envelopeOf(c.received())).toMatchObject({ success: false, code: "REQUEST_TIMEOUT" });
    expect(await api.prisma.agent.count({ where: { organizationId: orgId } })).toBe(0);
  });

  it("closes an idle keep-alive connection after the keep-alive timeout", async () => {
    const c = await open(api);
    c.socket.write("GET /health HTTP/1.1\r\nHost: agni\r\nConnection: keep-alive\r\n\r\n");
    await expect.poll(() => c.received(), { timeout: 5_000 }).toMatch(/^HTTP\/1\.1 200 [\s\S]*"status":"ok"/);
    await closedWithin(c.closed, 3_000, "an idle keep-alive connection"); // Node's default is 5 s
  });
});

describe("connection cap", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ server: { maxConnections: 2 } });
  });
  afterAll(() => api?.close());

  it("refuses connections over the cap without serving them, and accepts again once one closes", async () => {
    const request = "GET /health HTTP/1.1\r\nHost: agni\r\nConnection: keep-alive\r\n\r\n";
    const held = [await open(api), await open(api)];
    for (const c of held) {
      c.socket.write(request);
      await expect.poll(() => c.received(), { timeout: 5_000 }).toMatch(/^HTTP\/1\.1 200 /);
    }
    const over = await open(api); // the kernel accepts; the server closes it at once
    over.socket.write(request);
    await closedWithin(over.closed, 5_000, "a connection over the cap");
    expect(over.received()).toBe("");

    held[0]!.socket.destroy();
    await held[0]!.closed;
    await expect
      .poll(
        async () => {
          const c = await open(api);
          c.socket.write("GET /health HTTP/1.1\r\nHost: agni\r\nConnection: close\r\n\r\n");
          await c.closed;
          return c.received();
        },
        { timeout: 5_000 },
      )
      .toMatch(/^HTTP\/1\.1 200 /);
    held[1]!.socket.destroy();
  });
});
