import { expect } from "chai";
import { readFileSync } from "node:fs";

import { renderAbis } from "../scripts/export-abis.js";

describe("oracle/chain/abis.ts", () => {
  it("matches the compiled artifacts (run `npm run abis` after changing a contract's interface)", () => {
    expect(readFileSync("oracle/chain/abis.ts", "utf8")).to.equal(renderAbis());
  });
});

describe("oracle/chain/revert.ts", () => {
  it("PARAMETER_NAMES lists IGengovHub.Parameter in declaration order", async () => {
    const { PARAMETER_NAMES } = await import("../oracle/chain/revert.js");
    const source = readFileSync("contracts/interfaces/IGengovHub.sol", "utf8");
    const body = /enum Parameter \{([^}]*)\}/.exec(source)![1];
    expect(body.split(",").map((s) => s.trim()).filter(Boolean)).to.deep.equal([...PARAMETER_NAMES]);
  });
});
