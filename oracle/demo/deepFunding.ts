/**
 * The deep-funding demo (examples/deep-funding): distilled human judgement on an in-process chain.
 * Deploy, create the agreement, configure its judgement terms (20 of gengov's own dependencies),
 * register five simulated candidates (four honest models of different noise and one gamer that
 * over-credits one item), each with its own node, and run rounds: the nodes' judgement job commits
 * each model's list, draws the sample, reveals on it and proposes the best combination; the three
 * reporters answer the pairs as simulated jurors (the world's noisy view of its hidden truth); the
 * round is finalized and every item claims its share.
 *
 * Per round it reports each list's loss on the jury's sample, the winning coefficients, how far the
 * combined list and each single list are from the hidden truth, and the payouts (their sum is the
 * item pool minus rounding dust).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

import { parseEventLogs, type Abi, type Hex, type LocalAccount, type Log } from "viem";

import { gengovJudgementAbi } from "../chain/abis.js";
import {
  bestCombination,
  claimItemArgs,
  combinationLists,
  judgementStep,
  revealedLists,
  roundState,
  samplePairsOf,
} from "../jobs/judgement.js";
import { parseItems, type JudgementItem } from "../judgement/itemTree.js";
import { parseJudgementTerms, toJudgementParams } from "../judgement/terms.js";
import type { ModelSpec } from "../models/types.js";
import {
  judgement as judgementContract,
  untyped,
  type JudgementAbi,
  type WriteArgs,
  type WriteName,
} from "../protocol/contracts.js";
import { combine } from "../scoring/judgement.js";
import { simulateDeepFunding, type DeepFundingRound } from "./deepFundingWorld.js";
import { rng } from "./world.js";
import type { DemoChain, DemoOptions } from "./runDemo.js";
import { deployAgreement, WAD, type DemoSetup } from "./setup.js";
import { createModel } from "../models/index.js";
import { specHash } from "../models/spec.js";
import { hubJudgement } from "../node/context.js";
import { GengovNode } from "../node/GengovNode.js";
import { parseNodeConfig } from "../config/schema.js";
import { createLogger } from "../node/logger.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";

/** One list of a round, as the report shows it. */
export type JudgementListRow = {
  candidateId: bigint;
  name: string;
  kind: string;
  /** Its loss on the jury's sample (WAD as a number), null when not revealed. */
  loss: number | null;
  /** Its coefficient in the winning combination (0 when not in it). */
  coefficient: number;
  /** Total variation distance of its full list from the hidden truth (0 to 1). */
  distance: number;
};

/** One round of the deep-funding demo. */
export type JudgementRoundRow = {
  round: bigint;
  pairs: number;
  jurors: number;
  lists: JudgementListRow[];
  /** The winning combination's loss on the sample, and its distance from the truth. */
  combined: { loss: number; distance: number } | null;
  /** The final allocation: each item's combined weight (0 to 1) and what it was paid. */
  allocation: { index: number; name: string; weight: number; truth: number; paid: bigint }[];
  itemPool: bigint;
  submitterPool: bigint;
  paidToItems: bigint;
  /** The gamer's favoured item: its weight in the gamer's list, the combination and the truth. */
  gamed: { item: number; name: string; gamer: number; combined: number; truth: number } | null;
};

export type DeepFundingResult = {
  /** The hub and its bond token (for tools that read the run's chain afterwards). */
  hub: Hex;
  token: Hex;
  items: JudgementItem[];
  candidates: { id: bigint; name: string; kind: string }[];
  rounds: JudgementRoundRow[];
  /** Each candidate's score record after the rounds (judgement losses feed it). */
  scores: { id: bigint; name: string; score: number; scored: number }[];
  nodeErrors: string[];
};

type Seat = { name: string; kind: string; model: number; operator: LocalAccount };

const spec = (name: string, seed: number, profile: "honest" | "adversarial"): ModelSpec => ({
  version: 1,
  provider: "simulated",
  model: name,
  weightsDigest: null,
  systemPrompt: `You are ${name}, a candidate model of a gengov agreement. Follow the agreement text exactly.`,
  temperature: 0,
  seed,
  maxOutputTokens: 2048,
  simulation: { skill: 0.5, profile },
});

/** Noise of each model's log-weights: four honest models, then the gamer (low noise, one item ×10). */
export const MODEL_SIGMAS = [0.3, 0.45, 0.6, 0.8, 0.35] as const;
/** The gamer's model index. */
export const GAMER = 4;
/** Noise of a simulated juror's log-ratio. */
export const JUROR_NOISE = 0.35;
/** Largest |ln ratio| a simulated juror answers (WAD). */
const MAX_ANSWER = 20n * 10n ** 18n;

/** A simulated juror's answers: ln(t_b / t_a) plus its own noise, per pair, in WAD. */
export function jurorAnswers(
  truth: readonly number[],
  pairs: { a: readonly bigint[]; b: readonly bigint[] },
  stream: { normal(): number },
): bigint[] {
  return pairs.a.map((a, p) => {
    const ln = Math.log(truth[Number(pairs.b[p])] / truth[Number(a)]) + JUROR_NOISE * stream.normal();
    const v = BigInt(Math.round(ln * 1e12)) * 1_000_000n;
    return v > MAX_ANSWER ? MAX_ANSWER : v < -MAX_ANSWER ? -MAX_ANSWER : v;
  });
}

/** Total variation distance between two lists of WAD weights (0: the same, 1: disjoint). */
export function listDistance(a: readonly bigint[], b: readonly number[]): number {
  return a.reduce((sum, w, i) => sum + Math.abs(Number(w) / 1e18 - b[i]), 0) / 2;
}

/** Deploys, configures and runs `rounds` judgement rounds; returns what the report shows. */
export async function runDeepFunding(
  chain: DemoChain,
  options: DemoOptions & {
    rounds?: number;
    seed?: number;
    /** Claim every item and credit the submitters after each round (default true). */
    claims?: boolean;
  },
): Promise<DeepFundingResult> {
  const say = options.log ?? ((line: string) => process.stdout.write(line + "\n"));
  const dir = join(options.root, "examples", "deep-funding");
  const itemsPath = join(dir, "items.json");
  const items = parseItems(JSON.parse(readFileSync(itemsPath, "utf8")), itemsPath);
  const setup = await deployAgreement(chain, { ...options, example: "deep-funding" });
  const [arbiter, r1, r2, r3] = setup.accounts;
  const jurors = [r1, r2, r3];
  const judgement = await hubJudgement(setup.publicClient, setup.hub.address);
  if (BigInt(judgement) === 0n) throw new Error("demo: the hub has no judgement contract attached");
  const randomness = await chain.viem.deployContract("PrevRandaoRandomness");
  const rawTerms = JSON.parse(readFileSync(join(dir, "judgement.json"), "utf8")) as Record<string, unknown>;
  const terms = parseJudgementTerms({ ...rawTerms, randomness: randomness.address }, "judgement.json");
  const params = toJudgementParams(terms, items);
  const wallet = (a: LocalAccount) => setup.walletOf(a);
  const calls = judgementContract({ client: setup.publicClient, judgement });
  const write = async <F extends WriteName<JudgementAbi>>(
    from: LocalAccount,
    functionName: F,
    args: WriteArgs<JudgementAbi, F>,
  ) => {
    const call = untyped(calls.call(functionName, args));
    const abi: Abi = call.abi;
    const w = await chain.viem.getWalletClient(from.address);
    const hash = await w.writeContract({
      address: call.address,
      abi,
      functionName: call.functionName,
      args: call.args,
      account: wallet(from).account,
      chain: undefined,
    });
    const receipt = await setup.publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`demo: ${functionName} reverted`);
    return receipt;
  };
  await write(arbiter, "configure", [setup.agreementId, params, pathToFileURL(itemsPath).href]);
  // Enough in the treasury for every round's budget.
  const rounds = options.rounds ?? 1;
  await setup.hub.write.deposit([setup.agreementId, setup.token.address, BigInt(rounds) * params.budget]);

  const seed = options.seed ?? 7;
  const worlds = new Map<number, DeepFundingRound>();
  // One simulated round per judgement round: a fresh hidden truth, each model's list, the gamer's item.
  const worldOf = (n: number) => {
    let w = worlds.get(n);
    if (!w) {
      w = simulateDeepFunding(seed * 1000 + n, {
        items: items.length,
        sigmas: MODEL_SIGMAS,
        gamer: GAMER,
        pairs: params.sampleSize,
        jurors: jurors.length,
      });
      worlds.set(n, w);
    }
    return w;
  };
  const seats: Seat[] = [
    { name: "careful", kind: "simulated, low noise", model: 0, operator: setup.accounts[4] },
    { name: "diligent", kind: "simulated, low noise", model: 1, operator: setup.accounts[5] },
    { name: "hasty", kind: "simulated, high noise", model: 2, operator: setup.accounts[6] },
    { name: "sloppy", kind: "simulated, high noise", model: 3, operator: setup.accounts[7] },
    {
      name: "gamer",
      kind: "low noise, over-credits one item ×10",
      model: GAMER,
      operator: setup.accounts[10],
    },
  ];
  const { nodes, candidates, nodeErrors } = await startJudgementNodes(chain, setup, seats, (model) => ({
    lists: (request) => worldOf(Number(request.round)).lists[model],
  }));

  const rows: JudgementRoundRow[] = [];
  for (let n = 1; n <= rounds; n++) {
    await write(arbiter, "openRound", [setup.agreementId]);
    const round = BigInt(n);
    let state = await roundState(nodes[0].ctx, setup.agreementId, round);
    const step = async () => {
      const now = await chain.latest();
      for (const [i, node] of nodes.entries()) {
        await judgementStep({
          ctx: node.ctx,
          candidate: node.candidates[0],
          agreement: await node.ctx.agreement(setup.agreementId),
          now,
          items,
          keeper: i === 0,
        }).catch((error: Error) => nodeErrors.push(`${seats[i].name}: ${error.message.split("\n")[0]}`));
      }
    };
    await step(); // commits
    await chain.setTime(state.commitEnds);
    await step(); // draws the sample
    state = await roundState(nodes[0].ctx, setup.agreementId, round);
    const pairs = await samplePairsOf(nodes[0].ctx, setup.agreementId, round);
    const world = worldOf(n);
    for (const [j, juror] of jurors.entries()) {
      const answers = jurorAnswers(world.truth, pairs, rng(seed * 7919 + n * 31 + j));
      await write(juror, "answerPairs", [setup.agreementId, round, answers]);
    }
    await chain.setTime(state.answerEnds);
    await step(); // closes the answers, reveals
    await chain.setTime(state.revealEnds);
    await step(); // proposes
    await chain.setTime(state.proposeEnds);
    await step(); // finalizes
    state = await roundState(nodes[0].ctx, setup.agreementId, round);
    const combination = await combinationLists(nodes[0].ctx, setup.agreementId, round);
    let paidToItems = 0n;
    const paid = new Map<number, bigint>();
    if (combination && state.finalized && !state.isVoid && options.claims !== false) {
      for (const item of items) {
        const receipt = await write(
          arbiter,
          "claimItem",
          claimItemArgs(setup.agreementId, round, item, items, combination),
        );
        const amount = paidAmount(receipt.logs);
        paid.set(item.index, amount);
        paidToItems += amount;
      }
      await write(arbiter, "paySubmitters", [
        setup.agreementId,
        round,
        combination.candidateIds,
        combination.coefficients,
      ]);
    }
    const truth = world.truth;
    const lists = await revealedLists(nodes[0].ctx, setup.agreementId, round);
    const best = await bestCombination(nodes[0].ctx, setup.agreementId, round);
    const fullOf = (id: bigint) => world.lists[seats[Number(id) - 1].model];
    const combinedList = combination
      ? items.map((_, i) =>
          combine(
            combination.lists.map((l) => l.weights[i]),
            combination.coefficients,
          ),
        )
      : null;
    const row: JudgementRoundRow = {
      round,
      pairs: pairs.a.length,
      jurors: state.answered,
      lists: candidates.map((c) => {
        const l = lists.find((x) => x.candidateId === c.id);
        const k = best?.candidateIds.findIndex((id) => id === c.id) ?? -1;
        return {
          candidateId: c.id,
          name: c.name,
          kind: c.kind,
          loss: l ? Number(l.loss) / 1e18 : null,
          coefficient: k >= 0 ? Number(best!.coefficients[k]) / 1e18 : 0,
          distance: listDistance(fullOf(c.id), truth),
        };
      }),
      combined:
        best && combinedList
          ? { loss: Number(best.loss) / 1e18, distance: listDistance(combinedList, truth) }
          : null,
      allocation: items.map((item, i) => ({
        index: i,
        name: item.name,
        weight: combinedList ? Number(combinedList[i]) / 1e18 : 0,
        truth: truth[i],
        paid: paid.get(i) ?? 0n,
      })),
      itemPool: state.itemPool,
      submitterPool: state.submitterPool,
      paidToItems,
      gamed: combinedList
        ? {
            item: world.gamer.item,
            name: items[world.gamer.item].name,
            gamer: Number(world.lists[GAMER][world.gamer.item]) / 1e18,
            combined: Number(combinedList[world.gamer.item]) / 1e18,
            truth: truth[world.gamer.item],
          }
        : null,
    };
    rows.push(row);
    printRound(row, say);
  }
  for (const n of nodes) await n.stop();
  const scores = [];
  for (const c of candidates) {
    const v = await setup.hub.read.candidate([setup.agreementId, c.id]);
    scores.push({ id: c.id, name: c.name, score: Number(v.score) / 1e18, scored: Number(v.scoredCount) });
  }
  return {
    hub: setup.hub.address,
    token: setup.token.address,
    items,
    candidates,
    rounds: rows,
    scores,
    nodeErrors,
  };
}

/** The amount of the ItemPaid event among a receipt's logs. */
function paidAmount(logs: Log[]): bigint {
  const [event] = parseEventLogs({ abi: gengovJudgementAbi, eventName: "ItemPaid", logs });
  return event ? event.args.amount : 0n;
}

/** Registers each seat and creates its node (its loop is not started: the demo steps the job). */
async function startJudgementNodes(
  chain: DemoChain,
  setup: DemoSetup,
  seats: Seat[],
  peek: (model: number) => Parameters<typeof createModel>[1],
) {
  const tmp = mkdtempSync(join(tmpdir(), "gengov-deep-funding-"));
  const nodeErrors: string[] = [];
  const candidates: { id: bigint; name: string; kind: string }[] = [];
  const nodes: GengovNode[] = [];
  for (const [i, seat] of seats.entries()) {
    const s = spec(seat.name, 20 + i, "honest");
    await setup.hub.write.registerCandidate(
      [setup.agreementId, specHash(s), 150n * WAD, seat.operator.address],
      {
        account: setup.walletOf(seat.operator).account,
      },
    );
    candidates.push({ id: BigInt(i + 1), name: seat.name, kind: seat.kind });
    const specPath = join(tmp, `${seat.name}.json`);
    writeFileSync(specPath, JSON.stringify(s));
    const config = parseNodeConfig({
      rpcUrls: ["http://127.0.0.1:1"],
      chainId: setup.chainId,
      hub: setup.hub.address,
      store: join(tmp, `${seat.name}.sqlite`),
      confirmations: 0,
      pollIntervalMs: 10,
      key: { privateKeyEnv: "UNUSED", allowRawKey: true },
      candidates: [{ agreementId: 1, candidateId: i + 1, spec: specPath }],
    });
    nodes.push(
      await GengovNode.create(config, {
        provider: chain.provider,
        account: seat.operator,
        http: false,
        logger: createLogger("error", (line) => nodeErrors.push(`${seat.name}: ${line}`)),
        createModel: (sp) => createModel(sp, peek(seat.model)),
      }),
    );
  }
  // The nodes' stores need the agreement's creation event (its text) before the job can read it.
  for (const node of nodes) await node.scanOnce();
  return { nodes, candidates, nodeErrors };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function printRound(row: JudgementRoundRow, say: (line: string) => void) {
  say(`\nround ${row.round}: ${row.pairs} pairs answered by ${row.jurors} jurors`);
  say("  list          loss on the jury's sample   distance from the truth   coefficient");
  for (const l of row.lists)
    say(
      `  ${l.name.padEnd(12)}  ${(l.loss === null ? "not revealed" : l.loss.toFixed(4)).padStart(12)}                ${pct(l.distance).padStart(6)}                ${l.coefficient.toFixed(3)}`,
    );
  if (row.combined) {
    const used = row.lists.filter((l) => l.coefficient > 0);
    const bestSingle = Math.min(...row.lists.filter((l) => l.loss !== null).map((l) => l.loss!));
    say(
      `  combined: ${used.map((l) => `${l.coefficient.toFixed(2)} · ${l.name}`).join(" + ")} — loss ${row.combined.loss.toFixed(4)}${
        used.length > 1 && row.combined.loss < bestSingle ? " fits the jury better than any single list" : ""
      } (best single list ${bestSingle.toFixed(4)}), distance from the truth ${pct(row.combined.distance)}`,
    );
  }
  if (row.gamed)
    say(
      `  gamed item ${row.gamed.name}: the gamer gave it ${pct(row.gamed.gamer)}, the combination ${pct(row.gamed.combined)}, the truth ${pct(row.gamed.truth)}`,
    );
  say(
    `  payouts: ${(Number(row.paidToItems) / 1e18).toFixed(4)} of the item pool ${(Number(row.itemPool) / 1e18).toFixed(4)} paid to items (dust ${row.itemPool - row.paidToItems} wei), submitters ${(Number(row.submitterPool) / 1e18).toFixed(4)}`,
  );
}
