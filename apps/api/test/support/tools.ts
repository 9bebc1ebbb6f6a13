import { expect } from "vitest";
import type { TestApi } from "./test-api";

/**
 * Creates a tool and activates it, as an operator does before agents may use it: tools are created inactive, and an
 * inactive tool serves no call and no export.
 */
export async function createActiveTool(api: Pick<TestApi, "request">, auth: Record<string, string>, body: Record<string, unknown>) {
  const created = await api.request("POST", "/api/v1/tools/", { auth, body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const activated = await api.request("PATCH", `/api/v1/tools/${created.body.data.id}/`, { auth, body: { isActive: true } });
  expect(activated.status, JSON.stringify(activated.body)).toBe(200);
  return activated.body.data as { id: string; name: string; agentId: string | null; isActive: true };
}
