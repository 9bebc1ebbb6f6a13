import type { Request } from "express";

// host or [IPv6], optional port: nothing else (no user info, path, query or spaces).
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * Where agent platforms reach this API, for the URLs it hands out (exported webhook tools): `AGNI_PUBLIC_URL` when
 * set (required in production); else, when the connection comes from a trusted proxy (`AGNI_TRUST_PROXY`), the host
 * and scheme it forwards (`X-Forwarded-Host`, `X-Forwarded-Proto`) if well-formed; else the address the connection came
 * in on. Never the `Host` header, which any client sets as it likes.
 */
export function publicBaseUrl(req: Request, configured: string | undefined): string {
  if (configured) return configured;
  const trust = req.app.get("trust proxy fn") as (address: string | undefined, hop: number) => boolean;
  if (trust(req.socket.remoteAddress, 0)) {
    const host = req.get("x-forwarded-host")?.split(",")[0]?.trim();
    const proto = req.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
    if (host && HOST.test(host)) return `${proto === "https" ? "https" : "http"}://${host}`;
  }
  const address = (req.socket.localAddress ?? "127.0.0.1").replace(/^::ffff:/, "");
  return `http://${address.includes(":") ? `[${address}]` : address}:${req.socket.localPort}`;
}
