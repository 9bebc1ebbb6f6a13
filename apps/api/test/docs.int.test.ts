import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildOpenApiDocument } from "@agni/contracts/openapi";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawGet } from "./support/raw-http";
import { startTestApi, type TestApi } from "./support/test-api";

// The API reference in a real headless Chromium (Debian's package; .ci/run installs it when missing).
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../test-artifacts");

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.close());

describe("OpenAPI document and reference assets", () => {
  it("serves the contract's OpenAPI document without authentication", async () => {
    const res = await api.request("GET", "/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
  });

  it("serves the page's assets, and answers a missing or malicious asset path with 404 in the envelope, telling nothing of the file system", async () => {
    expect((await rawGet(api.url, "/docs/assets/swagger-ui.css")).status).toBe(200);
    const logsBefore = api.logs.length;
    const paths = [
      "/docs/assets/missing.js",
      "/docs/assets/",
      "/docs/assets",
      "/docs/assets/../../package.json",
      "/docs/assets/..%2f..%2fpackage.json",
      "/docs/assets/%2e%2e/%2e%2e/package.json",
      "/docs/assets/swagger-ui.css%00.js",
      "/docs/assets/%00",
      "/docs/assets/.hidden",
      "/docs/assets/%E0%80%AF",
    ];
    for (const p of paths) {
      const res = await rawGet(api.url, p);
      expect(res.status, `${p} -> ${res.body.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
      expect(res.status, p).toBeLessThan(500);
      expect(JSON.parse(res.body), p).toMatchObject({ success: false, code: expect.any(String), message: expect.any(String) });
      expect(res.body, p).not.toMatch(/node_modules|ENOENT|EISDIR|\/work\/|swagger-ui-dist|at /);
    }
    expect((await rawGet(api.url, "/docs/assets/missing.js")).status).toBe(404);
    const logged = api.logs.slice(logsBefore).join("");
    expect(logged).not.toMatch(/node_modules|ENOENT|EISDIR|swagger-ui-dist|"stack"|"level":50/);
    expect(logged).not.toContain(path.resolve(import.meta.dirname, "../../.."));
  });
});

describe("the reference page in a browser", () => {
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    });
  });
  afterAll(() => browser?.close());

  it("renders /docs from local assets, listing the Cal.com and tools operations, with no console errors", async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    page.on("pageerror", (e) => problems.push(e.message));
    const external: string[] = [];
    page.on("request", (r) => !r.url().startsWith(api.url) && !r.url().startsWith("data:") && external.push(r.url()));
    await page.goto(`${api.url}/docs`, { waitUntil: "networkidle" });
    await page.waitForSelector(".opblock", { timeout: 15_000 });
    const paths = await page.$$eval(".opblock-summary-path", (els) => els.map((e) => e.getAttribute("data-path") ?? e.textContent ?? ""));
    expect(paths).toEqual(expect.arrayContaining(["/api/v1/calcom/agents/{agent_id}/account", "/api/v1/calcom/appointments/manage", "/api/v1/tools/{id}/"]));
    expect(await page.title()).toBe("Agni API reference");
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "docs.png"), fullPage: false });
    expect(problems).toEqual([]);
    expect(external).toEqual([]);
    await page.close();
  }, 60_000);
});
