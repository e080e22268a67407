/**
 * `gengov judgement`: bad input gets one `gengov: …` line naming the problem and exit code 2, before
 * anything is sent: a terms file with a bad field or a placeholder left unfilled, an item list out of
 * order, a flag side that is neither over nor under, a round command on an agreement without a
 * round, and opening a round of an agreement without terms.
 */
import { basename } from "node:path";

import { expect } from "chai";

import { network } from "hardhat";

import { deployCli, type CliFixture } from "../fixtures/cli.js";

describe("cli: judgement bad input", function () {
  this.timeout(120_000);
  let x: CliFixture;
  const items = JSON.stringify([
    { index: 0, name: "a", url: "", payout: "0x00000000000000000000000000000000000000a1" },
    { index: 1, name: "b", url: "", payout: "0x00000000000000000000000000000000000000b2" },
  ]);
  let itemsFile = "";
  const terms = (over: Record<string, unknown> = {}) =>
    JSON.stringify({
      items: basename(itemsFile),
      itemsUri: "https://example.org/items.json",
      sampleSize: 4,
      maxFlags: 2,
      commitWindow: 60,
      answerWindow: 60,
      revealWindow: 60,
      proposeWindow: 60,
      budget: "1000",
      submitterShare: "200000000000000000",
      scale: "2000000000000000000",
      randomness: "$RANDOMNESS",
      ...over,
    });

  before(async () => {
    x = await deployCli(await network.create());
    itemsFile = x.file("items.json", items);
  });

  const oneLine = (err: string) => {
    const lines = err.trim().split("\n");
    expect(lines, err).to.have.length(1);
    expect(lines[0]).to.match(/^gengov: /);
    return lines[0];
  };

  it("test_configure_namesTheBadTermAndTheUnfilledPlaceholder", async () => {
    const bad = x.file("bad.json", terms({ maxFlags: 3 }));
    const r1 = await x.run([
      "judgement",
      "configure",
      "--agreement",
      "1",
      "--terms",
      bad,
      "--set",
      "RANDOMNESS=0x00000000000000000000000000000000000000c3",
    ]);
    expect(r1.code).to.equal(2);
    expect(oneLine(r1.err)).to.match(/maxFlags: at most sampleSize \/ 2 \(2\)/);
    const good = x.file("good.json", terms());
    const r2 = await x.run(["judgement", "configure", "--agreement", "1", "--terms", good]);
    expect(r2.code).to.equal(2);
    expect(oneLine(r2.err)).to.match(/\$RANDOMNESS not filled; pass --set RANDOMNESS=<value>/);
    itemsFile = x.file("items.json", JSON.stringify([...JSON.parse(items)].reverse()));
    const reversed = x.file("reversed.json", terms());
    const r3 = await x.run([
      "judgement",
      "configure",
      "--agreement",
      "1",
      "--terms",
      reversed,
      "--set",
      "RANDOMNESS=0x00000000000000000000000000000000000000c3",
    ]);
    expect(r3.code).to.equal(2);
    expect(oneLine(r3.err)).to.match(/index: must be 0 \(items in index order from 0\)/);
  });

  it("test_flag_refusesASideOtherThanOverOrUnder", async () => {
    const r = await x.run(["judgement", "flag", "--agreement", "1", "--item", "0", "--side", "sideways"]);
    expect(r.code).to.equal(2);
    expect(oneLine(r.err)).to.equal('gengov: --side: expected "over" or "under", got "sideways"');
  });

  it("test_roundCommands_onAnAgreementWithoutARound_sayHowToOpenOne", async () => {
    await x.createAgreement();
    for (const args of [
      ["judgement", "close", "--agreement", "1"],
      ["judgement", "propose", "--agreement", "1"],
      ["judgement", "finalize", "--agreement", "1"],
      ["judgement", "answer", "--agreement", "1", "--ratios", "1"],
    ]) {
      const r = await x.run(args);
      expect(r.code, args.join(" ")).to.equal(2);
      expect(oneLine(r.err)).to.equal(
        "gengov: agreement 1 has no judgement round yet (gengov judgement open)",
      );
    }
    const open = await x.run(["judgement", "open", "--agreement", "1"], { account: x.as(0) });
    expect(open.code).to.equal(1);
    expect(oneLine(open.err)).to.match(/JudgementNotConfigured\(1\)/);
  });

  it("test_configure_asArbiter_thenShow_andTheContractsRangeErrorNamedByField", async () => {
    itemsFile = x.file("items.json", items);
    const set = ["--set", `RANDOMNESS=${x.token.address}`];
    const tooMany = x.file("too-many.json", terms({ sampleSize: 300 }));
    const r1 = await x.run(["judgement", "configure", "--agreement", "1", "--terms", tooMany, ...set], {
      account: x.as(0),
    });
    expect(r1.code, r1.err).to.equal(1);
    expect(oneLine(r1.err)).to.match(/JudgementParameterInvalid\(SampleSize\)/);
    const good = x.file("good.json", terms());
    const r2 = await x.run(["judgement", "configure", "--agreement", "1", "--terms", good, ...set], {
      account: x.as(0),
    });
    expect(r2.code, r2.err).to.equal(0);
    const show = await x.run(["judgement", "show", "--agreement", "1"], { json: false });
    expect(show.code, show.err).to.equal(0);
    expect(show.out.join("\n")).to.match(/^agreement 1: 2 items, 4 pairs a round, .* 0 round\(s\)/);
  });
});
