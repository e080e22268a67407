import { expect } from "chai";
import { readFileSync } from "node:fs";

import { renderAbis } from "../scripts/export-abis.js";

describe("oracle/chain/abis.ts", () => {
  it("matches the compiled artifacts (run `npm run abis` after changing a contract's interface)", () => {
    expect(readFileSync("oracle/chain/abis.ts", "utf8")).to.equal(renderAbis());
  });
});
