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
    expect(
      body
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    ).to.deep.equal([...PARAMETER_NAMES]);
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
