/**
 * Where the app reads from: the RPC URL and the hub address, from the build's environment
 * (VITE_GENGOV_RPC, VITE_GENGOV_HUB) with the page's query (`?rpc=…&hub=…`) taking precedence.
 */
import { getAddress, isAddress, type Hex } from "viem";

export type RuntimeConfig = { rpc: string; hub: Hex };
export type ConfigResult = { config: RuntimeConfig } | { error: string };

export function runtimeConfig(
  env: { VITE_GENGOV_RPC?: string; VITE_GENGOV_HUB?: string },
  search: string,
): ConfigResult {
  const query = new URLSearchParams(search);
  const rpc = query.get("rpc") || env.VITE_GENGOV_RPC || "";
  const hub = query.get("hub") || env.VITE_GENGOV_HUB || "";
  if (!rpc) return { error: "no RPC URL: open the app with ?rpc=<url> or set VITE_GENGOV_RPC" };
  let url: URL;
  try {
    url = new URL(rpc);
  } catch {
    return { error: `rpc: "${rpc}" is not a URL` };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return { error: `rpc: "${rpc}" is not an http(s) URL` };
  if (!hub) return { error: "no hub address: open the app with ?hub=0x… or set VITE_GENGOV_HUB" };
  if (!isAddress(hub, { strict: false })) return { error: `hub: "${hub}" is not an address` };
  return { config: { rpc, hub: getAddress(hub) } };
}
