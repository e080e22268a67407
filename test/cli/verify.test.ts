/**
 * `gengov verify` catches what the contract cannot: proposals whose on-chain arguments are consistent
 * (so they are accepted) but whose manifest lies. One agreement per case, each with one simulated
 * candidate and two inputs; every proposal is built like a node builds it, then doctored. The honest
 * control passes every check; each doctored one fails exactly the check that covers the lie, with
 * exit code 1. The tampered one is then challenged, rejected and its challenger paid, all via the CLI.
 */
import { expect } from "chai";

import { network } from "hardhat";
import { keccak256, stringToHex } from "viem";

import type { Manifest } from "../../oracle/manifest/manifest.js";
import { transitionContext } from "../../oracle/transition/context.js";
import type { Check, TransitionReport } from "../../oracle/verify/verifyTransitions.js";
import { specHash } from "../../oracle/models/spec.js";
import { deployCli, proposeDoctored, type CliFixture, type Doctor } from "../fixtures/cli.js";
import { CHALLENGER } from "../fixtures/execution.js";
import { scoreOnce, WAD } from "../fixtures/hub.js";
import { testSpec } from "../fixtures/node.js";

type Json<T> = { [K in keyof T]: T[K] extends bigint ? string : T[K] };
type Report = Json<Omit<TransitionReport, "checks">> & { checks: Check[] };

const CASES = {
  honest: {},
  promptHash: {
    manifest: (m) => ({
      ...m,
      prompt: { ...m.prompt, promptHash: keccak256(stringToHex("another prompt")) },
    }),
  },
  inputsCount: { manifest: (m) => ({ ...m, inputs: { ...m.inputs, count: m.inputs.count + 1 } }) },
  spec: { manifest: (m) => ({ ...m, spec: { ...m.spec, model: "a-bigger-model" } }) },
  skippedInput: { request: (r) => ({ ...r, inputs: r.inputs.slice(1) }) },
  // A proposer whose context builder puts the inputs in another order than the chain's.
  reorderedInputs: {
    context: (s) => {
      const c = transitionContext(s);
      return { ...c, request: { ...c.request, inputs: c.request.inputs.toReversed() } };
    },
  },
  // A manifest without the hub address: JSON, canonical, but not a manifest.
  malformed: {
    manifest: (m) =>
      Object.fromEntries(Object.entries(m).filter(([k]) => k !== "hub")) as unknown as Manifest,
  },
} satisfies Record<string, Doctor>;

describe("cli: verify detects doctored manifests", function () {
  this.timeout(120_000);
  let x: CliFixture;
  const ids = {} as Record<keyof typeof CASES, bigint>;
  const spec = testSpec("keen-eye");

  before(async () => {
    x = await deployCli(await network.create());
    let lastGenesis = 0n;
    const scored: Parameters<typeof scoreOnce>[1] = [];
    for (const name of Object.keys(CASES) as (keyof typeof CASES)[]) {
      const { agreementId, genesis } = await x.createDirect({ minScored: 0 });
      ids[name] = agreementId;
      lastGenesis = genesis;
      scored.push({ agreementId, genesis, candidateId: 1n, operator: 4 });
      await x.hub.write.registerCandidate([agreementId, specHash(spec), 100n * WAD, x.as(4).address], {
        account: x.wallets[4].account,
      });
      await x.hub.write.submitInput([agreementId, stringToHex("boat 3 asks for a smaller share")], {
        account: x.wallets[13].account,
      });
      await x.hub.write.submitInput([agreementId, stringToHex("boat 5 reports 380 kg")], {
        account: x.wallets[14].account,
      });
    }
    // A never-scored candidate never executes: each forecasts target 1 and is scored, so epoch E is
    // the first it executes. Then inside every agreement's proposal window of E (seconds apart).
    const E = await scoreOnce(x, scored);
    await x.networkHelpers.time.increaseTo(lastGenesis + (E + 1n) * 3600n + 1n);
    for (const [name, doctor] of Object.entries(CASES) as [keyof typeof CASES, Doctor][]) {
      await proposeDoctored(x, {
        agreementId: ids[name],
        epoch: E,
        candidateId: 1n,
        spec,
        operator: 4,
        doctor,
      });
    }
  });

  const verify = async (name: keyof typeof CASES, ...flags: string[]) => {
    const r = await x.run(["verify", ids[name].toString(), ...flags]);
    const reports = r.json<Report[]>();
    expect(reports).to.have.length(1);
    return {
      code: r.code,
      report: reports[0],
      failed: reports[0].checks.filter((c) => !c.ok).map((c) => c.name),
    };
  };

  it("control: the undoctored proposal passes every check (exit 0)", async () => {
    const { code, report, failed } = await verify("honest");
    expect(failed).to.deep.equal([]);
    expect(report.pass).to.equal(true);
    expect(code).to.equal(0);
  });

  it("a manifest whose promptHash is not the rendered prompt's: prompt.hash FAILs, exit 1", async () => {
    const { code, report, failed } = await verify("promptHash");
    expect(failed).to.deep.equal(["prompt.hash"]);
    expect(report.pass).to.equal(false);
    expect(code).to.equal(1);
    const human = await x.run(["verify", ids.promptHash.toString()], { json: false });
    expect(human.code).to.equal(1);
    expect(human.out.join("\n"))
      .to.include("epoch 2 candidate 1: FAIL")
      .and.include("ok   manifest.hash")
      .and.match(/FAIL prompt\.hash {2}execute\/v\d+ 0x[0-9a-f]{64}/);
  });

  it("a manifest with an altered inputs count: inputs.count FAILs, exit 1", async () => {
    const { code, failed, report } = await verify("inputsCount");
    expect(failed).to.deep.equal(["inputs.count"]);
    expect(report.checks.find((c) => c.name === "inputs.count")!.detail).to.equal(
      "2 inputs since the last finalized transition",
    );
    expect(code).to.equal(1);
  });

  it("a manifest embedding a spec other than the on-chain spec bytes: spec.embedded FAILs, exit 1", async () => {
    const { code, failed } = await verify("spec");
    expect(failed).to.deep.equal(["spec.embedded"]);
    expect(code).to.equal(1);
  });

  it("a proposal that skipped an input: inputs.count and prompt.hash FAIL; --rerun shows a different answer", async () => {
    const { code, failed } = await verify("skippedInput");
    expect(failed).to.deep.equal(["inputs.count", "prompt.hash"]);
    expect(code).to.equal(1);
    const rerun = await verify("skippedInput", "--rerun");
    expect(rerun.code).to.equal(1);
    expect(rerun.report.rerun!.same).to.equal(false);
    const [was, now] = rerun.report.rerun!.diff;
    expect(was).to.include('"inputsSeen":1');
    expect(now).to.include('"inputsSeen":2');
  });

  it("a proposer whose context builder reorders the inputs: prompt.hash FAILs as not reproducible, exit 1", async () => {
    const { code, report, failed } = await verify("reorderedInputs");
    expect(failed).to.deep.equal(["prompt.hash"]);
    expect(report.checks.find((c) => c.name === "prompt.hash")!.detail).to.include(
      "the prompt is not reproducible from the previous state and inputs",
    );
    expect(code).to.equal(1);
  });

  it("a malformed manifest on chain is reported as manifest.schema naming the field, not thrown", async () => {
    const r = await x.run(["verify", ids.malformed.toString()], { json: false });
    expect(r.code, r.err).to.equal(1);
    expect(r.err).to.equal("");
    expect(r.out.join("\n"))
      .to.include("epoch 2 candidate 1: FAIL")
      .and.match(/FAIL manifest\.schema {2}malformed manifest: hub: /)
      .and.include("ok   inputs.chain");
    const { failed } = await verify("malformed");
    expect(failed).to.deep.equal(["manifest.schema"]);
  });

  it("a verify failure does not leak into the next command's exit code", async () => {
    expect((await verify("spec")).code).to.equal(1);
    expect((await verify("honest")).code).to.equal(0);
  });

  it("the tampered proposal is challenged, the arbiter rejects it, the challenger pulls bond and reward", async () => {
    const id = ids.promptHash.toString();
    const challenge = await x.run(["transition", "challenge", id, "2"], { account: x.as(CHALLENGER) });
    expect(challenge.code, challenge.err).to.equal(0);
    const rule = await x.run(["transition", "rule", id, "2", "reject"], { account: x.as(0) });
    expect(rule.code, rule.err).to.equal(0);
    expect((await x.run(["transition", "show", id])).json().current.status).to.equal("Rejected");
    expect((await x.run(["transition", "show", id])).json().proposals[0].status).to.equal("rejected");
    const human = (await x.run(["verify", id], { json: false })).out.join("\n");
    expect(human).to.include("epoch 2 candidate 1: FAIL (rejected)");
    // The challenger gets its bond back plus half of the executor's reject penalty.
    const owed = 20n * WAD + 25n * WAD;
    expect(await x.execution.read.owed([x.as(CHALLENGER).address, x.token.address])).to.equal(owed);
    expect((await x.hub.read.candidate([ids.promptHash, 1n])).bond).to.equal(50n * WAD);
    const balance = await x.token.read.balanceOf([x.as(CHALLENGER).address]);
    const pay = await x.run(["payment", "withdraw", x.token.address], { account: x.as(CHALLENGER) });
    expect(pay.code, pay.err).to.equal(0);
    expect(await x.token.read.balanceOf([x.as(CHALLENGER).address])).to.equal(balance + owed);
  });

  it("a challenge the arbiter leaves unruled: transition show and verify say lapsed, then finalized", async () => {
    const id = ids.spec;
    const challenge = await x.run(["transition", "challenge", id.toString(), "2"], {
      account: x.as(CHALLENGER),
    });
    expect(challenge.code, challenge.err).to.equal(0);
    const [p] = await x.hub.read.agreement([id]);
    const live = await x.execution.read.proposal([id]);
    await x.networkHelpers.time.increaseTo(live.proposedAt + BigInt(p.challengePeriod + p.rulingPeriod) + 1n);
    await x.execution.write.lapseChallenge([id, 2n], { account: x.wallets[16].account });
    const show = await x.run(["transition", "show", id.toString()]);
    expect(show.json().proposals[0]).to.include({ status: "lapsed", challengers: 1, challengeLapsed: true });
    expect((await verify("spec")).report.status).to.equal("lapsed");

    const fin = await x.run(["transition", "finalize", id.toString(), "2"], { account: x.as(16) });
    expect(fin.code, fin.err).to.equal(0);
    const human = await x.run(["transition", "show", id.toString()], { json: false });
    expect(human.out.join("\n")).to.match(/\n2\s+1\s+finalized \(challenge lapsed\)\s/);
    expect(human.out.join("\n")).to.include("current: epoch 2 by candidate 1, finalized;");
  });
});
