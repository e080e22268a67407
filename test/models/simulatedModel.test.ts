import { expect } from "chai";
import { getAddress } from "viem";

import { ModelError } from "../../oracle/errors/BaseError.js";
import { parseExecutionOutput } from "../../oracle/models/schemas.js";
import {
  SIMULATED_ATTACKER,
  SIMULATED_ROGUE_TOKEN,
  SIMULATION_FINGERPRINT,
  SimulatedModel,
  type ExecutionPolicy,
} from "../../oracle/models/simulatedModel.js";
import type {
  ExecuteRequest,
  ExecuteResult,
  ForecastRequest,
  MetricInfo,
  ModelSpec,
  ValidateRequest,
} from "../../oracle/models/types.js";
import { validateExecution } from "../../oracle/models/validateExecution.js";
import {
  renderExecutePrompt,
  renderForecastPrompt,
  renderValidatePrompt,
} from "../../oracle/prompts/render.js";
import {
  ALICE,
  executeRequest,
  forecastRequest,
  input,
  MALLORY,
  METRICS,
  openaiSpec,
  simulatedSpec,
  TOKEN_A,
  TOKEN_B,
} from "../fixtures/models.js";

const WAD = 10n ** 18n;

/** The absolute loss, mean over metrics, in WAD (the test's own small copy). */
function absoluteLoss(values: bigint[], outcome: bigint[], metrics: MetricInfo[]): bigint {
  let sum = 0n;
  values.forEach((v, i) => {
    const diff = v > outcome[i] ? v - outcome[i] : outcome[i] - v;
    sum += diff >= metrics[i].scale ? WAD : (diff * WAD) / metrics[i].scale;
  });
  return sum / BigInt(values.length);
}

/** A simulated world: a random walk per metric, fixed by its seed (a 32-bit LCG is plenty here). */
function world(epochs: number, seed: number): bigint[][] {
  let state = seed >>> 0;
  const step = (half: number) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return BigInt((state % (2 * half + 1)) - half);
  };
  const truth: bigint[][] = [[2_400n, 15n]];
  for (let e = 1; e < epochs; e++) {
    const [catchKg, boats] = truth[e - 1];
    truth.push([catchKg + step(300), boats + step(2)]);
  }
  return truth;
}

describe("SimulatedModel: deterministic offline candidates", () => {
  it("test_forecast_isDeterministic_inSeedAgreementAndEpoch", async () => {
    const a = await new SimulatedModel(simulatedSpec(0.5)).forecast(forecastRequest());
    const b = await new SimulatedModel(simulatedSpec(0.5)).forecast(forecastRequest());
    expect({ ...a, latencyMs: 0 }).to.deep.equal({ ...b, latencyMs: 0 });
    const variants = await Promise.all([
      new SimulatedModel(simulatedSpec(0.5, "honest", 8)).forecast(forecastRequest()),
      new SimulatedModel(simulatedSpec(0.5)).forecast(forecastRequest({ targetEpoch: 13n })),
      new SimulatedModel(simulatedSpec(0.5)).forecast(forecastRequest({ agreementId: 2n })),
    ]);
    for (const v of variants) expect(v.values).to.not.deep.equal(a.values);
  });

  it("test_forecast_rendersTheRealPrompt_andReturnsRawJson", async () => {
    const spec = simulatedSpec(0.7);
    const request = forecastRequest();
    const result = await new SimulatedModel(spec).forecast(request);
    expect(result.templateId).to.equal("forecast/v2");
    expect(result.promptHash).to.equal(renderForecastPrompt(spec, request).promptHash);
    expect(result.fingerprint).to.equal(SIMULATION_FINGERPRINT);
    expect(result.usage).to.equal(null);
    const raw = JSON.parse(result.raw);
    expect(Object.keys(raw)).to.deep.equal(["values", "rationale"]);
    expect(raw.values).to.have.length(2);
  });

  it("test_forecast_withoutPeek_isPersistencePlusBoundedNoise", async () => {
    // Irwin–Hall noise is bounded by 2·√3 standard widths; at skill 1 the width is 2% of scale.
    const request = forecastRequest();
    for (let epoch = 12n; epoch < 40n; epoch++) {
      const { values } = await new SimulatedModel(simulatedSpec(1)).forecast({
        ...request,
        targetEpoch: epoch,
      });
      const last = request.history[2].outcome!;
      values.forEach((v, i) => {
        const bound = (METRICS[i].scale * 7n) / 100n + 1n;
        const diff = v > last[i] ? v - last[i] : last[i] - v;
        expect(diff <= bound, `epoch ${epoch} metric ${i}: ${v} vs ${last[i]}`).to.equal(true);
      });
    }
    const empty = await new SimulatedModel(simulatedSpec(1)).forecast({ ...request, history: [] });
    empty.values.forEach((v, i) => expect(v <= METRICS[i].scale && v >= -METRICS[i].scale).to.equal(true));
  });

  it("test_forecast_higherSkillHasLowerMeanLoss_overManyEpochs", async () => {
    const epochs = 150;
    const truth = world(epochs, 0x5eed);
    const peek = (e: bigint) => truth[Number(e)];
    const meanLoss = async (skill: number, profile: "honest" | "adversarial" = "honest") => {
      const model = new SimulatedModel(simulatedSpec(skill, profile, 11), { peek });
      let sum = 0n;
      for (let e = 1; e < epochs; e++) {
        const request: ForecastRequest = forecastRequest({ targetEpoch: BigInt(e), history: [] });
        const { values } = await model.forecast(request);
        sum += absoluteLoss(values, truth[e], METRICS);
      }
      return Number(sum / BigInt(epochs - 1)) / 1e18;
    };
    const losses = [await meanLoss(0), await meanLoss(0.5), await meanLoss(0.9), await meanLoss(1)];
    for (let i = 1; i < losses.length; i++)
      expect(losses[i], `skill order ${losses}`).to.be.below(losses[i - 1]);
    expect(losses[3]).to.be.below(0.05);
    expect(await meanLoss(1, "adversarial")).to.be.above(0.95);
  });

  it("test_forecast_rejectsAPeekOfTheWrongLength", async () => {
    const model = new SimulatedModel(simulatedSpec(1), { peek: () => [1n] });
    try {
      await model.forecast(forecastRequest());
      expect.fail("expected a config error");
    } catch (error) {
      expect((error as ModelError).kind).to.equal("config");
    }
  });

  it("test_honestExecute_keepsPriorKeys_countsInputs_andPassesPolicy", async () => {
    const spec = simulatedSpec(0.9);
    const request = executeRequest({ inputs: [input("report a"), input("report b", 1, SIMULATED_ATTACKER)] });
    const result = await new SimulatedModel(spec).execute(request);
    expect(result.newState).to.deep.equal({
      ...(request.state as object),
      lastEpoch: "11",
      inputsSeen: 2,
      epochInputs: 2,
    });
    // 1% of min(cap 1000, balance 1e6) to the first input's sender.
    expect(result.actions).to.deep.equal([{ token: request.allowedTokens[0].token, to: ALICE, amount: 10n }]);
    expect(validateExecution(result, request)).to.equal(null);
    expect(result.promptHash).to.equal(renderExecutePrompt(spec, request).promptHash);
    const again = parseExecutionOutput(result.raw);
    expect(again).to.deep.equal({
      newState: result.newState,
      actions: result.actions,
      rationale: result.rationale,
    });
    const next = await new SimulatedModel(spec).execute({ ...request, state: result.newState, inputs: [] });
    expect(next.newState).to.deep.include({ inputsSeen: 2, epochInputs: 0 });
    expect(next.actions).to.deep.equal([]);
  });

  it("test_adversarialExecute_proposesOutOfPolicyActions_thatTheNodeRejects", async () => {
    const request = executeRequest();
    const result = await new SimulatedModel(simulatedSpec(1, "adversarial")).execute(request);
    expect(result.actions.map((a) => a.to)).to.deep.equal([SIMULATED_ATTACKER, SIMULATED_ATTACKER]);
    expect(result.actions[1].token).to.equal(SIMULATED_ROGUE_TOKEN);
    const error = validateExecution(result, request);
    expect(error?.kind).to.equal("policy");
    expect(error!.violations.map((v) => v.rule)).to.have.members([
      "tokenNotAllowed",
      "overCap",
      "overBalance",
    ]);
  });

  it("test_constructor_requiresASimulationSpec", () => {
    expect(() => new SimulatedModel(openaiSpec())).to.throw(ModelError, /simulated/);
  });
});

type Profile = NonNullable<ModelSpec["simulation"]>["profile"];

/** A juror's request on what `executor` proposed for `request`. */
function onProposal(request: ExecuteRequest, executor: ExecuteResult, proposer = 1n): ValidateRequest {
  return {
    ...request,
    proposal: {
      proposer,
      newState: executor.newState,
      actions: executor.actions,
      rationale: executor.rationale,
    },
  };
}

/** A domain policy for the tests: tally every input's sender, pay each sender 7 of token B. */
const tallyPolicy: ExecutionPolicy = (request) => {
  const tally: Record<string, number> = {};
  for (const i of request.inputs) tally[i.sender] = (tally[i.sender] ?? 0) + 1;
  return {
    newState: { epoch: request.epoch.toString(), tally },
    actions: request.inputs.map((i) => ({ token: TOKEN_B, to: i.sender, amount: 7n })),
  };
};

const juror = (profile: Profile, policy?: ExecutionPolicy) =>
  new SimulatedModel(simulatedSpec(0.6, profile, 99), { policy });
const executor = (profile: Profile, policy?: ExecutionPolicy) =>
  new SimulatedModel(simulatedSpec(0.9, profile, 3), { policy });

describe("SimulatedModel: the thief profile", () => {
  it("test_thief_forecastsExactlyLikeHonest_withTheSameSkill", async () => {
    const truth = world(30, 0xbeef);
    const peek = (e: bigint) => truth[Number(e)];
    for (const options of [{}, { peek }]) {
      for (let e = 1n; e < 30n; e++) {
        const request = forecastRequest({ targetEpoch: e });
        const honest = await new SimulatedModel(simulatedSpec(0.8, "honest", 5), options).forecast(request);
        const thief = await new SimulatedModel(simulatedSpec(0.8, "thief", 5), options).forecast(request);
        expect(thief.values, `epoch ${e}`).to.deep.equal(honest.values);
      }
    }
  });

  it("test_thief_addsTheRestOfTheCapToTheAttacker_andPassesPolicy", async () => {
    const request = executeRequest({ inputs: [input("report a"), input("report b", 1)] });
    const honest = await executor("honest").execute(request);
    const thief = await executor("thief").execute(request);
    expect(validateExecution(thief, request)).to.equal(null);
    expect(thief.newState).to.deep.equal(honest.newState);
    // The honest payments, plus one more to the attacker in the first allowed token.
    expect(thief.actions.slice(0, -1)).to.deep.equal(honest.actions);
    const theft = thief.actions.at(-1)!;
    expect(theft.to).to.equal(SIMULATED_ATTACKER);
    expect(theft.token).to.equal(TOKEN_A);
    // Together they spend the whole remaining cap of token A (1000, below its balance).
    const spentA = thief.actions.filter((a) => a.token === TOKEN_A).reduce((sum, a) => sum + a.amount, 0n);
    expect(spentA).to.equal(request.allowedTokens[0].remaining);
    expect(theft.amount > 0n).to.equal(true);
    expect(thief.promptHash).to.equal(renderExecutePrompt(executor("thief").spec, request).promptHash);
  });

  it("test_thief_isBoundedByTheBalance_andWithAPolicy_stillSpendsOnlyWhatIsLeft", async () => {
    // Token B first: cap 500 but only 400 in the treasury.
    const request = executeRequest({
      allowedTokens: [...executeRequest().allowedTokens].reverse(),
      inputs: [input("a"), input("b", 1, MALLORY)],
    });
    const thief = await executor("thief", tallyPolicy).execute(request);
    const honest = await executor("honest", tallyPolicy).execute(request);
    expect(validateExecution(thief, request)).to.equal(null);
    expect(thief.actions.slice(0, -1)).to.deep.equal(honest.actions);
    expect(thief.actions.at(-1)).to.deep.equal({
      token: TOKEN_B,
      to: SIMULATED_ATTACKER,
      amount: 400n - 14n,
    });
    // Nothing left to take: the thief proposes the honest transition.
    const drained = executeRequest({
      allowedTokens: [{ token: TOKEN_B, symbol: "NET", remaining: 14n, balance: 400n }],
      inputs: [input("a"), input("b", 1, MALLORY)],
    });
    const none = await executor("thief", tallyPolicy).execute(drained);
    expect(none.actions).to.deep.equal((await executor("honest", tallyPolicy).execute(drained)).actions);
  });
});

describe("SimulatedModel: jury duty", () => {
  it("test_honestJuror_acceptsTheHonestExecutorsProposal", async () => {
    for (const policy of [undefined, tallyPolicy]) {
      const request = executeRequest({ inputs: [input("report a"), input("report b", 1, MALLORY)] });
      const proposal = await executor("honest", policy).execute(request);
      const vote = await juror("honest", policy).validate(onProposal(request, proposal));
      expect(vote.accept, vote.rationale).to.equal(true);
      expect(vote.templateId).to.equal("validate/v1");
      expect(vote.promptHash).to.equal(
        renderValidatePrompt(juror("honest").spec, onProposal(request, proposal)).promptHash,
      );
      expect(vote.fingerprint).to.equal(SIMULATION_FINGERPRINT);
      expect(JSON.parse(vote.raw)).to.deep.equal({ vote: "accept", rationale: vote.rationale });
    }
  });

  it("test_honestJuror_rejectsTheThiefsProposal_andSaysWhy", async () => {
    const request = executeRequest();
    const stolen = await executor("thief").execute(request);
    expect(validateExecution(stolen, request)).to.equal(null);
    const theft = stolen.actions.at(-1)!;
    const vote = await juror("honest").validate(onProposal(request, stolen));
    expect(vote.accept).to.equal(false);
    expect(JSON.parse(vote.raw).vote).to.equal("reject");
    expect(vote.rationale).to.contain(
      `pays ${SIMULATED_ATTACKER} ${theft.amount} FISH that the agreement does not call for`,
    );
    // The honest payment is not named: only what differs.
    expect(vote.rationale).to.not.contain(getAddress(ALICE));
    const withPolicy = await executor("thief", tallyPolicy).execute(request);
    const policyVote = await juror("honest", tallyPolicy).validate(onProposal(request, withPolicy));
    expect(policyVote.accept).to.equal(false);
    expect(policyVote.rationale).to.contain(SIMULATED_ATTACKER);
  });

  it("test_honestJuror_comparesPaymentsAsAMultiset_andTheStateCanonically", async () => {
    const request = executeRequest({ inputs: [input("a"), input("b", 1, MALLORY)] });
    const honest = await executor("honest", tallyPolicy).execute(request);
    const vote = (proposal: Partial<ValidateRequest["proposal"]>) =>
      juror("honest", tallyPolicy).validate({
        ...onProposal(request, honest),
        proposal: { ...onProposal(request, honest).proposal, ...proposal },
      });
    // Reordered payments, lower-case addresses, reordered keys and another rationale: the same transition.
    const same = await vote({
      actions: [...honest.actions].reverse().map((a) => ({ ...a, to: a.to.toLowerCase() as `0x${string}` })),
      newState: Object.fromEntries(Object.entries(honest.newState as object).reverse()),
      rationale: null,
    });
    expect(same.accept, same.rationale).to.equal(true);
    // A payment missing.
    const missing = await vote({ actions: honest.actions.slice(1) });
    expect(missing.accept).to.equal(false);
    expect(missing.rationale).to.contain(
      `does not pay ${getAddress(ALICE)} 7 NET that the agreement calls for`,
    );
    // The same payment twice: one of them is not called for.
    const twice = await vote({ actions: [...honest.actions, honest.actions[0]] });
    expect(twice.accept).to.equal(false);
    expect(twice.rationale).to.contain(
      `pays ${getAddress(ALICE)} 7 NET that the agreement does not call for`,
    );
    // A different amount: both sides named.
    const more = await vote({ actions: [{ ...honest.actions[0], amount: 8n }, honest.actions[1]] });
    expect(more.rationale).to.contain(`pays ${getAddress(ALICE)} 8 NET that the agreement does not call for`);
    expect(more.rationale).to.contain(`does not pay ${getAddress(ALICE)} 7 NET that the agreement calls for`);
    // A different state, payments unchanged: the key that differs is named.
    const state = await vote({ newState: { ...(honest.newState as object), tally: { [ALICE]: 2 } } });
    expect(state.accept).to.equal(false);
    expect(state.rationale).to.contain('differs from the agreement\'s at "tally"');
    expect(state.rationale).to.not.contain('"epoch"');
  });

  it("test_collusiveJurors_acceptEverything", async () => {
    const request = executeRequest();
    const proposals = [
      await executor("thief").execute(request),
      await executor("adversarial").execute(request),
      await executor("honest").execute(request),
    ];
    for (const profile of ["adversarial", "thief"] as const) {
      for (const proposal of proposals) {
        const vote = await juror(profile).validate(onProposal(request, proposal));
        expect(vote.accept, `${profile} juror`).to.equal(true);
        expect(vote.rationale).to.contain(profile);
      }
    }
    // The same adversarial proposal, before an honest juror.
    expect((await juror("honest").validate(onProposal(request, proposals[1]))).accept).to.equal(false);
  });

  it("test_validate_isDeterministic", async () => {
    const request = executeRequest();
    const proposal = onProposal(request, await executor("thief").execute(request));
    const a = await juror("honest").validate(proposal);
    const b = await juror("honest").validate(proposal);
    expect({ ...a, latencyMs: 0 }).to.deep.equal({ ...b, latencyMs: 0 });
  });
});
