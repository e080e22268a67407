/** The app's decision reads (futarchy mode): the mean revealed forecast per option and metric. */
import { expect } from "chai";

import { meanForecasts } from "../../app/src/lib/conditional.js";

describe("app: decisions", () => {
  it("test_meanForecasts_averagesOptionMajorVectorsPerOptionAndMetric", () => {
    // Two revealers, two options, two metrics: [o0m0, o0m1, o1m0, o1m1].
    const flat = [
      [100n, 200n, 300n, 400n],
      [101n, -201n, 300n, 500n],
    ];
    expect(meanForecasts(flat, 2, 2)).to.deep.equal([
      [100n, 0n],
      [300n, 450n],
    ]);
    expect(meanForecasts([], 2, 2)).to.deep.equal([]);
  });
});
