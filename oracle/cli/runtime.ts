/**
 * What every CLI command shares: global options (--rpc, --hub, keys, --json), connecting to the
 * right chain and hub, sending a transaction with its revert decoded, and printing tables or JSON.
 */
import {
  createWalletClient,
  type Abi,
  type EIP1193Provider,
  type Hex,
  type LocalAccount,
  type PublicClient,
  type TransactionReceipt,
} from "viem";

import { erc20Abi as tokenAbi, gengovExecutionAbi, gengovHubAbi } from "../chain/abis.js";
import { chainFor, connect, hubFromIgnition, transportFor } from "../chain/connect.js";
import { loadKey } from "../chain/keys.js";
import { asRevert } from "../chain/txSender.js";
import { BaseError } from "../errors/BaseError.js";

export type GlobalOptions = {
  rpc: string;
  hub?: string;
  keystore?: string;
  passwordEnv: string;
  privateKeyEnv?: string;
  json?: boolean;
};

/** Wrong usage: printed as one line, exit code 2. */
export class UsageError extends BaseError {
  override name = "UsageError";
}

export type Runtime = {
  client: PublicClient;
  chainId: number;
  hub: Hex;
  execution: Hex;
  json: boolean;
  account(): Promise<LocalAccount>;
  send(p: {
    address: Hex;
    abi: Abi;
    functionName: string;
    args: readonly unknown[];
  }): Promise<TransactionReceipt>;
  print(human: string, machine: unknown): void;
};

/** In-process overrides (tests, the embedded demo). */
export type RuntimeOverrides = {
  provider?: EIP1193Provider;
  account?: LocalAccount;
  out?: (s: string) => void;
};

/**
 * Every custom error a CLI transaction can bubble up, so a revert is decoded whichever contract raised
 * it: the hub's, the execution contract's, and OpenZeppelin's ERC-20 errors (a bond, deposit or
 * challenge transfer that the token refuses inside the hub or the execution contract).
 */
const knownErrors = [...gengovHubAbi, ...gengovExecutionAbi, ...tokenAbi].filter((x) => x.type === "error");

export async function runtime(opts: GlobalOptions, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const probe = await connectAny(opts.rpc, overrides.provider);
  let chainId: number;
  try {
    chainId = await probe.getChainId();
  } catch (cause) {
    throw new BaseError(`--rpc: cannot reach ${opts.rpc} (is a node running there?)`, { cause });
  }
  const client = await connect({ rpcUrls: [opts.rpc], provider: overrides.provider, chainId });
  const hub = (opts.hub ?? hubFromIgnition(chainId)) as Hex;
  if (((await client.getCode({ address: hub })) ?? "0x").length <= 2) {
    throw new UsageError(`--hub: no contract at ${hub} on chain ${chainId}`);
  }
  const execution = (await client.readContract({
    address: hub,
    abi: gengovHubAbi,
    functionName: "execution",
  })) as Hex;
  let account: LocalAccount | undefined = overrides.account;
  const getAccount = async () => {
    if (account) return account;
    if (!opts.keystore && !opts.privateKeyEnv) {
      throw new UsageError(
        "this command sends a transaction: pass --keystore <file> or --private-key-env <VAR>",
      );
    }
    const key = await loadKey({
      keystore: opts.keystore,
      passwordEnv: opts.passwordEnv,
      privateKeyEnv: opts.privateKeyEnv,
      allowRawKey: opts.privateKeyEnv !== undefined,
    });
    account = key.account;
    return account;
  };
  const out = overrides.out ?? ((s: string) => process.stdout.write(s + "\n"));
  return {
    client,
    chainId,
    hub,
    execution,
    json: Boolean(opts.json),
    account: getAccount,
    async send(p) {
      const acct = await getAccount();
      const wallet = createWalletClient({
        account: acct,
        chain: chainFor(chainId),
        transport: transportFor({ rpcUrls: [opts.rpc], provider: overrides.provider, chainId }),
      });
      try {
        const { request } = await client.simulateContract({
          account: acct,
          address: p.address,
          abi: [...p.abi, ...knownErrors],
          functionName: p.functionName,
          args: p.args as unknown[],
        });
        const hash = await wallet.writeContract(request as never);
        const receipt = await client.waitForTransactionReceipt({ hash });
        if (receipt.status !== "success") throw new BaseError(`transaction ${hash} reverted`);
        return receipt;
      } catch (error) {
        throw asRevert(error, p.functionName);
      }
    },
    print(human, machine) {
      out(
        opts.json ? JSON.stringify(machine, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2) : human,
      );
    },
  };
}

async function connectAny(rpc: string, provider?: EIP1193Provider): Promise<PublicClient> {
  const { createPublicClient } = await import("viem");
  return createPublicClient({
    transport: transportFor({ rpcUrls: [rpc], provider, chainId: 0 }),
  }) as PublicClient;
}

/** A simple aligned text table. */
export function table(headers: string[], rows: (string | number | bigint | boolean)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** Parses a non-negative integer argument or throws a UsageError naming it. */
export function parseId(name: string, value: string): bigint {
  if (!/^\d+$/.test(value)) throw new UsageError(`${name}: expected a non-negative integer, got "${value}"`);
  return BigInt(value);
}

/** Parses a token amount: base units ("1000") or decimal with a unit suffix is not accepted; use --decimals. */
export function parseAmount(name: string, value: string, decimals = 18): bigint {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(value);
  if (!m) throw new UsageError(`${name}: expected an amount like 100 or 12.5, got "${value}"`);
  const frac = (m[2] ?? "").padEnd(decimals, "0");
  if (frac.length > decimals) throw new UsageError(`${name}: more than ${decimals} decimals in "${value}"`);
  return BigInt(m[1]) * 10n ** BigInt(decimals) + BigInt(frac || "0");
}
