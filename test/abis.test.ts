import { expect } from "chai";
import { readFileSync } from "node:fs";

import { GENERATED_PATH, renderAbis, renderGenerated } from "../scripts/export-abis.js";

describe("oracle/chain/abis.ts", () => {
  it("matches the compiled artifacts (run `npm run abis` after changing a contract's interface)", () => {
    expect(readFileSync("oracle/chain/abis.ts", "utf8")).to.equal(renderAbis());
  });
});

describe("oracle/protocol/generated.ts", () => {
  it("matches the compiler's AST (run `npm run abis` after changing an enum or a limit)", async () => {
    expect(readFileSync(GENERATED_PATH, "utf8")).to.equal(await renderGenerated());
  });

  it("holds the enums in declaration order and the limits the contracts enforce", async () => {
    const g = await import("../oracle/protocol/generated.js");
    expect(g.transitionStatusNames[g.TransitionStatus.Finalized]).to.equal("Finalized");
    expect(g.outcomeStatusNames).to.deep.equal(["Pending", "Final", "Void"]);
    expect(g.parameterNames[g.Parameter.maxScore]).to.equal("maxScore");
    expect(g.limits.MAX_STATE_BYTES).to.be.a("number").above(0);
    expect(g.limits.MAX_ETA).to.be.a("bigint");
    // Defined by an expression over another constant, and a file-level constant outside Limits.sol.
    expect(g.limits.MAX_HORIZON).to.equal(g.limits.COMMITMENT_RING - 2);
    expect(g.limits.WAD).to.equal(10n ** 18n);
  });
});

describe("describeRevert: the new hub errors read as one self-explanatory line", () => {
  it("renders the arguments and says what to do", async () => {
    const { describeRevert } = await import("../oracle/chain/revert.js");
    expect(describeRevert("RosterFrozen", [6n, 1_796_000_000n])).to.equal(
      "RosterFrozen(6, 1796000000): the next Weighted draw is already known: top-ups, exits and pokes wait until 1796000000 (end of epoch 6)",
    );
    expect(describeRevert("BondBelowMinimum", [10n, 100n])).to.equal(
      "BondBelowMinimum(10, 100): the bond must be at least the agreement's minBond (100)",
    );
    expect(describeRevert("CandidateNotSettled", [3n, 7n])).to.match(/^CandidateNotSettled\(3, 7\): .*poke/);
    expect(describeRevert("InputSenderLimitReached", [4n, "0xabc", 2])).to.equal(
      "InputSenderLimitReached(4, 0xabc, 2): this sender already submitted its 2 input(s) of epoch 4",
    );
    expect(describeRevert("AgreementParameterInvalid", [29])).to.equal("AgreementParameterInvalid(maxScore)");
    expect(describeRevert("AgreementParameterInvalid", [30])).to.equal(
      "AgreementParameterInvalid(maxInputsPerSender)",
    );
  });
});

describe("README config table", () => {
  it("lists every node option with its description and default", async () => {
    const { describeOptions } = await import("../oracle/config/schema.js");
    const readme = readFileSync("README.md", "utf8");
    for (const row of describeOptions()) {
      const line = readme.split("\n").find((l) => l.startsWith(`| \`${row.option}\``));
      expect(line, `README is missing ${row.option}`).to.not.equal(undefined);
      expect(line).to.include(row.default);
    }
  });
});
