/**
 * `npm run app [-- --rpc URL] [-- --hub 0x…] [-- --port N]`: the participant web app on a Vite dev
 * server at 127.0.0.1. The hub defaults to the Ignition deployment of the RPC's chain
 * (ignition/deployments/chain-<id>/deployed_addresses.json). Prints the app's URL; an unreachable
 * RPC, no known hub or a contract that is not a gengov hub is one line on stderr and exit 1.
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { createPublicClient, getAddress, http, isAddress, type Hex } from "viem";
import { createServer } from "vite";

import { gengovHubAbi } from "../oracle/chain/abis.js";
import { hubFromIgnition } from "../oracle/chain/connect.js";

const fail = (code: number, message: string): never => {
  console.error(`app: ${message}`);
  process.exit(code);
};

let values: { rpc?: string; hub?: string; port?: string };
try {
  ({ values } = parseArgs({
    options: { rpc: { type: "string" }, hub: { type: "string" }, port: { type: "string" } },
  }));
} catch (e) {
  fail(2, (e as Error).message);
}
const rpc = values!.rpc ?? process.env.GENGOV_RPC ?? "http://127.0.0.1:8545";
if (!/^https?:\/\/\S+$/.test(rpc)) fail(2, `--rpc: expected an http(s) URL, got "${rpc}"`);
if (values!.hub !== undefined && !isAddress(values!.hub, { strict: false }))
  fail(2, `--hub: expected an address (0x and 40 hex digits), got "${values!.hub}"`);
const port = Number(values!.port ?? "5173");
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(2, `--port: expected a port number, got "${values!.port}"`);

const client = createPublicClient({ transport: http(rpc, { retryCount: 0, timeout: 10_000 }) });
let chainId = 0;
try {
  chainId = await client.getChainId();
} catch (e) {
  fail(1, `cannot reach the RPC endpoint ${rpc} (${(e as Error).message.split("\n")[0]})`);
}
let hub: Hex = "0x";
try {
  hub = values!.hub ? getAddress(values!.hub) : hubFromIgnition(chainId);
} catch (e) {
  fail(1, `${(e as Error).message} (pass --hub)`);
}
try {
  await client.readContract({ address: hub, abi: gengovHubAbi, functionName: "execution" });
} catch {
  fail(1, `the contract at ${hub} on chain ${chainId} is not a gengov hub (no execution contract)`);
}

process.env.VITE_GENGOV_RPC = rpc;
process.env.VITE_GENGOV_HUB = hub;
const server = await createServer({
  configFile: fileURLToPath(new URL("../app/vite.config.ts", import.meta.url)),
  server: { host: "127.0.0.1", port, strictPort: values!.port !== undefined },
  clearScreen: false,
  logLevel: "warn",
});
await server.listen();
const address = server.httpServer?.address();
const actualPort = typeof address === "object" && address ? address.port : port;
console.log(
  `gengov app: http://127.0.0.1:${actualPort}/?rpc=${encodeURIComponent(rpc)}&hub=${hub} (chain ${chainId}, hub ${hub}; Ctrl-C stops it)`,
);
