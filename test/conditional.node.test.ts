/**
 * The node's conditional-forecast job (futarchy mode) against a scripted chain (reads and events
 * answered from a small decision model, sends recorded): forecasts, option set and salt are on disk
 * before the commit is sent, and a crash between the two sends the stored commitment (no new salt, no
 * second model call); a restarted node reveals the stored forecasts with the stored salt; a model
 * answer that is not one vector per option is rejected with nothing stored or sent; a candidate not
 * eligible to execute (no forecaster place) asks no model and sends nothing; the keeper decides an
 * ended epoch and retries `score` quietly while it is not ready; the executor's side decides an
 * ended epoch and returns the option taken with its label, or waits for the arbiter under advisory
 * terms.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import {
  encodeAbiParameters,
  getAbiItem,
  keccak256,
  stringToHex,
  zeroAddress,
  zeroHash,
  type Hex,
  type PublicClient,
} from "viem";

import { gengovConditionalAbi } from "../oracle/chain/abis.js";
import type { TxSender } from "../oracle/chain/txSender.js";
import { conditionalStep, decidedOption } from "../oracle/jobs/conditional.js";
import { parseForecastOptionsOutput } from "../oracle/models/schemas.js";
import { SimulatedModel } from "../oracle/models/simulatedModel.js";
import type { ForecastOptionsRequest, MetricInfo, Model } from "../oracle/models/types.js";
import type { AgreementRuntime, CandidateRuntime, NodeContext } from "../oracle/node/context.js";
import { createLogger } from "../oracle/node/logger.js";
import { Metrics } from "../oracle/node/metrics.js";
import { conditionalCommitment, flattenForecasts, optionSetHash } from "../oracle/scoring/conditional.js";
import { Store } from "../oracle/store/Store.js";
import { scriptedRecord, testSpec } from "./fixtures/node.js";

const CONDITIONAL: Hex = "0x00000000000000000000000000000000000000c0";
const HUB: Hex = "0x00000000000000000000000000000000000000a0";
const CHAIN_ID = 31337;
const LABELS = ["hold the quota", "cut the quota 20%", "raise the quota 20%"];
const METRICS: MetricInfo[] = [
  { name: "catchPerBoatDay", decimals: 2, scale: 800n },
  { name: "stockIndex", decimals: 2, scale: 2000n },
];
const FORECASTS = [
  [1500n, 5200n],
  [1200n, 5600n],
  [1800n, 4800n],
];
// Epoch 1 of a 3600 s clock from 0: commits in [3600, 6600), reveals in [6600, 7200).
const EPOCH = 1n;

const terms = {
  firstEpoch: 1n,
  horizon: 1,
  revealWindow: 600,
  maxProposed: 2,
  advisory: false,
  epsilon: 10n ** 17n,
  eta: 300n * 10n ** 18n,
  optionBond: 0n,
  weights: [1n, 0n],
  floors: [0n, 5000n],
  penalties: [0n, 10n],
  options: LABELS,
};

type Sent = { functionName: string; args: readonly unknown[]; jobKey: string };

/** A scripted decision epoch; `send` fails while `failSends` is set. */
function scriptedChain(advisory = false) {
  const configuration = encodeAbiParameters(
    getAbiItem({ abi: gengovConditionalAbi, name: "configure" }).inputs,
    [1n, { ...terms, advisory }],
  );
  const state = {
    commitment: zeroHash as Hex,
    revealed: false,
    decided: false,
    option: 0,
    explored: false,
    eligible: true,
  };
  const sent: Sent[] = [];
  const chain = { state, sent, failSends: false, revertScore: "" };
  const client = {
    readContract: async ({ functionName, args }: { functionName: string; args?: readonly unknown[] }) => {
      const epoch = args?.[1] as bigint | undefined;
      // Only the scripted epoch has a decision, and only once `decide` was sent for it.
      const decided = state.decided && epoch === EPOCH;
      switch (functionName) {
        case "termsAt":
          return [true, 0n, { ...terms, advisory, options: [] }];
        case "optionSet":
          return [LABELS.map((l) => keccak256(stringToHex(l))), optionSetHash(LABELS)];
        case "decisionOf":
          return [epoch !== undefined && epoch >= EPOCH, decided, state.option];
        case "forecastOf":
          return [state.commitment, state.revealed, []];
        case "decision":
          return { status: decided ? 1 : 0, option: state.option, explored: state.explored };
        case "outcome":
          return [0, [], 0n];
        case "candidate":
          return { eligible: state.eligible };
        default:
          throw new Error(`unscripted read ${functionName}`);
      }
    },
    getContractEvents: async ({ eventName }: { eventName: string }) =>
      eventName === "TermsSet" ? [{ args: { agreementId: 1n, version: 0n, configuration } }] : [],
  } as unknown as PublicClient;
  const sender = {
    send: async (p: Sent) => {
      if (chain.failSends) throw new Error("crash: the process died before the transaction was sent");
      if (p.functionName === "score" && chain.revertScore)
        throw Object.assign(new Error(`score would revert: ${chain.revertScore}`), {
          errorName: chain.revertScore,
        });
      sent.push({ functionName: p.functionName, args: p.args, jobKey: p.jobKey });
      if (p.functionName === "decide") {
        state.decided = true;
        state.option = 2;
        state.explored = true;
      }
      return { transactionHash: keccak256(stringToHex(`${sent.length}`)) };
    },
  } as unknown as TxSender;
  return { chain, client, sender };
}

const agreement = {
  id: 1n,
  text: "Keep the stock above half its capacity, then land as much as possible.",
  metrics: METRICS,
  clock: {
    genesis: 0n,
    epochLength: 3600n,
    horizon: 1n,
    reportWindow: 600n,
    revealWindow: 600n,
    executionWindow: 600n,
    challengePeriod: 900n,
    rulingPeriod: 900n,
  },
} as unknown as AgreementRuntime;

function contextOf(store: Store, client: PublicClient, sender: TxSender): NodeContext {
  return {
    client,
    sender,
    store,
    log: createLogger("error", () => {}),
    metrics: new Metrics(),
    chainId: CHAIN_ID,
    hub: HUB,
    execution: zeroAddress,
    jury: zeroAddress,
    conditional: CONDITIONAL,
    agreement: async () => agreement,
    now: async () => 0n,
  };
}

/** A simulated model whose conditional forecasts are `FORECASTS`, its calls counted. */
function countedModel(): { model: Model; calls: () => number } {
  let calls = 0;
  const inner = new SimulatedModel(testSpec("forecaster"), { options: () => FORECASTS });
  return {
    model: {
      spec: inner.spec,
      forecast: (r) => inner.forecast(r),
      execute: (r) => inner.execute(r),
      validate: (r) => inner.validate(r),
      forecastOptions: (r: ForecastOptionsRequest) => {
        calls++;
        return inner.forecastOptions(r);
      },
    },
    calls: () => calls,
  };
}

function candidateOf(model: Model, candidateId = 2n): CandidateRuntime {
  return {
    agreementId: 1n,
    candidateId,
    model,
    spec: model.spec,
    status: { readIn: -1n, exiting: false, nextCatchUpAt: 0n },
  } as unknown as CandidateRuntime;
}

const storePath = () => join(mkdtempSync(join(tmpdir(), "gengov-conditional-node-")), "node.sqlite");

describe("conditional job", () => {
  it("test_commit_storesForecastsAndSaltBeforeSending_andACrashResendsTheStoredCommitment", async () => {
    const path = storePath();
    const { chain, client, sender } = scriptedChain();
    const { model, calls } = countedModel();
    const candidate = candidateOf(model);
    chain.failSends = true;
    let store = new Store(path, { chainId: CHAIN_ID, hub: HUB });
    const step = (s: Store, now: bigint) =>
      conditionalStep({ ctx: contextOf(s, client, sender), candidate, agreement, now });
    await step(store, 3700n).then(
      () => expect.fail("the send should have failed"),
      (e: Error) => expect(e.message).to.match(/crash/),
    );
    const stored = store.getConditional(1n, EPOCH, 2n)!;
    expect(stored.status).to.equal("persisted");
    expect(stored.forecasts).to.deep.equal(FORECASTS);
    expect(stored.labels).to.deep.equal(LABELS);
    expect(stored.optionSetHash).to.equal(optionSetHash(LABELS));
    expect(stored.commitment).to.equal(
      conditionalCommitment({
        chainId: CHAIN_ID,
        conditional: CONDITIONAL,
        agreementId: 1n,
        epoch: EPOCH,
        candidateId: 2n,
        optionSetHash: optionSetHash(LABELS),
        forecasts: FORECASTS,
        salt: stored.salt,
      }),
    );
    expect(chain.sent).to.have.length(0);
    store.close();
    // Restart: the stored commitment is sent; the model is not asked again, no new salt is drawn.
    chain.failSends = false;
    store = new Store(path, { chainId: CHAIN_ID, hub: HUB });
    const result = await step(store, 3800n);
    expect(result.did).to.deep.equal(["committed"]);
    expect(calls()).to.equal(1);
    expect(chain.sent.map((s) => s.functionName)).to.deep.equal(["commit"]);
    expect(chain.sent[0].args).to.deep.equal([1n, EPOCH, 2n, stored.commitment]);
    expect(store.getConditional(1n, EPOCH, 2n)).to.deep.include({ salt: stored.salt, status: "committed" });
    // Another tick in the commit window does nothing.
    await step(store, 3900n);
    expect(chain.sent).to.have.length(1);
    store.close();
  });

  it("test_reveal_afterRestart_sendsTheStoredForecastsAndSalt", async () => {
    const path = storePath();
    const { chain, client, sender } = scriptedChain();
    const { model } = countedModel();
    const candidate = candidateOf(model);
    let store = new Store(path, { chainId: CHAIN_ID, hub: HUB });
    await conditionalStep({ ctx: contextOf(store, client, sender), candidate, agreement, now: 3700n });
    const stored = store.getConditional(1n, EPOCH, 2n)!;
    store.close();
    chain.state.commitment = stored.commitment;
    // A new process, in the reveal window.
    store = new Store(path, { chainId: CHAIN_ID, hub: HUB });
    const result = await conditionalStep({
      ctx: contextOf(store, client, sender),
      candidate,
      agreement,
      now: 6700n,
    });
    expect(result.did).to.deep.equal(["revealed"]);
    const reveal = chain.sent.find((s) => s.functionName === "reveal")!;
    expect(reveal.args).to.deep.equal([1n, EPOCH, 2n, flattenForecasts(FORECASTS), stored.salt]);
    expect(store.getConditional(1n, EPOCH, 2n)?.status).to.equal("revealed");
    store.close();
  });

  it("test_commit_garbageModelOutput_isRejected_nothingStoredNorSent", async () => {
    const { chain, client, sender } = scriptedChain();
    const garbage: Model = {
      ...countedModel().model,
      forecastOptions: async (r) => {
        // Two options answered for three: the parse names the missing one.
        const raw =
          '{"forecasts":[{"option":0,"values":[15,52]},{"option":1,"values":[12,56]}],"rationale":"x"}';
        return { ...scriptedRecord(raw), ...parseForecastOptionsOutput(raw, r.options.length, r.metrics) };
      },
    };
    const lines: string[] = [];
    const store = new Store(storePath(), { chainId: CHAIN_ID, hub: HUB });
    const ctx = { ...contextOf(store, client, sender), log: createLogger("warn", (l) => lines.push(l)) };
    const result = await conditionalStep({ ctx, candidate: candidateOf(garbage), agreement, now: 3700n });
    expect(result.did).to.deep.equal(["abstained"]);
    expect(store.getConditional(1n, EPOCH, 2n)).to.equal(undefined);
    expect(chain.sent).to.have.length(0);
    expect(lines.join("\n")).to.contain("The conditional forecast has no values for option 2.");
    store.close();
  });

  it("test_commit_aCandidateNotEligibleToExecute_asksNoModel_storesAndSendsNothing", async () => {
    const { chain, client, sender } = scriptedChain();
    chain.state.eligible = false;
    const { model, calls } = countedModel();
    const store = new Store(storePath(), { chainId: CHAIN_ID, hub: HUB });
    const result = await conditionalStep({
      ctx: contextOf(store, client, sender),
      candidate: candidateOf(model),
      agreement,
      now: 3700n,
    });
    expect(result.did).to.deep.equal([]);
    expect(calls()).to.equal(0);
    expect(store.getConditional(1n, EPOCH, 2n)).to.equal(undefined);
    expect(chain.sent).to.have.length(0);
    store.close();
  });

  it("test_executor_underAdvisoryTerms_waitsForTheArbitersChoice_andSendsNothing", async () => {
    const { chain, client, sender } = scriptedChain(true);
    const store = new Store(storePath(), { chainId: CHAIN_ID, hub: HUB });
    await decidedOption(contextOf(store, client, sender), agreement, EPOCH).then(
      () => expect.fail("an undecided advisory epoch has no option yet"),
      (e: Error) => expect(e.message).to.equal("epoch 1: waiting for the arbiter's choice (advisory terms)"),
    );
    expect(chain.sent).to.have.length(0);
    store.close();
  });

  it("test_keeper_decidesAnEndedEpoch_thenRetriesScoreQuietlyWhileNotReady", async () => {
    const { chain, client, sender } = scriptedChain();
    const store = new Store(storePath(), { chainId: CHAIN_ID, hub: HUB });
    const lines: string[] = [];
    const ctx = { ...contextOf(store, client, sender), log: createLogger("warn", (l) => lines.push(l)) };
    const { model } = countedModel();
    const step = (now: bigint) =>
      conditionalStep({ ctx, candidate: candidateOf(model), agreement, now, keeper: true });
    // Epoch 2 (7200–10800) is in its reveal window: nothing to commit; epoch 1 ended undecided.
    expect((await step(10_300n)).did).to.deep.equal(["decided"]);
    chain.revertScore = "ScoringNotReady";
    expect((await step(10_400n)).did).to.deep.equal([]);
    expect(lines).to.deep.equal([]);
    chain.revertScore = "";
    expect((await step(10_500n)).did).to.deep.equal(["scored"]);
    expect(chain.sent.map((s) => s.functionName)).to.deep.equal(["decide", "score"]);
    store.close();
  });

  it("test_executor_decidesAnEndedEpoch_andCarriesTheOptionTakenWithItsLabel", async () => {
    const { chain, client, sender } = scriptedChain();
    const store = new Store(storePath(), { chainId: CHAIN_ID, hub: HUB });
    const decision = await decidedOption(contextOf(store, client, sender), agreement, EPOCH);
    expect(chain.sent.map((s) => s.functionName)).to.deep.equal(["decide"]);
    expect(decision).to.deep.equal({ option: 2, label: "raise the quota 20%", explored: true });
    store.close();
  });
});

describe("conditional forecast answers", () => {
  const parse = (raw: string) => parseForecastOptionsOutput(raw, 2, METRICS);
  const fails = (raw: string, message: string) => expect(() => parse(raw)).to.throw(message);

  it("test_parse_scalesEveryOptionsValues_inOptionOrder", () => {
    const parsed = parse(
      '{"forecasts":[{"option":1,"values":[12.5,56]},{"option":0,"values":[15.004,52.005]}],"rationale":"r"}',
    );
    expect(parsed.forecasts).to.deep.equal([
      [1500n, 5201n],
      [1250n, 5600n],
    ]);
  });

  it("test_parse_badAnswers_failWithOneLineNamingTheProblem", () => {
    fails("not json", "The conditional forecast answer is not valid JSON.");
    fails(
      '{"forecasts":[],"rationale":"r","extra":1}',
      "The conditional forecast answer does not match its schema.",
    );
    fails(
      '{"forecasts":[{"option":0,"values":[1,2]},{"option":0,"values":[1,2]}],"rationale":"r"}',
      "The conditional forecast gives option 0 twice.",
    );
    fails(
      '{"forecasts":[{"option":0,"values":[1,2]},{"option":2,"values":[1,2]}],"rationale":"r"}',
      "The conditional forecast names option 2; the epoch has 2 (0–1).",
    );
    fails(
      '{"forecasts":[{"option":0,"values":[1,2]},{"option":1,"values":[1]}],"rationale":"r"}',
      "The conditional forecast of option 1 has 1 value(s) for 2 metric(s).",
    );
  });
});
