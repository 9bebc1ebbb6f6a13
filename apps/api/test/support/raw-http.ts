import { request } from "node:http";

/**
 * GET with the path and headers sent exactly as given: fetch resolves `..`, re-encodes the path and will not send a
 * Host header of the caller's choosing.
 */
export function rawGet(baseUrl: string, pathAsSent: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path: pathAsSent, method: "GET", headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, body }));
    });
    req.on("error", reject);
    req.end();
  });
}
