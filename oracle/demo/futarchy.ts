/**
 * The fisheries demo in futarchy mode (`npm run demo -- --example fisheries --futarchy`): the
 * fisheries agreement with the conditional-forecast terms of examples/fisheries/futarchy.json, on the
 * futarchy world of `./fisheryFutarchy.ts`, deciding through the contract.
 *
 * The four usual candidates run their own nodes. Their conditional forecasts come from the world's
 * simulated forecasters (keen-eye noise 0.02 of each metric's scale, steady-hand 0.04, rough-guess
 * 0.15, and mallory 0.04 with a bias that overstates catch and stock under "raise the quota 20%"):
 * the demo's simulation cheat, like the ordinary forecasts' peek. Their ordinary forecasts (the hub's,
 * which build the score records the decision weighs) peek at the world's noise-free projection under
 * the quota in force.
 *
 * Per epoch b, at its start: the first node's keeper step decides epoch b − 1 (`decide`), the world
 * takes the option decided (or "hold the quota" before the first decision), which realises epoch b's
 * outcome; the reporters report epoch b − 1; the nodes tick (ordinary commits, conditional commits of
 * epoch b, and the executor's transition of b − 1 carrying its option via `proposeDecidedTransition`);
 * the epoch is settled as in the ordinary demo; the nodes reveal their conditional forecasts in the
 * last `revealWindow` seconds of epoch b. One participant (the boat) proposes a fourth option, "cut
 * the quota 40%", for one epoch, with the terms' option bond.
 *
 * Each decision's regret is the mechanism benchmark's (scripts/mechanism/futarchy.ts): (J(best) −
 * J(taken)) / (J(best) − J(worst)) over the epoch's options, J of each option's noise-free expected
 * metrics in the state the decision was taken in; decisions where every option has the same J are
 * left out. The best option in hindsight is the one whose realised outcome (the same noise draws
 * under every option) has the best J.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

import type { Hex, LocalAccount } from "viem";

import { gengovConditionalAbi } from "../chain/abis.js";
import { parseConditionalTerms, toConditionalTerms } from "../conditional/terms.js";
import {
  decidedEvent,
  decisionRecord,
  optionLabels,
  revealedForecasts,
  sendDecide,
} from "../jobs/conditional.js";
import type { OptionsPeek } from "../models/simulatedModel.js";
import { epochAt, epochEnd, epochStart } from "../node/clock.js";
import { hubConditional } from "../node/context.js";
import { objectiveValue, type Objective } from "../scoring/conditional.js";
import { at, epochLine, epochRow, reportOutcome, settleEpoch, submitInputs, tickAll } from "./epochs.js";
import { fisheryWorld } from "./fishery.js";
import { futarchyForecasters, futarchyWorld, type ForecasterSpec } from "./fisheryFutarchy.js";
import type { DemoChain, DemoOptions, DemoResult, EpochRow } from "./runDemo.js";
import { deployAgreement, startNodes, type DemoRun } from "./setup.js";
import { summarize } from "./summary.js";
import type { World } from "./world.js";

/** The conditional forecasters of the demo's candidates, by name. */
export const FUTARCHY_SEATS: Record<string, ForecasterSpec> = {
  "keen-eye": { noise: 0.02 },
  "steady-hand": { noise: 0.04 },
  "rough-guess": { noise: 0.15 },
  mallory: {
    noise: 0.04,
    bias: [
      { option: 2, metric: 0, amount: 0.2 },
      { option: 2, metric: 1, amount: 0.1 },
    ],
  },
};

/** The option a participant proposes once, and its quota factor in the world. */
export const PROPOSED_OPTION = { label: "cut the quota 40%", factor: 0.6 };

/** One decision of the futarchy demo. */
export type FutarchyDecisionRow = {
  epoch: bigint;
  options: string[];
  /** Each candidate's revealed forecast `[option][metric]`, null when it revealed none. */
  forecasts: Record<string, bigint[][] | null>;
  /** J of each option's score-weighted combined forecast (empty when no forecast carried weight). */
  objectives: bigint[];
  option: number;
  explored: boolean;
  defaulted: boolean;
  /** The realised outcome of epoch e + 1 under the option taken. */
  realised: bigint[];
  /** The realised outcome under every option (the same noise draws). */
  hindsight: bigint[][];
  /** The noise-free expected outcome under every option. */
  expected: bigint[][];
  hindsightBest: number;
  /** Decision regret (0 best, 1 worst), null when every option had the same J. */
  regret: number | null;
};

export type FutarchyReport = {
  /** The hub and its bond token (for tools that read the run's chain afterwards). */
  hub: Hex;
  token: Hex;
  objective: { weights: string[]; floors: string[]; penalties: string[] };
  decisions: FutarchyDecisionRow[];
  meanRegret: number | null;
  explorations: number;
  defaulted: number;
  /** The participant's proposal: its epoch, label, whether its bond came back. */
  proposal: { epoch: bigint; label: string; taken: boolean; refunded: boolean | null } | null;
};

/** Runs the futarchy demo; returns the ordinary demo's result with the decisions. */
export async function runFutarchy(
  chain: DemoChain,
  options: DemoOptions & { seed?: number; proposeAt?: number },
): Promise<DemoResult & { futarchy: FutarchyReport }> {
  const say = options.log ?? ((line: string) => process.stdout.write(line + "\n"));
  const seed = options.seed ?? 42;
  const setup = await deployAgreement(chain, { ...options, example: "fisheries" });
  const { publicClient, agreementId, clock, accounts, walletOf, token } = setup;
  const [arbiter] = accounts;
  const boat = accounts[8];
  const conditional = await hubConditional(publicClient, setup.hub.address);
  if (BigInt(conditional) === 0n) throw new Error("demo: the hub has no conditional contract attached");
  const file = parseConditionalTerms(
    JSON.parse(readFileSync(join(options.root, "examples", "fisheries", "futarchy.json"), "utf8")),
    "futarchy.json",
  );
  // Terms reach two epochs ahead (epoch 1 before genesis).
  const now = await chain.latest();
  const terms = toConditionalTerms(file, now < clock.genesis ? 1n : epochAt(clock, now) + 2n);
  const objective: Objective = { weights: terms.weights, floors: terms.floors, penalties: terms.penalties };
  const write = async (from: LocalAccount, functionName: string, args: readonly unknown[]) => {
    const w = await chain.viem.getWalletClient(from.address);
    const hash = await w.writeContract({
      address: conditional,
      abi: gengovConditionalAbi,
      functionName: functionName as "decide",
      args: args as [bigint, bigint],
      account: walletOf(from).account,
      chain: undefined,
    });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`demo: ${functionName} reverted`);
  };
  await write(arbiter, "configure", [agreementId, terms]);
  await token.write.approve([conditional, 2n ** 255n], { account: walletOf(boat).account });

  const fw = futarchyWorld(seed, [PROPOSED_OPTION]);
  const names = Object.keys(FUTARCHY_SEATS);
  const forecasters = futarchyForecasters(
    seed,
    names.map((n) => FUTARCHY_SEATS[n]),
  );
  const base = fisheryWorld(seed);
  const truths = new Map<bigint, bigint[]>();
  const world: World = {
    name: "fisheries",
    advance: (epoch) => {
      const truth = truths.get(epoch);
      if (!truth) throw new Error(`demo: epoch ${epoch} was not realised`);
      return truth;
    },
    project: () => fw.expected(0),
    inputs: base.inputs,
    policy: (request) => {
      const honest = base.policy(request);
      if (!request.decision) return honest;
      // The option decided sets the quota in force during the next epoch: the world already took it.
      return {
        ...honest,
        newState: { ...honest.newState, totalQuota: fw.quota, decision: request.decision.label },
      };
    },
    stateSeries: base.stateSeries,
  };
  const worldIndex = (label: string) => {
    const i = fw.options.indexOf(label);
    if (i < 0) throw new Error(`demo: the world has no option "${label}"`);
    return i;
  };
  const peekFor =
    (name: string): OptionsPeek =>
    (request) => {
      const k = names.indexOf(name);
      if (k < 0) return undefined;
      const rows = forecasters[k].forecast(fw, 1);
      return request.options.map((label) => rows[worldIndex(label)]);
    };
  const cast = await startNodes(chain, setup, world, options, (name) => ({ options: peekFor(name) }));
  const run: DemoRun = { chain, setup, world, ...cast, execution: cast.nodes[0].ctx.execution };
  const keeper = cast.nodes[0].ctx;
  const metricCount = setup.params.metrics.length;

  const rows: EpochRow[] = [];
  const decisions: FutarchyDecisionRow[] = [];
  const proposeAt = BigInt(options.proposeAt ?? 4);
  let proposal: FutarchyReport["proposal"] = null;
  const J = (x: readonly bigint[]) => objectiveValue(objective, x);
  const epochs = BigInt(options.epochs);
  for (let b = 0n; b <= epochs; b++) {
    await at(run, epochStart(clock, b) + 1n);
    let decided: { labels: string[]; option: number } | undefined;
    if (b > 0n && b - 1n >= terms.firstEpoch) {
      await sendDecide(keeper, agreementId, b - 1n).catch((error: { errorName?: string }) => {
        if (error.errorName !== "AlreadyDecided") throw error;
      });
      const record = await decisionRecord(keeper, agreementId, b - 1n);
      decided = { labels: (await optionLabels(keeper, agreementId, b - 1n)).labels, option: record.option };
    }
    // Epoch b's outcome follows the option epoch b − 1 decided ("hold the quota" before any).
    const labels = decided?.labels ?? [fw.options[0]];
    const indices = labels.map(worldIndex);
    const expected = indices.map((i) => fw.expected(i));
    const hindsight = indices.map((i) => fw.outcomeUnder(i));
    truths.set(b, fw.take(indices[decided?.option ?? 0]));
    if (b > 0n) await reportOutcome(run, b - 1n);
    if (b < epochs) await submitInputs(run, b);
    if (b === proposeAt - 1n) {
      await write(boat, "proposeOption", [agreementId, proposeAt, PROPOSED_OPTION.label]);
      say(
        `  the boat proposes "${PROPOSED_OPTION.label}" for epoch ${proposeAt} (bond ${Number(terms.optionBond) / 1e18} tokens)`,
      );
    }
    await tickAll(run);
    if (b > 0n) {
      const e = b - 1n;
      await settleEpoch(run, e);
      const row = await epochRow(run, e, await world.advance(e, {}));
      rows.push(row);
      say(epochLine(run, row));
    }
    if (decided) {
      const e = b - 1n;
      const record = await decisionRecord(keeper, agreementId, e);
      const event = await decidedEvent(keeper, agreementId, e);
      const revealed = await revealedForecasts(keeper, agreementId, e, metricCount);
      const js = expected.map(J);
      const best = js.reduce((m, v) => (v > m ? v : m));
      const worst = js.reduce((m, v) => (v < m ? v : m));
      const realisedJ = hindsight.map(J);
      const hindsightBest = realisedJ.indexOf(realisedJ.reduce((m, v) => (v > m ? v : m)));
      const row: FutarchyDecisionRow = {
        epoch: e,
        options: labels,
        forecasts: Object.fromEntries(
          cast.candidates.map((c) => [
            c.name,
            revealed.find((r) => r.candidateId === c.id)?.forecasts ?? null,
          ]),
        ),
        objectives: event ? [...event.objectives] : [],
        option: record.option,
        explored: record.explored,
        defaulted: record.defaulted,
        realised: truths.get(b)!,
        hindsight,
        expected,
        hindsightBest,
        regret: best === worst ? null : Number(best - js[record.option]) / Number(best - worst),
      };
      decisions.push(row);
      for (const line of decisionLines(row)) say(line);
      if (e === proposeAt) {
        const settled = await publicClient.getContractEvents({
          address: conditional,
          abi: gengovConditionalAbi,
          eventName: "OptionBondSettled",
          args: { agreementId, epoch: e },
          fromBlock: 0n,
          strict: true,
        });
        const refunded = settled.length ? settled[0].args.refunded : null;
        proposal = {
          epoch: e,
          label: PROPOSED_OPTION.label,
          taken: labels[record.option] === PROPOSED_OPTION.label,
          refunded,
        };
        say(
          `  "${PROPOSED_OPTION.label}": ${proposal.taken ? "taken" : "not taken"}; its bond ${refunded ? "is returned to the boat" : "goes to the treasury"}`,
        );
        if (refunded) await write(boat, "withdraw", [token.address]);
      }
    }
    // Conditional reveals of epoch b, in its last revealWindow seconds.
    if (b < epochs) {
      await at(run, epochEnd(clock, b) - BigInt(terms.revealWindow) + 1n);
      await tickAll(run);
    }
  }
  await options.afterEpochs?.(run);
  for (const n of cast.nodes) await n.stop();
  const summary = await summarize(run, rows);
  const scored = decisions.filter((d) => d.regret !== null);
  const futarchy: FutarchyReport = {
    hub: setup.hub.address,
    token: token.address,
    objective: {
      weights: terms.weights.map(String),
      floors: terms.floors.map(String),
      penalties: terms.penalties.map(String),
    },
    decisions,
    meanRegret: scored.length ? scored.reduce((a, d) => a + d.regret!, 0) / scored.length : null,
    explorations: decisions.filter((d) => d.explored).length,
    defaulted: decisions.filter((d) => d.defaulted).length,
    proposal,
  };
  return {
    example: "fisheries",
    metrics: setup.params.metrics.map((m) => ({ name: m.name, decimals: m.decimals })),
    candidates: cast.candidates,
    epochs: rows,
    leaderboard: summary.leaderboard,
    verification: summary.verification,
    injectionsSubmitted: Number(epochs),
    adversaryActionsOnChain: summary.adversaryActionsOnChain,
    selection: summary.selection,
    nodeErrors: cast.nodeErrors,
    futarchy,
  };
}

const fmt = (v: bigint) => (Number(v) / 100).toFixed(2);

/** The printed lines of one decision. */
export function decisionLines(d: FutarchyDecisionRow): string[] {
  const how = d.defaulted ? "default: no weighted forecast" : d.explored ? "explored" : "best forecast";
  const js = d.objectives.length
    ? d.options.map((l, o) => `${l} ${fmt(d.objectives[o])}`).join(" | ")
    : "no forecast carried weight";
  return [
    `  decision ${d.epoch}: J of the combined forecast: ${js}`,
    `    took "${d.options[d.option]}" (${how}); realised ${d.realised.map(fmt).join("/")}; best in hindsight "${d.options[d.hindsightBest]}"; regret ${d.regret === null ? "n/a (every option alike)" : d.regret.toFixed(3)}`,
  ];
}
