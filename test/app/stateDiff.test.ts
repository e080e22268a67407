/** The transition state as a readable diff against the previous state. */
import { expect } from "chai";

import { diffLines, diffState } from "../../app/src/lib/stateDiff.js";

describe("app: state diff", () => {
  it("names every added, removed and changed leaf by its path", () => {
    const before = { stock: 900, quotas: { boat1: 100, boat2: 80 }, notes: ["a", "b"], closed: false };
    const after = { stock: 850, quotas: { boat1: 100, boat3: 60 }, notes: ["a"], season: 2 };
    expect(diffLines(diffState(before, after))).to.deep.equal([
      "- closed (was false)",
      '- notes[1] (was "b")',
      "- quotas.boat2 (was 80)",
      "+ quotas.boat3 = 60",
      "+ season = 2",
      "~ stock: 900 → 850",
    ]);
  });

  it("an unchanged state has no lines; keys that are not identifiers are quoted", () => {
    expect(diffState({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).to.deep.equal([]);
    expect(diffLines(diffState({ "boat 1": 1 }, { "boat 1": 2 }))).to.deep.equal(['~ ["boat 1"]: 1 → 2']);
  });

  it("a state that is not an object is compared whole", () => {
    expect(diffLines(diffState({}, "text"))).to.deep.equal(['~ (state): {} → "text"']);
    expect(diffLines(diffState({ a: { x: 1 } }, { a: 3 }))).to.deep.equal(['~ a: {"x":1} → 3']);
  });
});
