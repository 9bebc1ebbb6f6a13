import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from "node:dns";
import { BlockList, isIP } from "node:net";

// Where events may be sent. In production (unless AGNI_WEBHOOK_ALLOW_PRIVATE=true) a subscription's URL must be https
// and must not reach this server's own networks: loopback, private ranges, link-local (cloud metadata at
// 169.254.169.254), carrier-grade NAT, unique-local and unspecified addresses. The URL is checked when the subscription
// is created; host names are checked again at every delivery against what they resolve to then (DNS may change).

const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 3],
] as const) {
  blocked.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  blocked.addSubnet(net, prefix, "ipv6");
}

/** Whether an IP address belongs to a private, loopback, link-local or otherwise non-public range. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const ip = mapped ? (mapped[1] as string) : address;
  const family = isIP(ip);
  if (family === 0) return true; // not an address at all: never connect to it unchecked
  return blocked.check(ip, family === 4 ? "ipv4" : "ipv6");
}

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, "");

/** Why `url` cannot receive events, or null when it can. */
export function subscriptionUrlProblem(url: string, allowPrivate: boolean): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "url must be an absolute URL such as https://crm.example.com/agni";
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return "url must use https";
  if (parsed.username || parsed.password) return "url must not carry a user name or password; every delivery is signed instead";
  if (parsed.hash) return "url must not have a fragment";
  if (allowPrivate) return null;
  if (parsed.protocol !== "https:") return "url must use https";
  const host = hostOf(parsed);
  if (host === "localhost" || host.endsWith(".localhost") || (isIP(host) !== 0 && isPrivateAddress(host))) {
    return "url must point at a public address, not a private or loopback one (set AGNI_WEBHOOK_ALLOW_PRIVATE=true to allow it)";
  }
  return null;
}

export class PrivateAddressError extends Error {
  readonly code = "EPRIVATEADDRESS";
  constructor(host: string) {
    super(`${host} resolves to a private or loopback address, where events are not sent`);
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http(s).request that refuses private addresses, so that what is checked is what is connected to
 * (no second resolution in between for DNS to change).
 */
export function publicOnlyLookup(hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    if (addresses.length === 0 || addresses.some((a) => isPrivateAddress(a.address))) return callback(new PrivateAddressError(hostname), []);
    if (options.all) return callback(null, addresses);
    const first = addresses[0] as LookupAddress;
    callback(null, first.address, first.family);
  });
}

/** The literal IP host of a URL that must not be connected to (host names are checked by `publicOnlyLookup`). */
export function privateLiteralHost(url: URL): string | null {
  const host = hostOf(url);
  return isIP(host) !== 0 && isPrivateAddress(host) ? host : null;
}
