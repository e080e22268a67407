/**
 * The node's HTTP endpoints: GET /healthz (200 while the loop makes progress, 503 when it is stuck;
 * see Metrics.health) and GET /metrics (Prometheus text format).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { ConfigError } from "../errors/BaseError.js";
import type { Metrics } from "./metrics.js";

export async function startServer(
  metrics: Metrics,
  options: { host: string; port: number; stalledAfterMs: number; modelBudgetMs: number },
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.url === "/healthz") {
      const health = metrics.health(options);
      res.writeHead(health.ok ? 200 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify(health));
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
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") {
        reject(new ConfigError(`http.port: port ${options.port} on ${options.host} is already in use`));
      } else if (error.code === "EACCES") {
        reject(new ConfigError(`http.port: no permission to listen on port ${options.port}`));
      } else reject(error);
    });
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
