/**
 * viem clients for a chain: fallback over several RPC URLs with retries, a chain-id check that refuses
 * the wrong network, and discovery of the hub from the Ignition deployment of that chain.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import {
  createPublicClient,
  custom,
  defineChain,
  fallback,
  http,
  type Chain,
  type EIP1193Provider,
  type Hex,
  type PublicClient,
  type Transport,
} from "viem";

import { ConfigError } from "../errors/BaseError.js";

export type ConnectOptions = {
  rpcUrls?: string[];
  /** An in-process EIP-1193 provider (tests, the embedded demo) instead of URLs. */
  provider?: EIP1193Provider;
  chainId: number;
  pollingIntervalMs?: number;
};

export function chainFor(chainId: number): Chain {
  return defineChain({
    id: chainId,
    name: `chain-${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [] } },
  });
}

export function transportFor(options: ConnectOptions): Transport {
  if (options.provider) return custom(options.provider, { retryCount: 3, retryDelay: 100 });
  if (!options.rpcUrls?.length) throw new ConfigError("rpcUrls: at least one RPC URL is needed");
  return fallback(
    options.rpcUrls.map((url) => http(url, { retryCount: 3, retryDelay: 150, timeout: 20_000 })),
    { rank: false, retryCount: 2 },
  );
}

/** Connects and checks the chain id; a mismatch is a ConfigError naming both ids. */
export async function connect(options: ConnectOptions): Promise<PublicClient> {
  const client = createPublicClient({
    chain: chainFor(options.chainId),
    transport: transportFor(options),
    pollingInterval: options.pollingIntervalMs ?? 1_000,
  }) as PublicClient;
  let actual: number;
  try {
    actual = await client.getChainId();
  } catch (cause) {
    throw new ConfigError(
      `rpcUrls: cannot reach the RPC endpoint (${(cause as Error).message.split("\n")[0]})`,
      {
        cause,
      },
    );
  }
  if (actual !== options.chainId) {
    throw new ConfigError(
      `chainId: configured ${options.chainId} but the RPC endpoint serves chain ${actual}`,
    );
  }
  return client;
}

/** The hub address from `ignition/deployments/chain-<id>/deployed_addresses.json`. */
export function hubFromIgnition(chainId: number, root = process.cwd()): Hex {
  const file = join(root, "ignition", "deployments", `chain-${chainId}`, "deployed_addresses.json");
  if (!existsSync(file)) {
    throw new ConfigError(`hub: not given and no Ignition deployment for chain ${chainId} (${file})`);
  }
  const addresses = JSON.parse(readFileSync(file, "utf8")) as Record<string, Hex>;
  const hub = addresses["Gengov#GengovHub"];
  if (!hub) throw new ConfigError(`hub: ${file} has no Gengov#GengovHub entry`);
  return hub;
}
