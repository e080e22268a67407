/**
 * The node's HTTP endpoints: GET /healthz (200 while the loop is ticking, 503 when it stalled) and
 * GET /metrics (Prometheus text format).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import type { Metrics } from "./metrics.js";

export async function startServer(
  metrics: Metrics,
  options: { host: string; port: number; stalledAfterMs: number },
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.url === "/healthz") {
      const age = Date.now() - metrics.lastTickAt;
      const ok = metrics.lastTickAt > 0 && age < options.stalledAfterMs;
      res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok, lastBlock: metrics.lastBlock.toString(), lastTickAgeMs: age }));
      return;
    }
    if (req.url === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      res.end(metrics.render());
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
