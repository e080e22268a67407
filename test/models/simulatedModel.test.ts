import { expect } from "chai";

import { ModelError } from "../../oracle/errors/BaseError.js";
import { parseExecutionOutput } from "../../oracle/models/schemas.js";
import {
  SIMULATED_ATTACKER,
  SIMULATED_ROGUE_TOKEN,
  SIMULATION_FINGERPRINT,
  SimulatedModel,
} from "../../oracle/models/simulatedModel.js";
import type { ForecastRequest, MetricInfo } from "../../oracle/models/types.js";
import { validateExecution } from "../../oracle/models/validateExecution.js";
import { renderExecutePrompt, renderForecastPrompt } from "../../oracle/prompts/render.js";
import {
  ALICE,
  executeRequest,
  forecastRequest,
  input,
  METRICS,
  openaiSpec,
  simulatedSpec,
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
