/**
 * The demo for a browser: the demo's in-process Hardhat chain served over HTTP as a JSON-RPC endpoint,
 * the built web app (app/dist) served as static files, and the scenario's last step, which leaves
 * the agreement with a transition in its challenge period and a report window open, so every form of
 * the app has something to act on.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, resolve, sep } from "node:path";

import type { Hex } from "viem";

import { epochEnd } from "../node/clock.js";
import type { DemoRun } from "./setup.js";

export type Served = { url: string; port: number; close(): Promise<void> };

/** What the scenario's last step left on the chain (see `openLastEpoch`). */
export type OpenEpoch = {
  hub: Hex;
  execution: Hex;
  token: Hex;
  /** The epoch whose report window is open and whose transition is in its challenge period. */
  epoch: bigint;
  /** Its report window closes at this chain time. */
  reportCloses: bigint;
};

/**
 * An `afterEpochs` step for runDemo: moves the chain to just after the end of epoch `epochs` (the
 * first epoch the demo did not report) and lets every node act once, so its executor proposes a
 * transition that stays in its challenge period while the epoch's report window is open.
 */
export function openLastEpoch(epochs: number, done: (open: OpenEpoch) => void) {
  return async (run: DemoRun): Promise<void> => {
    const { clock, hub, token } = run.setup;
    const epoch = BigInt(epochs);
    const end = epochEnd(clock, epoch);
    if ((await run.chain.latest()) < end + 1n) await run.chain.setTime(end + 1n);
    for (const n of run.nodes) await n.tick();
    done({
      hub: hub.address,
      execution: run.execution,
      token: token.address,
      epoch,
      reportCloses: end + clock.reportWindow,
    });
  };
}

function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  host: string,
  port: number,
): Promise<Served> {
  const server = createServer(handler);
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => {
      const { port: bound } = server.address() as AddressInfo;
      done({
        url: `http://${host}:${bound}`,
        port: bound,
        close: () =>
          new Promise<void>((closed) => {
            server.close(() => closed());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** Revert data a provider error carries: a hex string at `data` or at `data.data`. */
function revertData(error: unknown): Hex | undefined {
  const data = (error as { data?: unknown }).data;
  if (typeof data === "string" && data.startsWith("0x")) return data as Hex;
  const inner = (data as { data?: unknown } | undefined)?.data;
  if (typeof inner === "string" && inner.startsWith("0x")) return inner as Hex;
  return undefined;
}

type RpcRequest = { id?: unknown; method?: unknown; params?: unknown };

/** What the endpoint forwards to: any EIP-1193 provider taking arbitrary methods (Hardhat's does). */
export type ForwardingProvider = {
  request(args: { method: string; params?: readonly unknown[] | object }): Promise<unknown>;
};

const paramsOf = (p: unknown): readonly unknown[] | object | undefined =>
  Array.isArray(p) || (typeof p === "object" && p !== null) ? p : undefined;

async function answer(provider: ForwardingProvider, req: RpcRequest): Promise<Record<string, unknown>> {
  const id = req.id ?? null;
  if (typeof req.method !== "string")
    return { jsonrpc: "2.0", id, error: { code: -32600, message: "invalid request: no method" } };
  try {
    const result = await provider.request({ method: req.method, params: paramsOf(req.params) ?? [] });
    return { jsonrpc: "2.0", id, result: result ?? null };
  } catch (e) {
    const error = e as { code?: unknown; message?: string };
    const data = revertData(e);
    return {
      jsonrpc: "2.0",
      id,
      error: {
        // A revert is code 3 with the raw revert data, as geth and Hardhat's node answer it.
        code: data !== undefined ? 3 : typeof error.code === "number" ? error.code : -32603,
        message: error.message ?? String(e),
        ...(data !== undefined ? { data } : {}),
      },
    };
  }
}

/**
 * Serves an EIP-1193 provider (the demo's in-process chain) as an HTTP JSON-RPC endpoint, batches
 * included, open to any origin (the app runs on another port).
 */
export function serveJsonRpc(provider: ForwardingProvider, host = "127.0.0.1", port = 0): Promise<Served> {
  return listen(
    (req, res) => {
      res.setHeader("Access-Control-Allow-Origin", "*");
      res.setHeader("Access-Control-Allow-Methods", "POST, OPTIONS");
      res.setHeader("Access-Control-Allow-Headers", "*");
      if (req.method === "OPTIONS") {
        res.writeHead(204).end();
        return;
      }
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        } catch {
          res
            .writeHead(200, { "content-type": "application/json" })
            .end(
              JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "parse error" } }),
            );
          return;
        }
        const reply = Array.isArray(body)
          ? await Promise.all(body.map((r) => answer(provider, r as RpcRequest)))
          : await answer(provider, body as RpcRequest);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(reply));
      });
    },
    host,
    port,
  );
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json",
};

/** Serves the files under `dir` (GET and HEAD; `/` is index.html); nothing outside it. */
export function serveStatic(dir: string, host = "127.0.0.1", port = 0): Promise<Served> {
  const root = resolve(dir);
  return listen(
    (req, res) => {
      const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
      const file = normalize(join(root, path === "/" ? "index.html" : path));
      if (
        (req.method !== "GET" && req.method !== "HEAD") ||
        !file.startsWith(root + sep) ||
        !existsSync(file) ||
        !statSync(file).isFile()
      ) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return;
      }
      const type = TYPES[extname(file)] ?? "application/octet-stream";
      res.writeHead(200, { "content-type": type, "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : readFileSync(file));
    },
    host,
    port,
  );
}

/** The newest modification time of the files under `dir`, skipping `skip` directory names. */
function newest(dir: string, skip: Set<string>): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p, skip) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * Builds the web app (`vite build app`) into app/dist when app/dist/index.html is missing or older
 * than a source file of the app or of the oracle modules it imports; returns app/dist.
 */
export async function ensureAppBuilt(root: string, log: (line: string) => void = () => {}): Promise<string> {
  const appDir = join(root, "app");
  const dist = join(appDir, "dist");
  if (!existsSync(join(appDir, "index.html")))
    throw new Error(`the web app's sources are missing: ${join(appDir, "index.html")} does not exist`);
  const built = existsSync(join(dist, "index.html")) ? statSync(join(dist, "index.html")).mtimeMs : 0;
  const skip = new Set(["dist", "node_modules"]);
  const sources = Math.max(newest(appDir, skip), newest(join(root, "oracle"), skip));
  if (built > sources) return dist;
  log("building the web app (vite build app) …");
  const vite = join(root, "node_modules", "vite", "bin", "vite.js");
  await new Promise<void>((done, fail) => {
    const child = spawn(process.execPath, [vite, "build", appDir, "--logLevel", "warn"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    child.once("error", fail);
    child.once("exit", (code) =>
      code === 0 && existsSync(join(dist, "index.html"))
        ? done()
        : fail(new Error(`vite build app failed (exit ${code}):\n${output.trim()}`)),
    );
  });
  return dist;
}

/** The app's URL for a chain and hub, optionally at a route (`#/agreement/1`). */
export function appUrl(app: string, rpc: string, hub: Hex, route = "#/"): string {
  return `${app}/?rpc=${encodeURIComponent(rpc)}&hub=${hub}${route}`;
}
