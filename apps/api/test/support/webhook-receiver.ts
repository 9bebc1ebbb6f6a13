import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedDelivery {
  headers: IncomingHttpHeaders;
  /** The raw body, as signed. */
  body: string;
  /** The parsed body. */
  event: { id: string; type: string; created_at: string; organization_id: string; data: { appointment: { id: string; start_time: string }; previous?: { start_time: string } } };
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedDelivery[];
  /** How to answer each delivery (default 200); may wait (to hold a delivery in flight). */
  answer: (delivery: ReceivedDelivery) => number | Promise<number>;
  /** Resolves once `count` deliveries have arrived (fails after `ms`). */
  waitFor(count: number, ms?: number): Promise<ReceivedDelivery[]>;
  close(): Promise<void>;
}

/** A local HTTP endpoint that records every delivery it gets and answers as told. */
export async function startReceiver(): Promise<WebhookReceiver> {
  const waiters = new Set<() => void>();
  const receiver: Omit<WebhookReceiver, "url"> & { url: string } = {
    url: "",
    received: [],
    answer: () => 200,
    async waitFor(count, ms = 20_000) {
      const deadline = Date.now() + ms;
      while (receiver.received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} deliveries, got ${receiver.received.length}: ${receiver.received.map((r) => r.event.type).join(", ")}`);
        await new Promise<void>((resolve) => {
          const wake = () => (waiters.delete(wake), resolve());
          waiters.add(wake);
          setTimeout(wake, 100);
        });
      }
      return receiver.received;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const delivery: ReceivedDelivery = { headers: req.headers, body, event: JSON.parse(body) };
      receiver.received.push(delivery);
      for (const wake of waiters) wake();
      try {
        res.statusCode = await receiver.answer(delivery);
      } catch {
        res.statusCode = 500;
      }
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/agni/events`;
  return receiver;
}
