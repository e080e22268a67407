/**
 * The scoring twin's rules on their own, without a chain: `expNegWad`'s exact integers (the same
 * values `test/solidity/LossMath.t.sol` pins for the contract).
 */
import { expect } from "chai";

import { expNegWad, WAD } from "../oracle/scoring/index.js";

describe("scoring twin: rules", () => {
  it("expNegWad gives the contract's 12-term integers", () => {
    const pinned: [bigint, bigint][] = [
      [0n, WAD],
      [1n, 999999999999999999n],
      [WAD / 2n, 606530659712640904n],
      [WAD, 367879441171442332n],
      [693147180559945308n, 500000000000360054n],
      [693147180559945309n, WAD / 2n],
      [1234567890123456789n, 290960462097213945n],
      [5n * WAD, 6737946999085467n],
      [41n * WAD, 1n],
      [42n * WAD - 1n, 0n],
      [42n * WAD, 0n],
    ];
    for (const [x, v] of pinned) expect(expNegWad(x), `expNegWad(${x})`).to.equal(v);
  });
});
