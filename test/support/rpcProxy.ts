/**
 * A JSON-RPC proxy for fault-injection tests: node:http on 127.0.0.1 in front of an upstream JSON-RPC
 * endpoint, passing requests and responses through byte for byte unless a fault is due.
 *
 *   const proxy = await RpcProxy.start(upstreamUrl);
 *   proxy.inject((call) => (call.method === "eth_sendRawTransaction" ? { kind: "dropAfter" } : undefined));
 *   …
 *   await proxy.close();
 *
 * Faults: `dropBefore` destroys the connection without forwarding; `dropAfter` forwards, then destroys
 * the connection so the answer is lost (the request did take effect); `status` answers with that HTTP
 * status (429…); `delay` waits before forwarding; `staleHead` answers eth_blockNumber with a number
 * `behind` blocks lower than the upstream's.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type RpcCall = { method: string; params: unknown[]; index: number };

export type RpcFault =
  | { kind: "dropBefore" }
  | { kind: "dropAfter" }
  | { kind: "status"; status: number }
  | { kind: "delay"; ms: number }
  | { kind: "staleHead"; behind: number };

/** Chooses the fault for a call (undefined = pass through). */
export type FaultPolicy = (call: RpcCall) => RpcFault | undefined;

export class RpcProxy {
  readonly url: string;
  /** Calls seen, by method. */
  readonly calls = new Map<string, number>();
  /** Faults injected, by kind. */
  readonly injected = new Map<string, number>();
  #policy: FaultPolicy = () => undefined;
  #index = 0;

  private constructor(
    private readonly server: Server,
    private readonly upstream: string,
  ) {
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  static async start(upstream: string): Promise<RpcProxy> {
    // eslint-disable-next-line prefer-const -- the handler reads it; it is set once the server exists
    let self: RpcProxy | undefined;
    const server = createServer((req, res) => void self!.serve(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
    self = new RpcProxy(server, upstream);
    return self;
  }

  /** Sets the fault policy (replacing the previous one). */
  inject(policy: FaultPolicy): this {
    this.#policy = policy;
    return this;
  }

  /** Passes everything through from now on. */
  heal(): this {
    return this.inject(() => undefined);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private count(map: Map<string, number>, key: string) {
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  private async serve(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    let parsed: { method?: string; params?: unknown[] } | { method?: string; params?: unknown[] }[];
    try {
      parsed = JSON.parse(body);
    } catch {
      res.writeHead(400).end();
      return;
    }
    // Batches are judged by their first call.
    const first = Array.isArray(parsed) ? parsed[0] : parsed;
    const call = { method: first?.method ?? "", params: first?.params ?? [], index: this.#index++ };
    this.count(this.calls, call.method);
    const fault = this.#policy(call);
    if (fault) this.count(this.injected, fault.kind);
    if (fault?.kind === "dropBefore") {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "status") {
      res.writeHead(fault.status, { "content-type": "application/json", "retry-after": "0" });
      res.end(JSON.stringify({ error: `proxy: HTTP ${fault.status}` }));
      return;
    }
    if (fault?.kind === "delay") await new Promise((r) => setTimeout(r, fault.ms));
    let answer: string;
    try {
      const upstream = await fetch(this.upstream, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      answer = await upstream.text();
    } catch {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "dropAfter") {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "staleHead" && call.method === "eth_blockNumber" && !Array.isArray(parsed)) {
      const reply = JSON.parse(answer) as { result?: string };
      if (reply.result) {
        const stale = BigInt(reply.result) - BigInt(fault.behind);
        reply.result = `0x${(stale < 0n ? 0n : stale).toString(16)}`;
        answer = JSON.stringify(reply);
      }
    }
    if (res.destroyed) return;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(answer);
  }
}
