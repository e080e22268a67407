/**
 * The text of `tx-status` for a failed action: a revert as its decoded custom error (the hub's,
 * the execution contract's or the ERC-20's, rendered like the CLI renders it), a refusal by the
 * wallet, or any other failure.
 */
import { BaseError as ViemBaseError, UserRejectedRequestError } from "viem";

import { decodeRevert, describeRevert, type RevertContext } from "../../../oracle/chain/revert.js";

const firstLine = (s: string) => s.split("\n")[0].trim();

function rejectedByWallet(error: unknown): Error | undefined {
  let e: unknown = error;
  for (let i = 0; i < 10 && e; i++) {
    if (e instanceof UserRejectedRequestError) return e;
    const code = (e as { code?: unknown }).code;
    if (code === 4001) return e as Error;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export function txErrorText(error: unknown, ctx?: RevertContext): string {
  const rejected = rejectedByWallet(error);
  if (rejected) {
    const details = (rejected as { details?: string }).details;
    return `rejected: ${firstLine(details || (rejected as { shortMessage?: string }).shortMessage || rejected.message)}`;
  }
  const revert = decodeRevert(error);
  if (revert) {
    if (revert.errorName) return `reverted: ${describeRevert(revert.errorName, revert.args, ctx)}`;
    return `reverted: ${revert.reason ?? "without a reason"}`;
  }
  if (error instanceof ViemBaseError) return `failed: ${firstLine(error.shortMessage)}`;
  return `failed: ${firstLine(error instanceof Error ? error.message : String(error))}`;
}
