/**
 * The demo's setup: deploy with Ignition, create the example agreement and fund its treasury, then
 * register four candidates (three simulated models of different skill and one adversary, or a real
 * model first when one is configured), each run by its own node. A demo with a jury adds a fifth: the
 * thief (fisheries, vouching) or the captured delegate (council).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { ContractReturnType } from "@nomicfoundation/hardhat-viem/types";
import type { Account, Hex, LocalAccount } from "viem";
import { mnemonicToAccount } from "viem/accounts";

import GengovLocalModule from "../../ignition/modules/GengovLocal.js";
import { toContractParams } from "../cli/agreementParams.js";
import { parseNodeConfig } from "../config/schema.js";
import { createModel, type CreateModelOptions } from "../models/index.js";
import type { ExecutionPolicy } from "../models/simulatedModel.js";
import { specHash } from "../models/spec.js";
import type { ModelSpec } from "../models/types.js";
import { clockOf, type Clock } from "../node/clock.js";
import { GengovNode } from "../node/GengovNode.js";
import { createLogger } from "../node/logger.js";
import { capturedCouncilPolicy } from "./council.js";
import type { CandidateInfo, DemoChain, DemoOptions } from "./runDemo.js";
import type { World } from "./world.js";

const MNEMONIC = "test test test test test test test test test test test junk";
export const WAD = 10n ** 18n;

export type DemoSetup = {
  publicClient: Awaited<ReturnType<DemoChain["viem"]["getPublicClient"]>>;
  chainId: number;
  hub: ContractReturnType<"GengovHub">;
  token: ContractReturnType<"MockERC20">;
  agreementId: bigint;
  params: ReturnType<typeof toContractParams>;
  clock: Clock;
  /** The hub's jury contract. */
  jury: Hex;
  /** The agreement seats a jury on its proposals. */
  juried: boolean;
  /** arbiter, reporters r1–r3, operators o1–o4, the boat submitting inputs, the adversary, operator o5. */
  accounts: ReturnType<typeof mnemonicToAccount>[];
  walletOf: (a: LocalAccount) => { account: Account };
};

/** What the epochs and the summary work on. */
export type DemoRun = {
  chain: DemoChain;
  setup: DemoSetup;
  world: World;
  candidates: CandidateInfo[];
  nodes: GengovNode[];
  nodeErrors: string[];
  execution: Hex;
};

/** Deploys, mints and approves for every account, creates agreement 1 and funds its treasury. */
export async function deployAgreement(chain: DemoChain, options: DemoOptions): Promise<DemoSetup> {
  const dir = join(options.root, "examples", options.example);
  const text = readFileSync(join(dir, "agreement.md"), "utf8");
  const accounts = Array.from({ length: 12 }, (_, i) => mnemonicToAccount(MNEMONIC, { addressIndex: i }));
  const [arbiter, r1, r2, r3] = accounts;
  const publicClient = await chain.viem.getPublicClient();
  const chainId = await publicClient.getChainId();

  const { hub, token } = await chain.ignition.deploy(GengovLocalModule);
  const wallets = await chain.viem.getWalletClients();
  const walletOf = (a: LocalAccount) => {
    const wallet = wallets.find((w) => w.account.address.toLowerCase() === a.address.toLowerCase());
    if (!wallet) throw new Error(`demo: the chain has no wallet for ${a.address}`);
    return wallet;
  };
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
  const json = JSON.parse(paramsText) as Record<string, unknown>;
  if (options.jury !== undefined && options.example !== "council" && options.jury > 0)
    json.jury = demoJury(options.jury);
  const params = toContractParams(json, `${options.example}/params.json`);
  await hub.write.createAgreement([params, text]);
  const agreementId = 1n;
  await hub.write.deposit([agreementId, token.address, 1_000n * WAD]);
  const [stored] = await hub.read.agreement([agreementId]);
  const clock = clockOf(stored);
  const jury = await hub.read.jury();
  const juried = params.jury.jurySize > 0;
  return { publicClient, chainId, hub, token, agreementId, params, clock, jury, juried, accounts, walletOf };
}

/**
 * The jury `--jury n` seats: n jurors, a majority of them to accept, 5-minute commit and reveal
 * windows (the examples' clocks leave 10 minutes for the vote), a fee of 1 token for a vote with the
 * outcome and a penalty of 5 for silence or an overturned vote. No appeal jury.
 */
export function demoJury(size: number) {
  return {
    jurySize: size,
    juryQuorum: Math.floor(size / 2) + 1,
    appealJurySize: 0,
    voteCommitWindow: 300,
    voteRevealWindow: 300,
    juryFee: (1n * WAD).toString(),
    juryPenalty: (5n * WAD).toString(),
  };
}

const simulatedSpec = (
  name: string,
  skill: number,
  profile: "honest" | "adversarial" | "thief",
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

type Seat = {
  name: string;
  kind: string;
  spec: ModelSpec;
  operator: LocalAccount;
  /** Its own execution policy instead of the world's (the captured delegate). */
  policy?: ExecutionPolicy;
};

/** The name of the thief candidate (fisheries and vouching with --jury). */
export const THIEF = "thief";
/** The name of the captured delegate (council). */
export const CAPTURED = "captured";

/**
 * Three honest simulations of different skill and one adversary; with an API key the first runs on a
 * real model. With a jury (or the council example) a fifth: the thief, or the captured delegate, as
 * skilled a forecaster as the best model, so it wins the executor seat in some epochs.
 */
function roster(options: DemoOptions, operators: LocalAccount[]): Seat[] {
  const [o1, o2, o3, o4, o5] = operators;
  const fifth: Seat[] =
    options.example === "council"
      ? [
          {
            name: CAPTURED,
            kind: "simulated, skill 0.95, captured by a payee",
            spec: simulatedSpec(CAPTURED, 0.95, "honest", 15),
            operator: o5,
            policy: capturedCouncilPolicy,
          },
        ]
      : options.jury !== undefined
        ? [
            {
              name: THIEF,
              kind: "thief, skill 0.95",
              spec: simulatedSpec(THIEF, 0.95, "thief", 15),
              operator: o5,
            },
          ]
        : [];
  return [
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
    ...fifth,
  ];
}

/**
 * Registers each seat of the roster and starts its node (each with its own store and operator key).
 * `more` adds model options by seat name (the futarchy demo's conditional forecasters).
 */
export async function startNodes(
  chain: DemoChain,
  setup: DemoSetup,
  world: World,
  options: DemoOptions,
  more?: (name: string) => Partial<CreateModelOptions>,
) {
  const tmp = mkdtempSync(join(tmpdir(), "gengov-demo-"));
  const nodeErrors: string[] = [];
  const candidates: CandidateInfo[] = [];
  const nodes: GengovNode[] = [];
  const operators = [...setup.accounts.slice(4, 8), setup.accounts[10]];
  for (const [i, c] of roster(options, operators).entries()) {
    await setup.hub.write.registerCandidate(
      [setup.agreementId, specHash(c.spec), 150n * WAD, c.operator.address],
      { account: setup.walletOf(c.operator).account },
    );
    candidates.push({ id: BigInt(i + 1), name: c.name, kind: c.kind });
    const specPath = join(tmp, `${c.name}.json`);
    writeFileSync(specPath, JSON.stringify(c.spec));
    const config = parseNodeConfig({
      rpcUrls: ["http://127.0.0.1:1"],
      chainId: setup.chainId,
      hub: setup.hub.address,
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
            policy: c.policy ?? world.policy,
            openai: options.realModel
              ? { apiKey: options.realModel.apiKey, baseURL: options.realModel.baseURL }
              : undefined,
            ...more?.(c.name),
          }),
      }),
    );
  }
  return { candidates, nodes, nodeErrors };
}
