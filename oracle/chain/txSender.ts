/**
 * Sends contract transactions so that nothing is lost or doubled across crashes: simulate first (a
 * revert is decoded and nothing is sent), take the nonce from the store (never reused after a
 * restart), sign locally, record the signed attempt in the store, then broadcast. A transaction left
 * unmined is re-priced with the same nonce; whichever attempt is mined wins and the others are marked
 * replaced. On restart, attempts still waiting are resumed (rebroadcast from the stored raw bytes).
 */
import {
  BaseError as ViemBaseError,
  ContractFunctionRevertedError,
  encodeFunctionData,
  keccak256,
  parseTransaction,
  type Abi,
  type Hex,
  type LocalAccount,
  type PublicClient,
  type TransactionReceipt,
} from "viem";

import { BaseError } from "../errors/BaseError.js";
import { untyped, type UntypedCall, type WriteCall, type WriteName } from "../protocol/contracts.js";
import { describeRevert } from "./revert.js";
import { crashPoint } from "../node/crashPoints.js";
import type { Logger } from "../node/logger.js";
import type { Store, TxAttemptRow } from "../store/Store.js";

export type TxSenderOptions = {
  stuckAfterMs: number;
  feeBumpPercent: number;
  maxAttempts: number;
  receiptTimeoutMs: number;
  pollMs: number;
};

/**
 * A state-changing call of `abi` (its function name and arguments checked against the ABI) and the
 * job it belongs to.
 */
export type SendParameters<A extends Abi, F extends WriteName<A>> = WriteCall<A, F> & {
  /** Stable key of the job (e.g. "commit:1:2:17"): attempts are grouped and resumed by it. */
  jobKey: string;
};

/** A revert of a simulated or mined transaction, with the custom error decoded when known. */
export class TxRevertedError extends BaseError {
  override name = "TxRevertedError";
  constructor(
    readonly errorName: string | undefined,
    readonly errorArgs: readonly unknown[] | undefined,
    message: string,
    options: { cause?: unknown; expected?: boolean } = {},
  ) {
    super(message, options);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class TxSender {
  constructor(
    private readonly client: PublicClient,
    readonly account: LocalAccount,
    private readonly store: Store,
    private readonly options: TxSenderOptions,
    private readonly log: Logger,
    private readonly onAttempt?: (stage: "recorded" | "broadcast", jobKey: string) => void,
  ) {}

  /** Attempts of this job that are still waiting for a receipt. */
  pending(jobKey: string): TxAttemptRow[] {
    return this.store.attemptsForJob(jobKey).filter((a) => a.status === "sent");
  }

  /** Resumes every attempt left waiting by an earlier run (call once at start). */
  async resumeAll(): Promise<void> {
    const byNonce = new Map<string, TxAttemptRow[]>();
    for (const a of this.store.pendingAttempts()) {
      const k = `${a.account}:${a.nonce}`;
      byNonce.set(k, [...(byNonce.get(k) ?? []), a]);
    }
    for (const attempts of byNonce.values()) {
      try {
        await this.waitFor(attempts);
      } catch (error) {
        this.log.warn({ at: "txSender.resume", jobKey: attempts[0].jobKey, msg: (error as Error).message });
      }
    }
  }

  /** Resumes the job's waiting attempt if there is one; otherwise simulates, records and sends. */
  async send<const A extends Abi, F extends WriteName<A>>(
    params: SendParameters<A, F>,
  ): Promise<TransactionReceipt> {
    const p = { ...untyped(params), jobKey: params.jobKey };
    const waiting = this.pending(p.jobKey);
    if (waiting.length > 0) return this.waitFor(waiting);
    const data = encodeFunctionData({ abi: p.abi, functionName: p.functionName, args: p.args });
    const [gasEstimate, fees, chainNonce, minedNonce] = await Promise.all([
      this.simulate(p),
      this.client.estimateFeesPerGas(),
      this.client.getTransactionCount({ address: this.account.address, blockTag: "pending" }),
      this.client.getTransactionCount({ address: this.account.address, blockTag: "latest" }),
    ]);
    // Nonces of our attempts that are still waiting and not yet mined stay reserved (their broadcast
    // may have failed, so the pool does not know them): broadcast them again first, then go above
    // them. A nonce only our store remembers (its transaction was dropped by a reorg) is reused, or
    // every later transaction would wait behind the gap forever.
    const me = this.account.address.toLowerCase();
    const unmined = this.store.pendingAttempts().filter((a) => a.account === me && a.nonce >= minedNonce);
    for (const a of unmined) await this.broadcast(a.raw).catch(() => undefined);
    const nonce = Math.max(chainNonce, ...unmined.map((a) => a.nonce + 1));
    const gas = (gasEstimate * 13n) / 10n + 10_000n;
    const attempt = await this.signAndRecord(p.jobKey, {
      to: p.address,
      data,
      gas,
      nonce,
      maxFeePerGas: fees.maxFeePerGas ?? 0n,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas ?? 0n,
    });
    return this.waitFor([attempt], false);
  }

  /**
   * Simulates the call (eth_estimateGas executes it) and returns its gas; a revert is decoded and
   * nothing is sent. The sender is passed as an address so viem does not prepare a nonce and fees
   * for the estimate (those are fetched once, in parallel, by `send`).
   */
  private async simulate(p: UntypedCall): Promise<bigint> {
    try {
      return await this.client.estimateContractGas({
        account: this.account.address,
        address: p.address,
        abi: p.abi,
        functionName: p.functionName,
        args: p.args,
      });
    } catch (error) {
      throw asRevert(error, `${p.functionName} would revert`);
    }
  }

  private async signAndRecord(
    jobKey: string,
    tx: {
      to: Hex;
      data: Hex;
      gas: bigint;
      nonce: number;
      maxFeePerGas: bigint;
      maxPriorityFeePerGas: bigint;
    },
  ): Promise<TxAttemptRow> {
    const chainId = this.client.chain!.id;
    const raw = await this.account.signTransaction!({ ...tx, chainId, type: "eip1559" });
    const hash = keccak256(raw);
    // Durable before broadcast: a crash from here on resumes this exact transaction.
    const id = this.store.insertAttempt({
      jobKey,
      account: this.account.address,
      nonce: tx.nonce,
      hash,
      raw,
      maxFee: tx.maxFeePerGas,
      maxPriorityFee: tx.maxPriorityFeePerGas,
    });
    this.store.setNextNonce(this.account.address, tx.nonce + 1);
    this.onAttempt?.("recorded", jobKey);
    await this.broadcast(raw);
    this.log.info({ at: "txSender", msg: "broadcast", jobKey, tx: hash, nonce: tx.nonce });
    this.onAttempt?.("broadcast", jobKey);
    // Test hooks: a crash after the transaction left but before its receipt was read, at the n-th
    // broadcast ("afterBroadcast:n") or at a job kind's ("afterBroadcast.reveal", "…propose").
    crashPoint("afterBroadcast");
    crashPoint(`afterBroadcast.${jobKey.split(":")[0]}`);
    return {
      id,
      jobKey,
      account: this.account.address,
      nonce: tx.nonce,
      hash,
      raw,
      maxFee: tx.maxFeePerGas,
      maxPriorityFee: tx.maxPriorityFeePerGas,
      status: "sent",
    };
  }

  private async broadcast(raw: Hex) {
    try {
      await this.client.sendRawTransaction({ serializedTransaction: raw });
    } catch (error) {
      const m = String((error as Error).message).toLowerCase();
      // Already in the pool or already mined: the receipt wait sorts it out.
      if (m.includes("already known") || m.includes("nonce too low") || m.includes("already imported"))
        return;
      throw new BaseError("broadcast failed", {
        cause: error,
        details: (error as Error).message.split("\n")[0],
      });
    }
  }

  /** Waits until one of the attempts (same nonce) is mined; re-prices when stuck. */
  private async waitFor(attempts: TxAttemptRow[], rebroadcast = true): Promise<TransactionReceipt> {
    const started = Date.now();
    let lastBump = Date.now();
    let current = [...attempts];
    // Resumed attempts may never have reached the pool; a fresh one was just broadcast.
    if (rebroadcast) for (const a of current) await this.broadcast(a.raw).catch(() => undefined);
    for (;;) {
      for (const a of current) {
        const receipt = await this.client.getTransactionReceipt({ hash: a.hash }).catch(() => undefined);
        if (!receipt) continue;
        this.store.setAttemptStatus(a.id, receipt.status === "success" ? "mined" : "failed");
        this.store.markNonceSiblingsReplaced(a.account, a.nonce, a.id);
        if (receipt.status !== "success") {
          throw new TxRevertedError(
            undefined,
            undefined,
            `transaction ${a.hash} of ${a.jobKey} reverted on chain`,
          );
        }
        return receipt;
      }
      const minedNonce = await this.client.getTransactionCount({
        address: this.account.address,
        blockTag: "latest",
      });
      if (minedNonce > current[0].nonce) {
        // The nonce was used by a transaction we cannot find a receipt for (dropped from our view):
        // give the node a clean slate; the job re-reads the chain before doing anything again.
        for (const a of current) this.store.setAttemptStatus(a.id, "replaced");
        throw new BaseError(
          `nonce ${current[0].nonce} was consumed without a receipt for ${current[0].jobKey}`,
          {
            expected: true,
          },
        );
      }
      if (Date.now() - started > this.options.receiptTimeoutMs) {
        throw new BaseError(`no receipt for ${current[0].jobKey} after ${this.options.receiptTimeoutMs} ms`);
      }
      if (Date.now() - lastBump > this.options.stuckAfterMs && current.length < this.options.maxAttempts) {
        current = [...current, await this.bump(current[current.length - 1])];
        lastBump = Date.now();
      }
      await sleep(this.options.pollMs);
    }
  }

  /** Same nonce, higher fees (at least the bump percentage, as nodes require for replacement). */
  private async bump(last: TxAttemptRow): Promise<TxAttemptRow> {
    const tx = parseTransaction(last.raw);
    const factor = BigInt(100 + this.options.feeBumpPercent);
    const fees = await this.client.estimateFeesPerGas();
    const maxPriorityFeePerGas = bigMax(
      (last.maxPriorityFee * factor) / 100n + 1n,
      fees.maxPriorityFeePerGas ?? 0n,
    );
    const maxFeePerGas = bigMax(
      (last.maxFee * factor) / 100n + 1n,
      fees.maxFeePerGas ?? 0n,
      maxPriorityFeePerGas,
    );
    this.log.warn({
      at: "txSender.bump",
      jobKey: last.jobKey,
      nonce: last.nonce,
      msg: "re-pricing a stuck transaction",
    });
    return this.signAndRecord(last.jobKey, {
      to: tx.to as Hex,
      data: tx.data as Hex,
      gas: tx.gas ?? 500_000n,
      nonce: last.nonce,
      maxFeePerGas,
      maxPriorityFeePerGas,
    });
  }
}

const bigMax = (...xs: bigint[]) => xs.reduce((a, b) => (a > b ? a : b));

/** Turns a viem error into a TxRevertedError carrying the decoded custom error, if any. */
export function asRevert(error: unknown, context: string): TxRevertedError | unknown {
  if (error instanceof ViemBaseError) {
    const reverted = error.walk(
      (e) => e instanceof ContractFunctionRevertedError,
    ) as ContractFunctionRevertedError | null;
    if (reverted) {
      const name = reverted.data?.errorName;
      const args = reverted.data?.args;
      const rendered = name ? describeRevert(name, args) : (reverted.reason ?? "unknown reason");
      return new TxRevertedError(name, args, `${context}: ${rendered}`, { cause: error });
    }
  }
  return error;
}
