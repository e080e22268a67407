/**
 * The vote manifest: canonical JSON whose keccak256 is the vote's rationale hash, read back by
 * `parseVoteManifest`, which names the first offending field of a tampered one.
 */
import { expect } from "chai";
import { keccak256, stringToHex } from "viem";

import { buildVoteManifest, parseVoteManifest, voteManifest } from "../../oracle/manifest/vote.js";
import { specHash } from "../../oracle/models/spec.js";
import { scriptedRecord, testSpec } from "../fixtures/node.js";

function sample() {
  const spec = testSpec("juror");
  return voteManifest(
    {
      chainId: 31337,
      jury: "0x00000000000000000000000000000000000000aa",
      agreementId: 2n,
      epoch: 5n,
      proposer: 1n,
      round: 0,
      jurorId: 3n,
      spec,
      specHash: specHash(spec),
    },
    { outcomes: [{ epoch: "4", values: ["100", "-5"] }], scores: [], allowedTokens: [] },
    {
      ...scriptedRecord('{"vote":"reject","rationale":"pays an attacker"}'),
      accept: false,
      rationale: "pays an attacker",
    },
  );
}

describe("vote manifest", () => {
  it("is canonical JSON whose hash is keccak256 of its bytes, and parses back to itself", () => {
    const m = sample();
    const built = buildVoteManifest(m);
    expect(built.hash).to.equal(keccak256(stringToHex(built.text)));
    expect(built.bytes).to.equal(stringToHex(built.text));
    expect(m.vote).to.equal("reject");
    expect(parseVoteManifest(JSON.parse(built.text))).to.deep.equal({ manifest: JSON.parse(built.text) });
  });

  it("names the first offending field of a tampered manifest", () => {
    const value = JSON.parse(buildVoteManifest(sample()).text);
    expect(parseVoteManifest({ ...value, vote: "maybe" }))
      .to.have.property("problem")
      .that.match(/^vote: /);
    expect(parseVoteManifest({ ...value, kind: "transition" }))
      .to.have.property("problem")
      .that.match(/^kind: /);
    expect(parseVoteManifest({ ...value, extra: 1 }))
      .to.have.property("problem")
      .that.match(/^\(root\): /);
    const { call, ...noCall } = value;
    void call;
    expect(parseVoteManifest(noCall))
      .to.have.property("problem")
      .that.match(/^call: /);
  });
});
