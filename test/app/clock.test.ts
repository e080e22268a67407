/** The app's clock: current epoch, open windows and the report epoch at the edges of each window. */
import { expect } from "chai";

import { clockView, type Clock } from "../../app/src/lib/clock.js";

const c: Clock = {
  genesis: 1_000_000n,
  epochLength: 3600n,
  horizon: 1n,
  reportWindow: 900n,
  revealWindow: 900n,
  executionWindow: 600n,
  challengePeriod: 600n,
  rulingPeriod: 600n,
};
const end = (e: bigint) => c.genesis + (e + 1n) * c.epochLength;

describe("app: clock", () => {
  it("before genesis: no epoch, the start as the next deadline", () => {
    const v = clockView(c, c.genesis - 1n);
    expect(v.epoch).to.equal(undefined);
    expect(v.phase).to.equal("not started");
    expect(v.deadlines[0]).to.deep.equal({ name: "epoch 0 starts", at: c.genesis });
  });

  it("at genesis epoch 0 is open for inputs and commits, nothing to report", () => {
    const v = clockView(c, c.genesis);
    expect(v.epoch).to.equal(0n);
    expect(v.phase).to.equal("epoch 0: inputs and forecast commits");
    expect(v.reportEpoch).to.equal(undefined);
  });

  it("the last second of an epoch still belongs to it; its end opens the report and execution windows", () => {
    expect(clockView(c, end(0n) - 1n).epoch).to.equal(0n);
    const v = clockView(c, end(0n));
    expect(v.epoch).to.equal(1n);
    expect(v.open.map((w) => w.name)).to.deep.equal([
      "epoch 1: inputs and forecast commits",
      "report window of epoch 0",
      "execution window of epoch 0",
    ]);
    expect(v.reportEpoch).to.equal(0n);
  });

  it("the report window closes at end + reportWindow, when the reveal window opens", () => {
    expect(clockView(c, end(0n) + c.reportWindow - 1n).reportEpoch).to.equal(0n);
    const v = clockView(c, end(0n) + c.reportWindow);
    expect(v.reportEpoch).to.equal(undefined);
    expect(v.phase).to.include("reveal window of target 0");
    expect(v.phase).to.not.include("report window");
  });

  it("the fallback window follows the executor's", () => {
    const v = clockView(c, end(0n) + c.executionWindow);
    expect(v.phase).to.include("fallback window of epoch 0");
    expect(v.phase).to.not.include("execution window of epoch 0");
  });

  it("deadlines are in the future and soonest first", () => {
    const now = end(2n) + 100n;
    const v = clockView(c, now);
    expect(v.deadlines.length).to.be.greaterThan(3);
    expect(v.deadlines.every((d) => d.at > now)).to.equal(true);
    const ats = v.deadlines.map((d) => d.at);
    expect([...ats].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).to.deep.equal(ats);
    expect(v.deadlines[0]).to.deep.equal({ name: "execution window of epoch 2 closes", at: end(2n) + 600n });
  });
});
