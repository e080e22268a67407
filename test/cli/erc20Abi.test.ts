import { expect } from "chai";

import * as abis from "../../oracle/chain/abis.js";

describe("one ERC-20 ABI: viem's", () => {
  it("the generated ABIs ship the ERC-20 errors only, never the test token's functions", () => {
    expect(Object.keys(abis).sort()).to.deep.equal([
      "erc20ErrorsAbi",
      "gengovConditionalAbi",
      "gengovExecutionAbi",
      "gengovHubAbi",
      "gengovJudgementAbi",
      "gengovJuryAbi",
    ]);
    expect(abis.erc20ErrorsAbi.length).to.be.greaterThan(0);
    expect(abis.erc20ErrorsAbi.every((e) => e.type === "error")).to.equal(true);
    expect(abis.erc20ErrorsAbi.map((e) => e.name)).to.include("ERC20InsufficientBalance");
  });
});
