/** What tx-status says when an action fails: the decoded revert, the wallet's refusal, anything else. */
import { expect } from "chai";
import {
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  encodeErrorResult,
  HttpRequestError,
  UserRejectedRequestError,
  type Abi,
} from "viem";

import { gengovExecutionAbi, gengovHubAbi } from "../../oracle/chain/abis.js";
import { txErrorText } from "../../app/src/lib/txStatus.js";

const E18 = 10n ** 18n;
const GOV = { decimals: 18, symbol: "GOV" };

/** A viem write error the way a simulated call that reverted with `data` surfaces it. */
function reverted(abi: Abi, data: `0x${string}`, functionName: string) {
  const cause = new ContractFunctionRevertedError({ abi, data, functionName });
  return new ContractFunctionExecutionError(cause, { abi, functionName, args: [] });
}

describe("app: tx-status of a failed action", () => {
  it("a hub revert: the custom error with amounts in whole tokens, as the CLI writes it", () => {
    const data = encodeErrorResult({
      abi: gengovHubAbi,
      errorName: "BondBelowMinimum",
      args: [5n * E18, 100n * E18],
    });
    expect(
      txErrorText(reverted(gengovHubAbi as Abi, data, "registerCandidate"), { now: 0n, token: GOV }),
    ).to.equal("reverted: BondBelowMinimum: a bond of 5 GOV is below the agreement's minBond of 100 GOV");
  });

  it("an execution-contract revert decodes even through an ABI that does not list it, times as dates", () => {
    const data = encodeErrorResult({
      abi: gengovExecutionAbi,
      errorName: "ChallengePeriodOver",
      args: [3n, 1_796_220_000n],
    });
    const text = txErrorText(reverted(gengovHubAbi as Abi, data, "challenge"), {
      now: 1_796_220_000n + 300n,
    });
    expect(text).to.equal(
      "reverted: ChallengePeriodOver: epoch 3's challenge period ended at 2026-12-02T14:00:00Z (5m ago)",
    );
  });

  it("a revert of an error nobody knows keeps its reason", () => {
    const cause = new ContractFunctionRevertedError({
      abi: [],
      message: "boom",
      functionName: "deposit",
    });
    expect(
      txErrorText(new ContractFunctionExecutionError(cause, { abi: [], functionName: "deposit" })),
    ).to.equal("reverted: boom");
  });

  it("the wallet's refusal", () => {
    const err = new UserRejectedRequestError(new Error("User denied transaction signature."));
    expect(txErrorText(err)).to.match(/^rejected: /);
    expect(txErrorText(err)).to.include("User denied transaction signature");
    // Inside a wrapping error, by its code.
    const wrapped = new Error("send failed", {
      cause: Object.assign(new Error("denied by user"), { code: 4001 }),
    });
    expect(txErrorText(wrapped)).to.equal("rejected: denied by user");
  });

  it("anything else is a failure with its first line", () => {
    const err = new HttpRequestError({ url: "http://127.0.0.1:1", details: "connection refused" });
    expect(txErrorText(err)).to.equal("failed: HTTP request failed.");
    expect(txErrorText(new Error("first\nsecond"))).to.equal("failed: first");
  });
});
