/**
 * The operator guide end to end, with the README's commands as child processes: a `hardhat node`,
 * `hardhat ignition deploy ignition/modules/GengovLocal.ts --network localhost` (the URL from
 * GENGOV_LOCALHOST_URL), then the gengov bin: key new, fund, agreement create from the shipped
 * examples/fisheries files with --set, candidate register, and a `gengov node` process with a
 * simulated model that commits, and after two reporters report, reveals its forecast. The node runs
 * on its own chain id so the deployment journal lands in ignition/deployments/chain-<id>, which the
 * test removes; a chain id other than 31337 makes Ignition ask for a confirmation, given by
 * HARDHAT_IGNITION_CONFIRM_DEPLOYMENT.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { createPublicClient, http, parseEventLogs, type Address, type Hex } from "viem";

import { gengovHubAbi } from "../../oracle/chain/abis.js";
import { localAccount, testSpec } from "../fixtures/node.js";
import { privateKeyOf } from "../fixtures/standalone.js";
import {
  gengov,
  gengovOk,
  ROOT,
  rpc,
  run,
  sleep,
  startHardhatNode,
  waitFor,
  type HardhatNode,
} from "./helpers.js";

const HARDHAT = join(ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");

/** The deployed runtime code with the immutable ranges zeroed (they hold addresses set at deploy). */
function maskImmutables(code: Hex, refs: Record<string, { start: number; length: number }[]>): string {
  const chars = code.slice(2).split("");
  for (const ranges of Object.values(refs))
    for (const { start, length } of ranges) chars.fill("0", start * 2, (start + length) * 2);
  return chars.join("");
}

describe("operator guide: deploy with Ignition, create, fund, register, run one epoch", function () {
  this.timeout(240_000);
  const chainId = 40_000 + Math.floor(Math.random() * 20_000);
  const deploymentDir = join(ROOT, "ignition", "deployments", `chain-${chainId}`);
  const dir = mkdtempSync(join(tmpdir(), "gengov-operator-"));
  let chain: HardhatNode;
  let nodeProcess: Awaited<ReturnType<typeof startGengovNode>> | undefined;

  before(async () => {
    chain = await startHardhatNode(chainId);
  });

  after(async () => {
    await nodeProcess?.stop();
    await chain?.stop();
    rmSync(deploymentDir, { recursive: true, force: true });
  });

  it("the README's local guide gives the commands this test runs, with Hardhat's accounts 0-3", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const from = readme.indexOf("```sh\n", readme.indexOf("**On a local chain.**"));
    const guide = readme.slice(from, readme.indexOf("```\n", from + 6)).replace(/\\\n\s*/g, "");
    const [arbiter, r1, r2, r3] = [0, 1, 2, 3].map((i) => localAccount(i).address);
    for (const line of [
      "npx hardhat ignition deploy ignition/modules/GengovLocal.ts --network localhost",
      "npx gengov key new --out operator.json",
      "npx gengov fund operator.json --eth 10 --token 1000",
      "npx gengov agreement create --text examples/fisheries/agreement.md --params examples/fisheries/params.json",
      `--set ARBITER=${arbiter} --set REPORTER1=${r1} --set REPORTER2=${r2} --set REPORTER3=${r3}`,
      '"provider":"simulated"',
      "npx gengov candidate register 1 --spec spec.json --bond 150 --keystore operator.json",
      '"confirmations":0,"key":{"keystore":"./operator.json"}',
      "./bin/gengov.mjs node --config node.json",
    ])
      expect(guide).to.include(line);
  });

  it("follows the README from deployment to a revealed forecast", async () => {
    const env = { GENGOV_RPC: chain.url, GENGOV_KEYSTORE_PASSWORD: "operator password" };

    // Deploy exactly as the README says; only the URL and the confirmation come from the environment.
    const deployed = await run(
      process.execPath,
      [HARDHAT, "ignition", "deploy", "ignition/modules/GengovLocal.ts", "--network", "localhost"],
      {
        env: { GENGOV_LOCALHOST_URL: chain.url, HARDHAT_IGNITION_CONFIRM_DEPLOYMENT: "1" },
        timeoutMs: 180_000,
      },
    );
    expect(deployed.code, deployed.stdout + deployed.stderr).to.equal(0);
    const addresses = JSON.parse(
      readFileSync(join(deploymentDir, "deployed_addresses.json"), "utf8"),
    ) as Record<string, Address>;
    const client = createPublicClient({ transport: http(chain.url) });
    const hub = addresses["Gengov#GengovHub"];
    const token = addresses["GengovLocal#MockERC20"];

    // The production build profile compiled the same hub the tests and gas snapshots measure.
    const artifact = JSON.parse(
      readFileSync(join(ROOT, "artifacts/contracts/GengovHub.sol/GengovHub.json"), "utf8"),
    );
    const code = (await rpc(chain.url, "eth_getCode", [hub, "latest"])) as Hex;
    expect(maskImmutables(code, artifact.immutableReferences)).to.equal(
      maskImmutables(artifact.deployedBytecode, artifact.immutableReferences),
    );

    // key new, fund (a new key has no ETH and no tokens), agreement create, candidate register.
    const keystore = join(dir, "operator.json");
    const created = await gengovOk(["key", "new", "--out", keystore, "--json"], env);
    const operator = (JSON.parse(created) as { address: Address }).address;
    await gengovOk(["fund", keystore, "--eth", "10", "--token", "1000"], env);
    expect(await client.getBalance({ address: operator })).to.equal(10n * 10n ** 18n);

    const [arbiter, r1, r2, r3] = [0, 1, 2, 3].map((i) => localAccount(i).address);
    const params = [
      "--text",
      "examples/fisheries/agreement.md",
      "--params",
      "examples/fisheries/params.json",
    ];
    const unfilled = await gengov(["agreement", "create", ...params, "--keystore", keystore], env);
    expect(unfilled.code).to.equal(2);
    expect(unfilled.stderr).to.match(/\$REPORTER1.*not filled; pass --set REPORTER1=<value>/);

    const sets = [
      `REPORTER1=${r1}`,
      `REPORTER2=${r2}`,
      `REPORTER3=${r3}`,
      `ARBITER=${arbiter}`,
      `TOKEN=${token}`,
    ];
    const agreementOut = await gengovOk(
      [
        "agreement",
        "create",
        ...params,
        ...sets.flatMap((s) => ["--set", s]),
        "--keystore",
        keystore,
        "--json",
      ],
      env,
    );
    const agreementId = BigInt((JSON.parse(agreementOut) as { agreementId: string }).agreementId);

    const spec = testSpec("operator-guide");
    const specPath = join(dir, "spec.json");
    writeFileSync(specPath, JSON.stringify(spec));
    const registered = await gengovOk(
      [
        "candidate",
        "register",
        `${agreementId}`,
        "--spec",
        specPath,
        "--bond",
        "150",
        "--keystore",
        keystore,
        "--json",
      ],
      env,
    );
    const candidateId = BigInt((JSON.parse(registered) as { candidateId: string }).candidateId);

    // The node, with the config the README shows (keystore key), on the simulated model.
    const config = join(dir, "node.json");
    writeFileSync(
      config,
      JSON.stringify({
        rpcUrls: [chain.url],
        chainId,
        store: join(dir, "node.sqlite"),
        confirmations: 0,
        pollIntervalMs: 200,
        http: { port: 0 },
        key: { keystore },
        candidates: [{ agreementId: Number(agreementId), candidateId: Number(candidateId), spec: specPath }],
      }),
    );
    nodeProcess = startGengovNode(config, env);

    const events = async (eventName: "ForecastCommitted" | "ForecastRevealed") =>
      parseEventLogs({
        abi: gengovHubAbi,
        eventName,
        logs: await client.getLogs({ address: hub, fromBlock: 0n }),
      }).map((l) => l.args as { targetEpoch: bigint; candidateId: bigint });
    const advance = async (seconds: number) => {
      await rpc(chain.url, "evm_increaseTime", [seconds]);
      await rpc(chain.url, "evm_mine");
    };
    const until = async (what: string, check: () => Promise<boolean>) => {
      const ok = await waitFor(check, 60_000, 250);
      expect(ok, `${what}; node log:\n${nodeProcess!.log()}`).to.equal(true);
    };

    // Epoch 0: the node commits its forecast for target 1 (genesis 0 = the agreement's creation).
    await until("commit for target 1", async () =>
      (await events("ForecastCommitted")).some((e) => e.targetEpoch === 1n),
    );

    // To the end of epoch 1: two reporters (the quorum) report it inside the report window.
    const genesis = await agreementGenesis(client, hub, agreementId);
    const now = Number((await client.getBlock()).timestamp);
    await advance(Number(genesis) + 2 * 3600 - now + 5);
    for (const index of [1, 2])
      await gengovOk(
        ["outcome", "report", `${agreementId}`, "1", "300", "4000", "--private-key-env", "REPORTER_KEY"],
        {
          ...env,
          REPORTER_KEY: privateKeyOf(index),
        },
      );

    // Past the report window: the outcome is fixed and the node reveals its forecast for target 1.
    await advance(600);
    await until("reveal of target 1", async () =>
      (await events("ForecastRevealed")).some((e) => e.targetEpoch === 1n && e.candidateId === candidateId),
    );
  });
});

async function agreementGenesis(
  client: ReturnType<typeof createPublicClient>,
  hub: Address,
  agreementId: bigint,
): Promise<bigint> {
  const [params] = (await client.readContract({
    address: hub,
    abi: gengovHubAbi,
    functionName: "agreement",
    args: [agreementId],
  })) as readonly [{ genesis: bigint }, Hex, bigint];
  return params.genesis;
}

/** `gengov node --config <file>` as a child process, its stderr kept for assertion messages. */
function startGengovNode(config: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [join(ROOT, "bin", "gengov.mjs"), "node", "--config", config], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000)));
  return {
    log: () => stderr,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGKILL");
      await sleep(100);
    },
  };
}
