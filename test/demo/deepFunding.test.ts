/**
 * The deep-funding demo end to end on an in-process chain (one round): every list is revealed with a
 * loss, the winning combination fits the jury better than the best single list, `gengov judgement
 * claim` pays every item its share (the item pool minus floor dust), the gamer's item gets less from
 * the combination than from the gamer, every candidate's score record took the round's loss, the
 * nodes log no error, the report draws the allocation, and the CLI shows the round and pays the
 * top submitter its share once.
 */
import { join } from "node:path";

import { expect } from "chai";

import { network } from "hardhat";
import type { EIP1193Provider } from "viem";

import { runDeepFunding, type DeepFundingResult } from "../../oracle/demo/deepFunding.js";
import { renderDeepFundingReport } from "../../oracle/demo/report.js";
import { demoChainOf } from "../../oracle/demo/runDemo.js";
import { localAccount, runCli } from "../fixtures/cli.js";

describe("demo: deep funding", function () {
  this.timeout(300_000);
  let result: DeepFundingResult;
  let conn: Awaited<ReturnType<typeof network.create>>;

  before(async () => {
    conn = await network.create();
    result = await runDeepFunding(demoChainOf(conn), {
      example: "deep-funding",
      epochs: 0,
      root: process.cwd(),
      rounds: 1,
      // The items are claimed with `gengov judgement claim` below.
      claims: false,
      log: () => undefined,
    });
  });

  it("test_round_revealsEveryListAndCombinesBetterThanTheBestList", () => {
    expect(result.nodeErrors).to.deep.equal([]);
    const [round] = result.rounds;
    expect(round.lists).to.have.length(5);
    for (const l of round.lists) expect(l.loss, l.name).to.be.a("number");
    const bestSingle = Math.min(...round.lists.map((l) => l.loss!));
    expect(round.combined).to.not.equal(null);
    expect(round.combined!.loss).to.be.below(bestSingle);
    const sum = round.lists.reduce((a, l) => a + l.coefficient, 0);
    expect(sum).to.be.closeTo(1, 1e-9);
  });

  it("test_cliClaim_paysEveryItemItsShare_theItemPoolMinusDust_andTheGamedItemIsDamped", async () => {
    const [round] = result.rounds;
    expect(round.itemPool > 0n).to.equal(true);
    const provider = conn.provider as unknown as EIP1193Provider;
    const items = join(process.cwd(), "examples", "deep-funding", "items.json");
    const claim = await runCli(
      provider,
      result.hub,
      ["judgement", "claim", "--agreement", "1", "--items", items],
      {
        account: localAccount(0),
      },
    );
    expect(claim.code, claim.err).to.equal(0);
    const payouts = claim.json<{ payouts: { item: number; amount: string }[] }>().payouts;
    expect(payouts.map((p) => p.item)).to.deep.equal(round.allocation.map((a) => a.index));
    const paid = payouts.reduce((sum, p) => sum + BigInt(p.amount), 0n);
    expect(paid <= round.itemPool).to.equal(true);
    // Dust: each item's combined weight is floored (< 1 wei of 1e18 each, so < n · itemPool / 1e18 in
    // all) and each payout is floored (< 1 each).
    const n = BigInt(round.allocation.length);
    expect(round.itemPool - paid <= n * (1n + round.itemPool / 10n ** 18n)).to.equal(true);
    // Each item got its share of the combined list.
    for (const p of payouts) {
      const share = round.allocation[p.item].weight;
      expect(Number(BigInt(p.amount)) / Number(round.itemPool)).to.be.closeTo(share, 1e-12);
    }
    expect(round.gamed).to.not.equal(null);
    expect(round.gamed!.combined).to.be.below(round.gamed!.gamer);
  });

  it("test_scores_tookTheRoundsLoss_andTheReportDrawsTheAllocation", () => {
    for (const s of result.scores) expect(s.scored, s.name).to.equal(1);
    const html = renderDeepFundingReport(result);
    expect(html).to.include("Round 1: the allocation");
    expect((html.match(/<rect /g) ?? []).length).to.equal(result.items.length);
  });

  it("test_cli_showsTheRound_findsNothingLeftToClaim_andTheSubmitterWithdrawsItsShare", async () => {
    // Runs after the claim above.
    const provider = conn.provider as unknown as EIP1193Provider;
    const show = await runCli(provider, result.hub, ["judgement", "show", "--agreement", "1"], {
      json: false,
    });
    expect(show.code, show.err).to.equal(0);
    const text = show.out.join("\n");
    expect(text).to.match(/round 1: finalized/);
    expect(text).to.match(/best: .* · list \d/);
    const claim = await runCli(
      provider,
      result.hub,
      [
        "judgement",
        "claim",
        "--agreement",
        "1",
        "--items",
        join(process.cwd(), "examples", "deep-funding", "items.json"),
      ],
      { json: false, account: localAccount(0) },
    );
    expect(claim.code, claim.err).to.equal(0);
    expect(claim.out.join("\n")).to.equal("nothing left to pay");
    // "careful" (operator and owner: wallet 4) has the largest coefficient, so a share to withdraw.
    const withdraw = await runCli(provider, result.hub, ["judgement", "withdraw", "--token", result.token], {
      json: false,
      account: localAccount(4),
    });
    expect(withdraw.code, withdraw.err).to.equal(0);
    expect(withdraw.out.join("\n")).to.match(/^withdrew \d/);
    const again = await runCli(provider, result.hub, ["judgement", "withdraw", "--token", result.token], {
      account: localAccount(4),
    });
    expect(again.code).to.equal(2);
    expect(again.err).to.match(/nothing is owed/);
  });
});
