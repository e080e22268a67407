/**
 * The end-to-end demo on an in-process chain: deploy with Ignition, create the example agreement,
 * fund its treasury, register four candidates (three simulated models of different skill and one
 * adversary) each run by its own node, let a simulated world drive three reporters for N epochs, then
 * print a leaderboard, verify every transition and collect the data for the HTML report.
 *
 * With `jury` (fisheries, vouching) the agreement seats a model jury of that size on every proposal
 * and a fifth candidate, a thief (forecasts as well as the best model, and as executor adds an
 * in-cap payment to the attacker), joins; the council example has its own jury and a fifth candidate
 * captured by a payee. Each epoch then records its proposals with their juries' votes and decisions.
 */
import type { NetworkConnection } from "hardhat/types/network";
import type { EIP1193Provider } from "viem";

import type { TransitionReport } from "../verify/verifyTransitions.js";
import type { FutarchyReport } from "./futarchy.js";
import { councilWorld } from "./council.js";
import { runEpochs } from "./epochs.js";
import { fisheryWorld } from "./fishery.js";
import type { CouncilEpoch, ProposalRow } from "./jury.js";
import { deployAgreement, startNodes, type DemoRun } from "./setup.js";
import { summarize } from "./summary.js";
import { vouchingWorld } from "./vouching.js";
import type { World } from "./world.js";

/** What the demo needs from Hardhat: an in-process chain and its helpers (scripts/demo.ts gives it). */
export type DemoChain = {
  provider: EIP1193Provider;
  viem: NetworkConnection["viem"];
  ignition: NetworkConnection["ignition"];
  setTime(t: bigint): Promise<void>;
  latest(): Promise<bigint>;
};

/** What `demoChainOf` reads from a Hardhat network connection (`network.create()`). */
export type HardhatConnection = {
  provider: unknown;
  viem: NetworkConnection["viem"];
  ignition: NetworkConnection["ignition"];
  networkHelpers: { time: { increaseTo(t: bigint): Promise<void>; latest(): Promise<number> } };
};

/** The demo's chain over a Hardhat network connection. */
export function demoChainOf(conn: HardhatConnection): DemoChain {
  return {
    provider: conn.provider as EIP1193Provider,
    viem: conn.viem,
    ignition: conn.ignition,
    setTime: (t) => conn.networkHelpers.time.increaseTo(t),
    latest: async () => BigInt(await conn.networkHelpers.time.latest()),
  };
}

export type DemoExample = "fisheries" | "vouching" | "council" | "deep-funding";

export type DemoOptions = {
  example: DemoExample;
  /**
   * Fisheries and vouching: seat a jury of this size (quorum a majority) on every proposal and add
   * the thief candidate (0: the thief without a jury). The council example always has its jury.
   */
  jury?: number;
  epochs: number;
  root: string;
  log?: (line: string) => void;
  /** Use a real OpenAI-compatible model for candidate 1 (set from OPENAI_API_KEY). */
  realModel?: { model: string; baseURL?: string; apiKey: string };
  /** Runs after the last epoch, while the candidates' nodes still run (oracle/demo/app.ts uses it). */
  afterEpochs?: (run: DemoRun) => Promise<void>;
};

export type CandidateInfo = { id: bigint; name: string; kind: string };
export type EpochRow = {
  epoch: bigint;
  outcome: bigint[];
  forecasts: Record<string, bigint[] | null>;
  scores: Record<string, number>;
  /** The executor the hub fixed for the epoch (ExecutorSelected), 0 if nobody was eligible. */
  executor: bigint;
  /** The fallback the hub fixed with it. */
  fallbackCandidate: bigint;
  /** Whose transition of the epoch was finalized, 0 if none. */
  executedBy: bigint;
  state: Record<string, unknown> | null;
  /** The epoch's proposals with their juries (demos with a jury or a thief). */
  proposals?: ProposalRow[];
  /** Thief demos: the thief proposed a transition of the epoch, and whether its payment was finalized. */
  thief?: { proposed: boolean; landed: boolean };
  /** Council: the epoch's proposal, every model's vote on it and the recorded decision. */
  council?: CouncilEpoch;
};
export type DemoResult = {
  example: string;
  metrics: { name: string; decimals: number }[];
  candidates: CandidateInfo[];
  epochs: EpochRow[];
  leaderboard: {
    id: bigint;
    name: string;
    score: number;
    scored: number;
    executions: number;
    misses: number;
    bond: bigint;
  }[];
  verification: TransitionReport[];
  injectionsSubmitted: number;
  adversaryActionsOnChain: number;
  /** Epochs with a fixed executor, and who executed them. */
  selection: { withExecutor: number; byExecutor: number; byFallback: number; notExecuted: number };
  /** Error lines the candidates' nodes logged (a clean run has none). */
  nodeErrors: string[];
  /** Thief demos: epochs the thief proposed a transition of, and those where its payment was finalized. */
  thief?: { epochs: number; landed: number };
  /** Futarchy mode: each decision with its forecasts, option taken, outcome and regret. */
  futarchy?: FutarchyReport;
};

export async function runDemo(chain: DemoChain, options: DemoOptions): Promise<DemoResult> {
  const say = options.log ?? ((line: string) => process.stdout.write(line + "\n"));
  const world: World =
    options.example === "fisheries"
      ? fisheryWorld()
      : options.example === "council"
        ? councilWorld()
        : vouchingWorld();
  const setup = await deployAgreement(chain, options);
  const cast = await startNodes(chain, setup, world, options);
  const run: DemoRun = { chain, setup, world, ...cast, execution: cast.nodes[0].ctx.execution };
  const { rows, injections } = await runEpochs(run, options.epochs, say);
  await options.afterEpochs?.(run);
  for (const n of cast.nodes) await n.stop();
  const summary = await summarize(run, rows);
  return {
    example: options.example,
    metrics: setup.params.metrics.map((m) => ({ name: m.name, decimals: m.decimals })),
    candidates: cast.candidates,
    epochs: rows,
    leaderboard: summary.leaderboard,
    verification: summary.verification,
    injectionsSubmitted: injections,
    adversaryActionsOnChain: summary.adversaryActionsOnChain,
    selection: summary.selection,
    nodeErrors: cast.nodeErrors,
    ...(summary.thief ? { thief: summary.thief } : {}),
  };
}
