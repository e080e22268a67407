/**
 * What every CLI command shares: global options (--rpc, --hub, keys, --json), connecting to the
 * right chain and hub, sending a transaction with its revert decoded, and printing tables or JSON.
 */
import {
  createPublicClient,
  createWalletClient,
  custom,
  erc20Abi,
  http,
  isAddress,
  parseUnits,
  type Abi,
  type EIP1193Provider,
  type Hex,
  type LocalAccount,
  type PublicClient,
  type TransactionReceipt,
} from "viem";

import { gengovExecutionAbi, gengovHubAbi } from "../chain/abis.js";
import { chainFor, connect, hubFromIgnition, transportFor } from "../chain/connect.js";
import { loadKey } from "../chain/keys.js";
import {
  decodeRevert,
  describeRevert,
  knownErrors,
  type RevertContext,
  type TokenInfo,
} from "../chain/revert.js";
import { TxRevertedError } from "../chain/txSender.js";
import { BaseError } from "../errors/BaseError.js";
import { readContract, untyped, type WriteCall, type WriteName } from "../protocol/contracts.js";

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

/** A read the contracts refused (an unknown agreement, a missing candidate): one line, exit code 1. */
export class ReadRevertedError extends BaseError {
  override name = "ReadRevertedError";
}

/** A token as the CLI writes its amounts. */
export type Token = TokenInfo & { address: Hex };

export type Runtime = {
  client: PublicClient;
  chainId: number;
  hub: Hex;
  execution: Hex;
  json: boolean;
  account(): Promise<LocalAccount>;
  /** Simulates, signs and sends a call; its function name and arguments are checked against its ABI. */
  send<const A extends Abi, F extends WriteName<A>>(p: WriteCall<A, F>): Promise<TransactionReceipt>;
  print(human: string, machine: unknown): void;
  /**
   * The token at `address` (decimals and symbol, read once), which becomes the token the amounts of a
   * later revert are written in. A UsageError naming `what` when no ERC-20 token is there.
   */
  token(address: string, what: string): Promise<Token>;
  /** The chain's current time (the latest block's timestamp). */
  now(): Promise<bigint>;
  /**
   * The one path of every revert, read or send: the custom error decoded against every known error
   * and rendered for people (times as dates, amounts in the command's token), prefixed by `context`.
   * Errors that are not reverts come back unchanged.
   */
  explain(error: unknown, context: string): Promise<unknown>;
};

/** In-process overrides (tests, the embedded demo). */
export type RuntimeOverrides = {
  provider?: EIP1193Provider;
  account?: LocalAccount;
  out?: (s: string) => void;
};

export async function runtime(opts: GlobalOptions, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  if (opts.hub !== undefined && !isAddress(opts.hub, { strict: false }))
    throw new UsageError(`--hub: not an address: "${opts.hub}" (expected 0x and 40 hex digits)`);
  // One quick probe (no retries) so an unreachable endpoint is named at once.
  const probe = createPublicClient({
    transport: overrides.provider
      ? custom(overrides.provider)
      : http(opts.rpc, { retryCount: 0, timeout: 10_000 }),
  });
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
  const notHub = () =>
    new UsageError(
      `--hub: the contract at ${hub} on chain ${chainId} is not a gengov hub (no execution contract)`,
    );
  let execution: Hex;
  try {
    execution = await readContract(client, hub, gengovHubAbi, "execution", []);
    const back = await readContract(client, execution, gengovExecutionAbi, "hub", []);
    if (back.toLowerCase() !== hub.toLowerCase()) throw notHub();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (decodeRevert(error) || isContractError(error)) throw notHub();
    throw error;
  }
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
  const tokens = new Map<string, Promise<Token>>();
  let current: Token | undefined;
  const readToken = async (address: Hex, what: string): Promise<Token> => {
    if (((await client.getCode({ address })) ?? "0x").length <= 2)
      throw new UsageError(
        `${what}: no contract at ${address} on chain ${chainId} (expected an ERC-20 token)`,
      );
    let decimals: number;
    try {
      decimals = Number(await client.readContract({ address, abi: erc20Abi, functionName: "decimals" }));
    } catch (error) {
      if (decodeRevert(error) || isContractError(error))
        throw new UsageError(`${what}: the contract at ${address} is not an ERC-20 token (no decimals())`);
      throw error;
    }
    const symbol = await client
      .readContract({ address, abi: erc20Abi, functionName: "symbol" })
      .then(String)
      .catch(() => undefined);
    return { address, decimals, symbol };
  };
  const token = async (address: string, what: string) => {
    if (!isAddress(address, { strict: false })) throw new UsageError(`${what}: not an address: "${address}"`);
    const key = address.toLowerCase();
    if (!tokens.has(key)) tokens.set(key, readToken(address as Hex, what));
    try {
      current = await tokens.get(key)!;
    } catch (error) {
      tokens.delete(key);
      throw error;
    }
    return current;
  };
  const now = async () => {
    try {
      return (await client.getBlock()).timestamp;
    } catch {
      return BigInt(Math.floor(Date.now() / 1000));
    }
  };
  const explain = async (error: unknown, context: string, sending = false): Promise<unknown> => {
    const d = decodeRevert(error);
    if (!d) return error;
    if (!d.errorName) {
      const what = `${context}: ${d.functionName ? `${d.functionName}() ` : ""}reverted${d.reason ? `: ${d.reason}` : " without a reason"}`;
      return sending
        ? new TxRevertedError(undefined, undefined, what, { cause: error })
        : new ReadRevertedError(what, { cause: error });
    }
    const ctx: RevertContext = { now: await now(), token: current, tokens: {} };
    for (const t of tokens.values()) {
      const info = await t.catch(() => undefined);
      if (info) ctx.tokens![info.address.toLowerCase()] = info;
    }
    // Errors that name their token: write its amounts in it.
    const item = knownErrors.find((e) => e.name === d.errorName);
    for (const [i, input] of (item?.inputs ?? []).entries()) {
      const a = d.args?.[i];
      if (input.name === "token" && typeof a === "string" && !ctx.tokens![a.toLowerCase()]) {
        const info = await readToken(a as Hex, "token").catch(() => undefined);
        if (info) ctx.tokens![a.toLowerCase()] = info;
      }
    }
    const line = `${context}: ${describeRevert(d.errorName, d.args, ctx)}`;
    return sending
      ? new TxRevertedError(d.errorName, d.args, line, { cause: error })
      : new ReadRevertedError(line, { cause: error });
  };
  return {
    client,
    chainId,
    hub,
    execution,
    json: Boolean(opts.json),
    account: getAccount,
    token,
    now,
    explain: (error, context) => explain(error, context),
    async send(typed) {
      const p = untyped(typed);
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
          args: p.args,
        });
        const hash = await wallet.writeContract(request);
        const receipt = await client.waitForTransactionReceipt({ hash });
        if (receipt.status !== "success") throw new BaseError(`transaction ${hash} reverted`);
        return receipt;
      } catch (error) {
        throw await explain(error, p.functionName, true);
      }
    },
    print(human, machine) {
      out(
        opts.json ? JSON.stringify(machine, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2) : human,
      );
    },
  };
}

/** A call that reached a contract which could not answer it (no such function, nothing returned). */
function isContractError(error: unknown): boolean {
  const names = [
    "ContractFunctionZeroDataError",
    "ContractFunctionRevertedError",
    "AbiDecodingZeroDataError",
    "AbiDecodingDataSizeTooSmallError",
    "PositionOutOfBoundsError",
  ];
  for (let e = error as { name?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (names.includes(e.name ?? "")) return true;
  }
  return false;
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

/** Parses an amount in whole tokens ("100", "12.5") into base units with the token's decimals. */
export function parseAmount(name: string, value: string, decimals = 18): bigint {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(value);
  if (!m) throw new UsageError(`${name}: expected an amount like 100 or 12.5, got "${value}"`);
  if ((m[2] ?? "").replace(/0+$/, "").length > decimals)
    throw new UsageError(`${name}: more than ${decimals} decimals in "${value}"`);
  return parseUnits(value, decimals);
}
