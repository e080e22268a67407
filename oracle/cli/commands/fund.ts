/**
 * `gengov fund <address|keystore> [--eth N] [--token N]`: gives an address (or a keystore's) ETH and test tokens on a local
 * development chain (a Hardhat or Anvil node). ETH goes through `hardhat_setBalance` (the balance
 * grows by N), tokens through the `mint` of the test token that `ignition/modules/GengovLocal.ts`
 * deploys (or of `--token-address`). Any other chain is refused before anything is sent.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import type { Command } from "commander";
import {
  createPublicClient,
  createWalletClient,
  erc20Abi,
  formatUnits,
  isAddress,
  parseAbi,
  toHex,
  type Account,
  type Address,
  type Hex,
  type JsonRpcAccount,
  type PublicClient,
} from "viem";

import { chainFor, transportFor } from "../../chain/connect.js";
import { loadKey } from "../../chain/keys.js";
import { asRevert } from "../../chain/txSender.js";
import { BaseError } from "../../errors/BaseError.js";
import { parseAmount, UsageError, type GlobalOptions, type RuntimeOverrides } from "../runtime.js";

/** The Ignition future id of GengovLocal's test token. */
export const LOCAL_TOKEN_ID = "GengovLocal#MockERC20";

/** The test token's `mint`, the one function it has beyond ERC-20. */
const mintAbi = parseAbi(["function mint(address to, uint256 amount)"]);

type FundOptions = { eth?: string; token?: string; tokenAddress?: string };

export function registerFundCommand(program: Command, overrides: RuntimeOverrides = {}) {
  program
    .command("fund <address|keystore>")
    .description("local chains only: give an address ETH (hardhat_setBalance) and test tokens (mint)")
    .option("--eth <amount>", "ETH to add to its balance")
    .option("--token <amount>", "whole test tokens to mint to it")
    .option(
      "--token-address <address>",
      `token to mint (default: ${LOCAL_TOKEN_ID} of the chain's deployment)`,
    )
    .action(async (addressArg: string, o: FundOptions, cmd: Command) => {
      const opts = cmd.optsWithGlobals() as GlobalOptions;
      const to = recipient(addressArg);
      if (o.eth === undefined && o.token === undefined)
        throw new UsageError("fund: pass --eth <amount>, --token <amount> or both");
      const eth = o.eth === undefined ? undefined : parseAmount("--eth", o.eth, 18);
      if (o.tokenAddress !== undefined && !isAddress(o.tokenAddress, { strict: false }))
        throw new UsageError(`--token-address: "${o.tokenAddress}" is not an address`);
      const { client, chainId } = await developmentChain(opts, overrides);
      const done: Record<string, unknown> = { address: to, chainId };
      const lines: string[] = [];
      if (eth !== undefined) {
        const balance = await fundEth(client, to, eth);
        Object.assign(done, { eth, ethBalance: balance });
        lines.push(`${o.eth} ETH (balance ${formatUnits(balance, 18)})`);
      }
      if (o.token !== undefined) {
        const token = (o.tokenAddress as Address | undefined) ?? localToken(chainId);
        const minted = await mintTokens({ client, chainId, opts, overrides }, token, to, o.token);
        Object.assign(done, { token, tokenAmount: minted.amount, tokenBalance: minted.balance });
        lines.push(`${o.token} ${minted.symbol} (balance ${formatUnits(minted.balance, minted.decimals)})`);
      }
      const out = overrides.out ?? ((s: string) => process.stdout.write(s + "\n"));
      out(
        opts.json
          ? JSON.stringify(done, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2)
          : `funded ${to} with ${lines.join(" and ")}`,
      );
    });
}

/** A client of the --rpc chain, refused unless it is a local development chain. */
async function developmentChain(opts: GlobalOptions, overrides: RuntimeOverrides) {
  const transport = transportFor({ rpcUrls: [opts.rpc], provider: overrides.provider, chainId: 0 });
  const client = createPublicClient({ transport }) as PublicClient;
  let chainId: number;
  try {
    chainId = await client.getChainId();
  } catch (cause) {
    throw new BaseError(`--rpc: cannot reach ${opts.rpc} (is a node running there?)`, { cause });
  }
  if (!(await isDevelopmentNode(client)))
    throw new UsageError(
      `fund: chain ${chainId} at ${opts.rpc} is not a local development chain (a Hardhat or Anvil node); refusing`,
    );
  return { client, chainId };
}

/** Adds `eth` to the address's balance; returns the new balance. */
async function fundEth(client: PublicClient, to: Address, eth: bigint): Promise<bigint> {
  const balance = (await client.getBalance({ address: to })) + eth;
  await devRequest(client, "hardhat_setBalance", [to, toHex(balance)]);
  return balance;
}

type Chain = { client: PublicClient; chainId: number; opts: GlobalOptions; overrides: RuntimeOverrides };

/** Mints `amountArg` whole tokens of `token` to the address; returns the amount and the new balance. */
async function mintTokens(c: Chain, token: Address, to: Address, amountArg: string) {
  const { client, chainId, opts, overrides } = c;
  if (((await client.getCode({ address: token })) ?? "0x").length <= 2)
    throw new UsageError(`--token-address: no contract at ${token} on chain ${chainId}`);
  const [decimals, symbol] = await Promise.all([
    client.readContract({ address: token, abi: erc20Abi, functionName: "decimals" }),
    client.readContract({ address: token, abi: erc20Abi, functionName: "symbol" }),
  ]);
  const amount = parseAmount("--token", amountArg, Number(decimals));
  const account = await minter(client, opts, overrides);
  const wallet = createWalletClient({
    account,
    chain: chainFor(chainId),
    transport: transportFor({ rpcUrls: [opts.rpc], provider: overrides.provider, chainId }),
  });
  try {
    const mint = { address: token, abi: mintAbi, functionName: "mint", args: [to, amount] } as const;
    await client.simulateContract({ account, ...mint });
    const hash = await wallet.writeContract(mint);
    const receipt = await client.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new BaseError(`transaction ${hash} reverted`);
  } catch (error) {
    throw asRevert(error, "mint");
  }
  const balance = await client.readContract({
    address: token,
    abi: erc20Abi,
    functionName: "balanceOf",
    args: [to],
  });
  return { amount, balance, symbol, decimals: Number(decimals) };
}

/** An address, or the address of an encrypted JSON keystore file (as `key new` writes). */
function recipient(arg: string): Address {
  if (isAddress(arg, { strict: false })) return arg as Address;
  let address: unknown;
  try {
    address = (JSON.parse(readFileSync(arg, "utf8")) as { address?: unknown }).address;
  } catch {
    throw new UsageError(`fund: "${arg}" is neither an address nor a readable keystore file`);
  }
  const hex = typeof address === "string" ? `0x${address.replace(/^0x/, "")}` : "";
  if (!isAddress(hex, { strict: false })) throw new UsageError(`fund: ${arg} holds no keystore address`);
  return hex as Address;
}

/** A Hardhat (EDR) node answers hardhat_metadata, an Anvil node anvil_nodeInfo; real chains neither. */
async function isDevelopmentNode(client: PublicClient): Promise<boolean> {
  for (const method of ["hardhat_metadata", "anvil_nodeInfo"]) {
    try {
      await devRequest(client, method, []);
      return true;
    } catch {
      // not this kind of node
    }
  }
  return false;
}

/** GengovLocal's token from `ignition/deployments/chain-<id>/deployed_addresses.json`. */
function localToken(chainId: number, root = process.cwd()): Address {
  const file = join(root, "ignition", "deployments", `chain-${chainId}`, "deployed_addresses.json");
  const addresses = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, Hex>) : {};
  const token = addresses[LOCAL_TOKEN_ID];
  if (!token)
    throw new UsageError(
      `--token: no ${LOCAL_TOKEN_ID} in ${file}; deploy ignition/modules/GengovLocal.ts or pass --token-address`,
    );
  return token;
}

/** Who sends the mint: the CLI's key when one is given, else the node's first unlocked account. */
async function minter(
  client: PublicClient,
  opts: GlobalOptions,
  overrides: RuntimeOverrides,
): Promise<Account> {
  if (overrides.account) return overrides.account;
  if (opts.keystore || opts.privateKeyEnv) {
    const key = await loadKey({
      keystore: opts.keystore,
      passwordEnv: opts.passwordEnv,
      privateKeyEnv: opts.privateKeyEnv,
      allowRawKey: opts.privateKeyEnv !== undefined,
    });
    return key.account;
  }
  const accounts = await devRequest(client, "eth_accounts", []);
  const first: unknown = Array.isArray(accounts) ? accounts[0] : undefined;
  if (typeof first !== "string" || !isAddress(first, { strict: false }))
    throw new UsageError(
      "fund: the node unlocks no account to send the mint; pass --keystore or --private-key-env",
    );
  const unlocked: JsonRpcAccount = { address: first, type: "json-rpc" };
  return unlocked;
}

/**
 * A JSON-RPC method outside viem's public schema (a development node's `hardhat_…`/`anvil_…`, or
 * `eth_accounts`), sent through the client's transport; the answer is checked by the caller.
 */
function devRequest(client: PublicClient, method: string, params: readonly unknown[]): Promise<unknown> {
  return client.transport.request({ method, params });
}
