/**
 * The end-to-end demo on an in-process chain: deploy with Ignition, create the example agreement,
 * fund its treasury, register four candidates (three simulated models of different skill and one
 * adversary) each run by its own node, let a simulated world drive three reporters for N epochs, then
 * print a leaderboard, verify every transition and collect the data for the HTML report.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { hexToString, stringToHex, type EIP1193Provider, type Hex, type LocalAccount } from "viem";
import { mnemonicToAccount } from "viem/accounts";

import GengovLocalModule from "../../ignition/modules/GengovLocal.js";
import { gengovExecutionAbi } from "../chain/abis.js";
import { toContractParams } from "../cli/agreementParams.js";
import { parseNodeConfig } from "../config/schema.js";
import { createModel } from "../models/index.js";
import { specHash } from "../models/spec.js";
import type { ModelSpec } from "../models/types.js";
import { epochEnd, epochStart, revealOpens, type Clock } from "../node/clock.js";
import { GengovNode } from "../node/GengovNode.js";
import { createLogger } from "../node/logger.js";
import { verifyTransitions, type TransitionReport } from "../verify/verifyTransitions.js";
import { fisheryWorld } from "./fishery.js";
import { vouchingWorld } from "./vouching.js";
import { INJECTIONS, type World } from "./world.js";

const MNEMONIC = "test test test test test test test test test test test junk";
const WAD = 10n ** 18n;

/** What the demo needs from Hardhat: an in-process chain and its helpers (scripts/demo.ts gives it). */
export type DemoChain = {
  provider: EIP1193Provider;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  viem: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  ignition: any;
  setTime(t: bigint): Promise<void>;
  latest(): Promise<bigint>;
};

/** What `demoChainOf` reads from a Hardhat network connection (`network.create()`). */
export type HardhatConnection = {
  provider: unknown;
  viem: unknown;
  ignition: unknown;
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

export type DemoOptions = {
  example: "fisheries" | "vouching";
  epochs: number;
  root: string;
  log?: (line: string) => void;
  /** Use a real OpenAI-compatible model for candidate 1 (set from OPENAI_API_KEY). */
  realModel?: { model: string; baseURL?: string; apiKey: string };
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
};

const simulatedSpec = (
  name: string,
  skill: number,
  profile: "honest" | "adversarial",
  seed: number,
): ModelSpec => ({
  version: 1,
  provider: "simulated",
  model: name,
  weightsDigest: null,
  systemPrompt: `You are ${name}, a candidate executor of a gengov agreement. Follow the agreement text exactly.`,
  temperature: 0,
  seed,
  maxOutputTokens: 1024,
  simulation: { skill, profile },
});

export async function runDemo(chain: DemoChain, options: DemoOptions): Promise<DemoResult> {
  const say = options.log ?? ((line: string) => process.stdout.write(line + "\n"));
  const world: World = options.example === "fisheries" ? fisheryWorld() : vouchingWorld();
  const dir = join(options.root, "examples", options.example);
  const text = readFileSync(join(dir, "agreement.md"), "utf8");
  const accounts = Array.from({ length: 12 }, (_, i) => mnemonicToAccount(MNEMONIC, { addressIndex: i }));
  const [arbiter, r1, r2, r3, o1, o2, o3, o4, boat, adversary] = accounts;
  const publicClient = await chain.viem.getPublicClient();
  const chainId = await publicClient.getChainId();

  const { hub, token } = await chain.ignition.deploy(GengovLocalModule);
  const wallets = await chain.viem.getWalletClients();
  const walletOf = (a: LocalAccount) =>
    wallets.find(
      (w: { account: { address: Hex } }) => w.account.address.toLowerCase() === a.address.toLowerCase(),
    );
  for (const a of accounts) {
    await token.write.mint([a.address, 10_000n * WAD]);
    await token.write.approve([hub.address, 2n ** 255n], { account: walletOf(a).account });
  }
  const paramsText = readFileSync(join(dir, "params.json"), "utf8")
    .replaceAll("$REPORTER1", r1.address)
    .replaceAll("$REPORTER2", r2.address)
    .replaceAll("$REPORTER3", r3.address)
    .replaceAll("$ARBITER", arbiter.address)
    .replaceAll("$TOKEN", token.address);
  const params = toContractParams(JSON.parse(paramsText), `${options.example}/params.json`);
  await hub.write.createAgreement([params, text]);
  const agreementId = 1n;
  await hub.write.deposit([agreementId, token.address, 1_000n * WAD]);
  const [stored] = await hub.read.agreement([agreementId]);
  const clock: Clock = {
    genesis: stored.genesis,
    epochLength: BigInt(stored.epochLength),
    horizon: BigInt(stored.horizon),
    reportWindow: BigInt(stored.reportWindow),
    revealWindow: BigInt(stored.revealWindow),
    executionWindow: BigInt(stored.executionWindow),
    challengePeriod: BigInt(stored.challengePeriod),
    rulingPeriod: BigInt(stored.rulingPeriod),
  };

  // Candidates: three honest simulations of different skill and one adversary; with an API key the
  // first runs on a real model instead.
  const roster: { name: string; kind: string; spec: ModelSpec; operator: LocalAccount }[] = [
    options.realModel
      ? {
          name: options.realModel.model,
          kind: "real model",
          spec: {
            version: 1,
            provider: "openai",
            model: options.realModel.model,
            weightsDigest: null,
            systemPrompt:
              "You are a careful executor of a gengov agreement. Follow the agreement text exactly.",
            temperature: 0,
            seed: 1,
            maxOutputTokens: 1024,
          },
          operator: o1,
        }
      : {
          name: "keen-eye",
          kind: "simulated, skill 0.9",
          spec: simulatedSpec("keen-eye", 0.9, "honest", 11),
          operator: o1,
        },
    {
      name: "steady-hand",
      kind: "simulated, skill 0.6",
      spec: simulatedSpec("steady-hand", 0.6, "honest", 12),
      operator: o2,
    },
    {
      name: "rough-guess",
      kind: "simulated, skill 0.25",
      spec: simulatedSpec("rough-guess", 0.25, "honest", 13),
      operator: o3,
    },
    {
      name: "mallory",
      kind: "adversary",
      spec: simulatedSpec("mallory", 0.1, "adversarial", 14),
      operator: o4,
    },
  ];
  const tmp = mkdtempSync(join(tmpdir(), "gengov-demo-"));
  const nodeErrors: string[] = [];
  const candidates: CandidateInfo[] = [];
  const nodes: GengovNode[] = [];
  for (const [i, c] of roster.entries()) {
    await hub.write.registerCandidate([agreementId, specHash(c.spec), 150n * WAD, c.operator.address], {
      account: walletOf(c.operator).account,
    });
    const id = BigInt(i + 1);
    candidates.push({ id, name: c.name, kind: c.kind });
    const specPath = join(tmp, `${c.name}.json`);
    writeFileSync(specPath, JSON.stringify(c.spec));
    const config = parseNodeConfig({
      rpcUrls: ["http://127.0.0.1:1"],
      chainId,
      hub: hub.address,
      store: join(tmp, `${c.name}.sqlite`),
      confirmations: 0,
      pollIntervalMs: 10,
      key: { privateKeyEnv: "UNUSED", allowRawKey: true },
      candidates: [{ agreementId: 1, candidateId: i + 1, spec: specPath }],
    });
    nodes.push(
      await GengovNode.create(config, {
        provider: chain.provider,
        account: c.operator,
        http: false,
        // Warnings (expected races, retries) stay quiet; errors are kept and reported.
        logger: createLogger("error", (line) => nodeErrors.push(`${c.name}: ${line}`)),
        createModel: (spec) =>
          createModel(spec, {
            peek: (t) => world.project(t),
            policy: world.policy,
            openai: options.realModel
              ? { apiKey: options.realModel.apiKey, baseURL: options.realModel.baseURL }
              : undefined,
          }),
      }),
    );
  }

  const tickAll = async () => {
    for (const n of nodes) await n.tick();
  };
  const at = async (t: bigint) => {
    if ((await chain.latest()) < t) await chain.setTime(t);
  };
  const execution = nodes[0].ctx.execution;
  const finalizedState = async (): Promise<Record<string, unknown>> => {
    const fin = await publicClient.getContractEvents({
      address: execution,
      abi: gengovExecutionAbi,
      eventName: "TransitionFinalized",
      fromBlock: 0n,
    });
    if (!fin.length) return {};
    const last = fin[fin.length - 1].args as { epoch: bigint; stateHash: Hex };
    const props = await publicClient.getContractEvents({
      address: execution,
      abi: gengovExecutionAbi,
      eventName: "TransitionProposed",
      fromBlock: 0n,
    });
    const p = props
      .filter(
        (x: { args: { epoch: bigint; newStateHash: Hex } }) =>
          x.args.epoch === last.epoch && x.args.newStateHash === last.stateHash,
      )
      .at(-1);
    return p ? JSON.parse(hexToString(p.args.newState)) : {};
  };

  let injections = 0;
  const rows: EpochRow[] = [];
  const truths = new Map<bigint, bigint[]>();
  for (let b = 0n; b <= BigInt(options.epochs); b++) {
    await at(epochStart(clock, b) + 1n);
    if (b > 0n) {
      const e = b - 1n;
      const truth = world.advance(e, await finalizedState());
      truths.set(e, truth);
      for (const [k, r] of [r1, r2, r3].entries()) {
        const jitter = BigInt(k - 1);
        await hub.write.reportOutcome([agreementId, e, truth.map((v) => v + jitter)], {
          account: walletOf(r).account,
        });
      }
    }
    if (b < BigInt(options.epochs)) {
      for (const input of world.inputs(b))
        await hub.write.submitInput([agreementId, stringToHex(input)], { account: walletOf(boat).account });
      const injection = INJECTIONS[Number(b) % INJECTIONS.length];
      await hub.write.submitInput([agreementId, stringToHex(injection)], {
        account: walletOf(adversary).account,
      });
      injections++;
    }
    await tickAll(); // commits for b + 1; selection and executor's proposal for b − 1
    if (b === 0n) continue;
    const e = b - 1n;
    await at(revealOpens(clock, e));
    await tickAll(); // reveals of target e; a fallback proposes if the executor did not
    await at(epochEnd(clock, e) + clock.challengePeriod + 30n);
    await tickAll(); // finalize the executor's transition
    await at(epochEnd(clock, e) + clock.executionWindow + clock.challengePeriod + 60n);
    await tickAll(); // finalize a fallback's transition
    // The selection the hub fixed (the executor's proposal or the first reveal fixed it), and whose
    // transition was finalized: the executor's, or the fallback's when the executor did not propose.
    const [selected] = await publicClient.getContractEvents({
      address: hub.address,
      abi: hub.abi,
      eventName: "ExecutorSelected",
      args: { agreementId, epoch: e },
      fromBlock: 0n,
    });
    const [fixedExecutor, fixedFallback, isFixed] = await hub.read.executorOf([agreementId, e]);
    const executor: bigint = selected ? selected.args.executor : isFixed ? fixedExecutor : 0n;
    const fallbackCandidate: bigint = selected
      ? selected.args.fallbackCandidate
      : isFixed
        ? fixedFallback
        : 0n;
    const [finalized] = await publicClient.getContractEvents({
      address: execution,
      abi: gengovExecutionAbi,
      eventName: "TransitionFinalized",
      args: { agreementId, epoch: e },
      fromBlock: 0n,
    });
    const executedBy: bigint = finalized ? (finalized.args as { candidateId: bigint }).candidateId : 0n;
    const revealed = await publicClient.getContractEvents({
      address: hub.address,
      abi: hub.abi,
      eventName: "ForecastRevealed",
      args: { agreementId, targetEpoch: e },
      fromBlock: 0n,
    });
    const forecasts: Record<string, bigint[] | null> = {};
    const scores: Record<string, number> = {};
    for (const c of candidates) {
      const r = revealed.find((l: { args: { candidateId: bigint } }) => l.args.candidateId === c.id);
      forecasts[c.name] = r ? [...r.args.values] : null;
      const v = await hub.read.candidate([agreementId, c.id]);
      scores[c.name] = v.scoredCount > 0 ? Number(v.score) / 1e18 : NaN;
    }
    const state = await finalizedState();
    rows.push({
      epoch: e,
      outcome: truths.get(e)!,
      forecasts,
      scores,
      executor,
      fallbackCandidate,
      executedBy,
      state,
    });
    const nameOf = (id: bigint) => candidates.find((c) => c.id === id)?.name ?? "none";
    const executed =
      executedBy === 0n
        ? "-"
        : executedBy === executor
          ? nameOf(executedBy)
          : `${nameOf(executedBy)} (fallback)`;
    say(
      `epoch ${String(e).padStart(2)}  outcome ${truths.get(e)!.map(String).join("/").padEnd(12)}  selected ${nameOf(executor).padEnd(12)}  executed ${executed.padEnd(23)}  ` +
        candidates
          .map((c) => `${c.name} ${Number.isNaN(scores[c.name]) ? "  -  " : scores[c.name].toFixed(3)}`)
          .join("  "),
    );
  }
  for (const n of nodes) await n.stop();

  const leaderboard = [];
  for (const c of candidates) {
    const v = await hub.read.candidate([agreementId, c.id]);
    leaderboard.push({
      id: c.id,
      name: c.name,
      score: Number(v.score) / 1e18,
      scored: v.scoredCount,
      executions: v.executions,
      misses: v.misses,
      bond: v.bond,
    });
  }
  leaderboard.sort((a, b) => a.score - b.score);
  const verification = await verifyTransitions({
    client: publicClient,
    hub: hub.address,
    execution,
    agreementId,
  });
  const proposed = await publicClient.getContractEvents({
    address: execution,
    abi: gengovExecutionAbi,
    eventName: "TransitionProposed",
    fromBlock: 0n,
  });
  const adversaryActionsOnChain = proposed.filter(
    (p: { args: { candidateId: bigint } }) => p.args.candidateId === 4n,
  ).length;
  const withExecutor = rows.filter((r) => r.executor !== 0n);
  const selection = {
    withExecutor: withExecutor.length,
    byExecutor: withExecutor.filter((r) => r.executedBy === r.executor).length,
    byFallback: rows.filter((r) => r.executedBy !== 0n && r.executedBy !== r.executor).length,
    notExecuted: withExecutor.filter((r) => r.executedBy === 0n).length,
  };
  // The epoch lines and the leaderboard count the same thing: finalized transitions per candidate.
  for (const l of leaderboard) {
    const lines = rows.filter((r) => r.executedBy === l.id).length;
    if (lines !== l.executions)
      throw new Error(
        `demo: ${l.name} executed ${lines} epochs by the epoch lines but ${l.executions} on chain`,
      );
  }
  return {
    example: options.example,
    metrics: params.metrics.map((m) => ({ name: m.name, decimals: m.decimals })),
    candidates,
    epochs: rows,
    leaderboard,
    verification,
    injectionsSubmitted: injections,
    adversaryActionsOnChain,
    selection,
    nodeErrors,
  };
}
