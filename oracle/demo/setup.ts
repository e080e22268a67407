/**
 * The demo's setup: deploy with Ignition, create the example agreement and fund its treasury, then
 * register four candidates (three simulated models of different skill and one adversary, or a real
 * model first when one is configured), each run by its own node.
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
import { createModel } from "../models/index.js";
import { specHash } from "../models/spec.js";
import type { ModelSpec } from "../models/types.js";
import { clockOf, type Clock } from "../node/clock.js";
import { GengovNode } from "../node/GengovNode.js";
import { createLogger } from "../node/logger.js";
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
  /** arbiter, reporters r1–r3, operators o1–o4, the boat submitting inputs, the adversary. */
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
  const params = toContractParams(JSON.parse(paramsText), `${options.example}/params.json`);
  await hub.write.createAgreement([params, text]);
  const agreementId = 1n;
  await hub.write.deposit([agreementId, token.address, 1_000n * WAD]);
  const [stored] = await hub.read.agreement([agreementId]);
  const clock = clockOf(stored);
  return { publicClient, chainId, hub, token, agreementId, params, clock, accounts, walletOf };
}

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

type Seat = { name: string; kind: string; spec: ModelSpec; operator: LocalAccount };

/** Three honest simulations of different skill and one adversary; with an API key the first runs on a real model. */
function roster(options: DemoOptions, operators: LocalAccount[]): Seat[] {
  const [o1, o2, o3, o4] = operators;
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
  ];
}

/** Registers each seat of the roster and starts its node (each with its own store and operator key). */
export async function startNodes(chain: DemoChain, setup: DemoSetup, world: World, options: DemoOptions) {
  const tmp = mkdtempSync(join(tmpdir(), "gengov-demo-"));
  const nodeErrors: string[] = [];
  const candidates: CandidateInfo[] = [];
  const nodes: GengovNode[] = [];
  for (const [i, c] of roster(options, setup.accounts.slice(4, 8)).entries()) {
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
            policy: world.policy,
            openai: options.realModel
              ? { apiKey: options.realModel.apiKey, baseURL: options.realModel.baseURL }
              : undefined,
          }),
      }),
    );
  }
  return { candidates, nodes, nodeErrors };
}
