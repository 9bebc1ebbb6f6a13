import { describe, expect, it } from "vitest";
import { isPrivateAddress, subscriptionUrlProblem } from "./url-policy";

describe("where events may be sent", () => {
  it("knows private, loopback, link-local and other non-public addresses, IPv4-mapped ones included", () => {
    for (const ip of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "::", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "224.0.0.1", "255.255.255.255"]) {
      expect(isPrivateAddress(ip), ip).toBe(true);
    }
    for (const ip of ["8.8.8.8", "172.32.0.1", "1.1.1.1", "2606:4700::1111", "::ffff:8.8.8.8"]) expect(isPrivateAddress(ip), ip).toBe(false);
  });

  it("in production takes only public https URLs without credentials; in development anything http(s)", () => {
    expect(subscriptionUrlProblem("https://crm.example.com/agni", false)).toBeNull();
    expect(subscriptionUrlProblem("https://8.8.8.8/agni", false)).toBeNull();
    expect(subscriptionUrlProblem("http://crm.example.com/agni", false)).toMatch(/https/);
    for (const url of ["https://127.0.0.1/x", "https://localhost:8443/x", "https://api.localhost/x", "https://[::1]/x", "https://169.254.169.254/latest", "https://10.0.0.5/x"]) {
      expect(subscriptionUrlProblem(url, false), url).toMatch(/private or loopback/);
    }
    expect(subscriptionUrlProblem("http://127.0.0.1:4000/hook", true)).toBeNull();
    expect(subscriptionUrlProblem("https://user:pw@crm.example.com/x", true)).toMatch(/user name or password/);
    expect(subscriptionUrlProblem("ftp://crm.example.com/x", true)).toMatch(/https/);
    expect(subscriptionUrlProblem("https://crm.example.com/x#frag", true)).toMatch(/fragment/);
  });
});
