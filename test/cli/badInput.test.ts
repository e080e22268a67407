/**
 * What a new user gets wrong, each answered by one `gengov: …` line naming the problem and a nonzero
 * exit: an agreement that does not exist (for every command that reads or sends for one), a
 * transition that does not exist, a --hub that is not a hub or not an address, a deposit to something
 * that is not a token, an RPC endpoint nobody answers, a bond below minBond (in tokens, nothing
 * approved), and a withdrawal before the exit delay (its date and the time left).
 */
import { createServer } from "node:net";

import { expect } from "chai";

import { network } from "hardhat";

import { describeRevert, formatDuration, formatTokens, formatWhen } from "../../oracle/chain/revert.js";
import { main } from "../../oracle/cli/main.js";
import { deployCli, type CliFixture } from "../fixtures/cli.js";
import { testSpec } from "../fixtures/node.js";

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("cli: bad input gets one line naming the problem and a nonzero exit", function () {
  this.timeout(120_000);
  let x: CliFixture;
  let id: string;
  let specPath: string;
  let symbol: string;

  before(async () => {
    x = await deployCli(await network.create());
    id = (await x.createAgreement({ minScored: 0 })).toString();
    specPath = x.file("spec.json", JSON.stringify(testSpec("alpha")));
    symbol = await x.token.read.symbol();
  });

  const unknown = "no agreement 999 on this hub";

  for (const [args, context] of [
    [["status", "999"], "status"],
    [["agreement", "show", "999"], "agreement show"],
    [["verify", "999"], "verify"],
    [["candidate", "show", "999", "1"], "candidate show"],
    [["transition", "show", "999"], "transition show"],
  ] as const) {
    it(`${context} of an unknown agreement: AgreementUnknown decoded, exit 1`, async () => {
      for (const json of [true, false]) {
        const r = await x.run([...args], { json });
        expect(r.err).to.equal(`gengov: ${context}: AgreementUnknown: ${unknown}\n`);
        expect(r.code).to.equal(1);
        expect(r.out).to.deep.equal([]);
      }
    });
  }

  it("candidate register, deposit and outcome report for an unknown agreement: the same line, nothing sent", async () => {
    const nonce = await x.publicClient.getTransactionCount({ address: x.as(5).address });
    const register = await x.run(["candidate", "register", "999", "--spec", specPath, "--bond", "100"], {
      account: x.as(5),
    });
    expect(register.err).to.equal(`gengov: candidate register: AgreementUnknown: ${unknown}\n`);
    expect(register.code).to.equal(1);
    const deposit = await x.run(["deposit", "999", x.token.address, "5"], { account: x.as(5) });
    expect(deposit.err).to.equal(`gengov: deposit: AgreementUnknown: ${unknown}\n`);
    expect(deposit.code).to.equal(1);
    // Not even the approval went out.
    expect(await x.publicClient.getTransactionCount({ address: x.as(5).address })).to.equal(nonce);

    const report = await x.run(["outcome", "report", "999", "0", "1", "2"], { account: x.as(1) });
    expect(report.err).to.equal(`gengov: reverted: reportOutcome: AgreementUnknown: ${unknown}\n`);
    expect(report.code).to.equal(1);
  });

  it("candidate show of a candidate the agreement does not have: CandidateUnknown decoded, exit 1", async () => {
    const r = await x.run(["candidate", "show", id, "99"]);
    expect(r.err).to.equal("gengov: candidate show: CandidateUnknown: no candidate 99 in this agreement\n");
    expect(r.code).to.equal(1);
  });

  it("transition show of an epoch without a transition: says so, exit 1", async () => {
    const r = await x.run(["transition", "show", id, "--epoch", "7"], { json: false });
    expect(r.err).to.equal(`gengov: transition show: agreement ${id} has no transition for epoch 7\n`);
    expect(r.code).to.equal(1);
    // Without --epoch an agreement with no transitions is not an error.
    const all = await x.run(["transition", "show", id], { json: false });
    expect(all.code, all.err).to.equal(0);
    expect(all.out.join("\n")).to.include(`agreement ${id} has no transitions yet`);
  });

  it("--hub at a token, at an account without code, and not an address: exit 2 naming --hub", async () => {
    const chainId = await x.publicClient.getChainId();
    const token = await x.run(["status", id], { hub: x.token.address });
    expect(token.err).to.equal(
      `gengov: --hub: the contract at ${x.token.address} on chain ${chainId} is not a gengov hub (no execution contract)\n`,
    );
    expect(token.code).to.equal(2);
    // The execution contract answers hub() but has no execution() of its own.
    const execution = await x.run(["status", id], { hub: x.execution.address });
    expect(execution.err).to.include(
      `--hub: the contract at ${x.execution.address} on chain ${chainId} is not a gengov hub`,
    );
    expect(execution.code).to.equal(2);
    const eoa = await x.run(["status", id], { hub: x.as(9).address });
    expect(eoa.err).to.equal(`gengov: --hub: no contract at ${x.as(9).address} on chain ${chainId}\n`);
    expect(eoa.code).to.equal(2);
    const malformed = await x.run(["status", id], { hub: "0x1234" as `0x${string}` });
    expect(malformed.err).to.equal(
      `gengov: --hub: not an address: "0x1234" (expected 0x and 40 hex digits)\n`,
    );
    expect(malformed.code).to.equal(2);
  });

  it("deposit to an account or a contract that is not a token: exit 2 naming the token, nothing sent", async () => {
    const chainId = await x.publicClient.getChainId();
    const nonce = await x.publicClient.getTransactionCount({ address: x.as(5).address });
    const eoa = await x.run(["deposit", id, x.as(9).address, "5"], { account: x.as(5) });
    expect(eoa.err).to.equal(
      `gengov: token: no contract at ${x.as(9).address} on chain ${chainId} (expected an ERC-20 token)\n`,
    );
    expect(eoa.code).to.equal(2);
    const hub = await x.run(["deposit", id, x.hub.address, "5"], { account: x.as(5) });
    expect(hub.err).to.equal(
      `gengov: token: the contract at ${x.hub.address} is not an ERC-20 token (no decimals())\n`,
    );
    expect(hub.code).to.equal(2);
    const malformed = await x.run(["deposit", id, "0xabc", "5"], { account: x.as(5) });
    expect(malformed.err).to.equal(`gengov: token: not an address: "0xabc"\n`);
    expect(malformed.code).to.equal(2);
    expect(await x.publicClient.getTransactionCount({ address: x.as(5).address })).to.equal(nonce);
  });

  it("an RPC endpoint nobody answers: one line naming the URL at once, exit 1", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    let err = "";
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => {
      err += chunk;
      return true;
    }) as typeof process.stderr.write;
    let code: number;
    const started = Date.now();
    try {
      code = await main(["status", id, "--rpc", url, "--hub", x.hub.address], { out: () => undefined });
    } finally {
      process.stderr.write = write;
    }
    expect(err).to.equal(`gengov: --rpc: cannot reach ${url} (is a node running there?)\n`);
    expect(code).to.equal(1);
    // One probe without retries: the answer comes at once, not after rounds of backoff.
    expect(Date.now() - started).to.be.below(2000);
  });

  it("a bond below minBond: refused before approving, in tokens, exit 2", async () => {
    const [, , before] = await x.hub.read.agreement([BigInt(id)]);
    const nonce = await x.publicClient.getTransactionCount({ address: x.as(5).address });
    const r = await x.run(["candidate", "register", id, "--spec", specPath, "--bond", "99.5"], {
      account: x.as(5),
    });
    expect(r.err).to.equal(
      `gengov: --bond: 99.5 ${symbol} is below agreement ${id}'s minBond of 100 ${symbol}\n`,
    );
    expect(r.code).to.equal(2);
    expect((await x.hub.read.agreement([BigInt(id)]))[2]).to.equal(before);
    expect(await x.publicClient.getTransactionCount({ address: x.as(5).address })).to.equal(nonce);
  });

  it("a withdrawal before the exit delay: the date it opens and the time left, exit 1", async () => {
    const reg = await x.run(["candidate", "register", id, "--spec", specPath, "--bond", "100"], {
      account: x.as(6),
    });
    expect(reg.code, reg.err).to.equal(0);
    const cid = reg.json().candidateId as string;
    const exit = await x.run(["candidate", "exit", id, cid], { account: x.as(6) });
    expect(exit.code, exit.err).to.equal(0);
    const { exitAt } = await x.hub.read.candidate([BigInt(id), BigInt(cid)]);
    // 1h 12m before the exit delay is over.
    await x.networkHelpers.time.increaseTo(exitAt - 72n * 60n);
    const date = new Date(Number(exitAt) * 1000).toISOString().replace(".000Z", "Z");
    const early = await x.run(["candidate", "withdraw", id, cid], { account: x.as(6) });
    expect(early.err).to.equal(
      `gengov: reverted: withdraw: CandidateExitNotReady: candidate ${cid} can withdraw from ${date} (in 1h 12m)\n`,
    );
    expect(early.code).to.equal(1);
    // status lists it as exiting with the same date.
    const status = await x.run(["status", id], { json: false });
    expect(status.out.join("\n")).to.include(`exiting, can withdraw from ${date} (in 1h 12m)`);
  });
});

describe("cli: times and amounts as people read them", () => {
  it("durations in their two largest units, dates in UTC with the time left or passed", () => {
    expect(formatDuration(7500n)).to.equal("2h 5m");
    expect(formatDuration(3600n)).to.equal("1h");
    expect(formatDuration(90_061n)).to.equal("1d 1h");
    expect(formatDuration(45n)).to.equal("45s");
    expect(formatDuration(0n)).to.equal("0s");
    const at = BigInt(Date.UTC(2026, 11, 2, 14, 0, 0) / 1000);
    expect(formatWhen(at, at - 4320n)).to.equal("2026-12-02T14:00:00Z (in 1h 12m)");
    expect(formatWhen(at, at + 300n)).to.equal("2026-12-02T14:00:00Z (5m ago)");
    expect(formatWhen(at, at)).to.equal("2026-12-02T14:00:00Z (now)");
  });

  it("amounts in whole tokens with the symbol; a decoded error's times and amounts rendered too", () => {
    const gov = { decimals: 6, symbol: "GOV" };
    expect(formatTokens(12_500_000n, gov)).to.equal("12.5 GOV");
    expect(formatTokens(7n, undefined)).to.equal("7 base units");
    const now = BigInt(Date.UTC(2026, 11, 2, 12, 48, 0) / 1000);
    expect(describeRevert("CandidateExitNotReady", [1n, now + 4320n], { now })).to.equal(
      "CandidateExitNotReady: candidate 1 can withdraw from 2026-12-02T14:00:00Z (in 1h 12m)",
    );
    expect(describeRevert("BondBelowMinimum", [10_000_000n, 100_000_000n], { now, token: gov })).to.equal(
      "BondBelowMinimum: a bond of 10 GOV is below the agreement's minBond of 100 GOV",
    );
    // An error that names its token: its amounts in that token.
    const token = "0x00000000000000000000000000000000000000aa";
    expect(
      describeRevert("TreasuryInsufficient", [token, 1_000_000n, 3_000_000n], {
        now,
        tokens: { [token]: gov },
      }),
    ).to.equal(`TreasuryInsufficient: the treasury holds 1 GOV of ${token}; 3 GOV needed`);
    expect(
      describeRevert("OutflowCapExceeded", [token, 1_000_000n, 3_000_000n], {
        now,
        tokens: { [token]: gov },
      }),
    ).to.equal(`OutflowCapExceeded: paying 3 GOV of ${token} exceeds the 1 GOV left under this epoch's cap`);
    expect(describeRevert("RulingPeriodActive", [4n, now + 60n], { now })).to.equal(
      "RulingPeriodActive: the arbiter may rule on epoch 4 until 2026-12-02T12:49:00Z (in 1m)",
    );
    expect(describeRevert("RulingPeriodOver", [4n, now - 60n], { now })).to.equal(
      "RulingPeriodOver: epoch 4's ruling period ended at 2026-12-02T12:47:00Z (1m ago)",
    );
    expect(describeRevert("ChallengePeriodActive", [4n, now + 60n], { now })).to.equal(
      "ChallengePeriodActive: epoch 4's challenge period ends at 2026-12-02T12:49:00Z (in 1m)",
    );
    // An error without a sentence still gets its times as dates.
    expect(describeRevert("ERC2612ExpiredSignature", [now - 300n], { now })).to.equal(
      "ERC2612ExpiredSignature(2026-12-02T12:43:00Z (5m ago))",
    );
    expect(describeRevert("SpecHashMismatch", ["0x01", "0x02"], { now })).to.equal(
      "SpecHashMismatch(0x01, 0x02)",
    );
    // Without a context (the node's logs): raw arguments as before.
    expect(describeRevert("CandidateExitNotReady", [1n, 1796241288n])).to.equal(
      "CandidateExitNotReady(1, 1796241288)",
    );
  });
});
