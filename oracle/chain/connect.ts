/**
 * viem clients for a chain: several RPC URLs ordered by health (an endpoint that fails is passed over
 * for a cooldown, the healthy ones are used first), a chain-id check that refuses the wrong network,
 * and discovery of the hub from the Ignition deployment of that chain.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import {
  createPublicClient,
  custom,
  defineChain,
  http,
  HttpRequestError,
  TimeoutError,
  type Chain,
  type EIP1193Provider,
  type EIP1193Parameters,
  type Hex,
  type PublicClient,
  type Transport,
} from "viem";

import * as knownChains from "viem/chains";

import { ConfigError } from "../errors/BaseError.js";

export type ConnectOptions = {
  rpcUrls?: string[];
  /** An in-process EIP-1193 provider (tests, the embedded demo) instead of URLs. */
  provider?: EIP1193Provider;
  chainId: number;
  pollingIntervalMs?: number;
  /** How long a failing endpoint is passed over before it is tried again (default 30 s). */
  cooldownMs?: number;
  /** Told when an endpoint fails and is passed over. */
  onEndpointFailed?: (url: string, reason: string) => void;
};

/**
 * The chain's common name from viem's list ("Anvil / Foundry / Hardhat" when several share the id),
 * or "chain-<id>" for one it does not know.
 */
export function chainName(chainId: number): string {
  const names = new Set<string>();
  for (const c of Object.values(knownChains) as Chain[]) if (c?.id === chainId) names.add(c.name);
  return names.size ? [...names].sort().join(" / ") : `chain-${chainId}`;
}

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
  return healthOrdered(options.rpcUrls, options);
}

/** A failure of the endpoint itself (unreachable, HTTP error, timeout, rate limit), not of the call. */
function endpointFailed(error: unknown): boolean {
  if (error instanceof HttpRequestError || error instanceof TimeoutError) return true;
  const code = (error as { code?: unknown }).code;
  return typeof code !== "number" || code === -32005;
}

/**
 * Sends each request to the healthiest endpoint: those that have not failed (or whose cooldown is
 * over) in the configured order, then those still cooling down, least recently failed first. An
 * endpoint that fails is demoted for `cooldownMs` and the request goes on to the next one; an
 * answer from the node (a revert, a JSON-RPC error) is returned as is.
 */
export function healthOrdered(
  urls: string[],
  options: Pick<ConnectOptions, "cooldownMs" | "onEndpointFailed"> = {},
): Transport {
  const cooldownMs = options.cooldownMs ?? 30_000;
  const endpoints = urls.map((url) => ({ url, failedAt: 0 }));
  return (params) => {
    const transports = urls.map(
      (url) => http(url, { retryCount: 0, timeout: 20_000 })({ ...params, retryCount: 0 }).request,
    );
    const request = async (args: EIP1193Parameters) => {
      const now = Date.now();
      const cooling = (i: number) => endpoints[i].failedAt > 0 && now - endpoints[i].failedAt < cooldownMs;
      const order = endpoints
        .map((_, i) => i)
        .sort((a, b) =>
          cooling(a) === cooling(b)
            ? cooling(a)
              ? endpoints[a].failedAt - endpoints[b].failedAt
              : a - b
            : cooling(a)
              ? 1
              : -1,
        );
      let last: unknown;
      for (const i of order) {
        try {
          const result = await transports[i](args);
          endpoints[i].failedAt = 0;
          return result;
        } catch (error) {
          if (!endpointFailed(error)) throw error;
          last = error;
          if (!cooling(i)) {
            options.onEndpointFailed?.(endpoints[i].url, (error as Error).message.split("\n")[0]);
          }
          endpoints[i].failedAt = Date.now();
        }
      }
      throw last;
    };
    return custom({ request }, { retryCount: 2, retryDelay: 150 })(params);
  };
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
