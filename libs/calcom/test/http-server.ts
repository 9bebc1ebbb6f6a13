import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A real HTTP server on a random port whose answers the test scripts, one handler per request in order. */
export async function scriptedServer(...answers: ((req: SeenRequest, res: ServerResponse) => void)[]) {
  const seen: SeenRequest[] = [];
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const entry = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
    seen.push(entry);
    const answer = answers[Math.min(seen.length - 1, answers.length - 1)];
    if (answer) answer(entry, res);
    else res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) => (_req: SeenRequest, res: ServerResponse) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};

export const text = (status: number, body: string) => (_req: SeenRequest, res: ServerResponse) => {
  res.writeHead(status, { "content-type": "text/html" });
  res.end(body);
};
