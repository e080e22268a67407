/**
 * Node throughput benchmark: one GengovNode operating 10 agreements × 10 candidates (one operator
 * key, simulated models, a file store) over several epochs on the in-process chain, against the same
 * transactions sent directly with viem in the same run.
 *
 * 1. Chain A: deploy, create the agreements (fixed genesis), register the candidates. At each moment
 *    of an epoch where the node has work (commits, proposals, reveals, finalizations) the script
 *    reports the outcomes (not timed) and times the node's tick. jobsPerSecond = transactions the
 *    node sent / time spent in those ticks (scanning, chain reads, model calls, store writes,
 *    simulation, signing, receipts: everything the node does).
 * 2. Chain B: the identical setup (same addresses, same genesis); right after each of the node's
 *    ticks, the transactions it sent are replayed there at the same chain time by a viem wallet
 *    client with the same local key (estimate, fees, nonce, sign, send, receipt), so both sides see
 *    the same machine load. rawTxPerSecond = transactions / time.
 * 3. ratio = jobsPerSecond / rawTxPerSecond: the share of raw sending speed the node keeps.
 *
 *   npm run bench:node                       summary
 *   npm run --silent bench:node -- --json    one JSON object {jobsPerSecond, rawTxPerSecond, ratio}
 *
 * Runs under tsx, not `hardhat run` (that task rejects unknown arguments such as --json); importing
 * "hardhat" builds the same runtime environment.
 *
 * Baseline: bench/node-baseline.json (the median of five runs on a shared 2-core machine, where the
 * ratio ranged 0.22–0.31). Per transaction the node makes about four eth_calls (the simulation and
 * its job's chain reads) and two broadcasts (waitFor re-sends the fresh attempt) besides what viem's
 * wallet client does; the store's fsyncs cost about a sixth of its time.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import hre from "hardhat";
import {
  BaseError,
  createWalletClient,
  custom,
  parseTransaction,
  type Address,
  type EIP1193Provider,
  type Hex,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";

import GengovLocalModule from "../ignition/modules/GengovLocal.js";
import { defaultParams } from "../test/fixtures/hub.js";
import { chainFor } from "../oracle/chain/connect.js";
import { parseNodeConfig } from "../oracle/config/schema.js";
import { createModel } from "../oracle/models/index.js";
import { specHash } from "../oracle/models/spec.js";
import type { ModelSpec } from "../oracle/models/types.js";
import { GengovNode } from "../oracle/node/GengovNode.js";
import { createLogger } from "../oracle/node/logger.js";

const json = process.argv.includes("--json");
const AGREEMENTS = 10;
const CANDIDATES = 10;
const EPOCHS = 5;
const WAD = 10n ** 18n;
const L = 3600n;
const OPERATOR = 4;
const MNEMONIC = "test test test test test test test test test test test junk";
const operator = mnemonicToAccount(MNEMONIC, { addressIndex: OPERATOR });

type Connection = Awaited<ReturnType<typeof hre.network.create>>;
type Tx = { to: Address; data: Hex };

// Small against the metric scales: the first targets are committed before any outcome is final, so
// the models' persistence forecast is zero, and it must score under maxScore for anyone to execute.
const truth = (e: bigint) => [100n + e * 10n, 50n + e * 7n];

function spec(a: number, c: number): ModelSpec {
  return {
    version: 1,
    provider: "simulated",
    model: `bench-${a}-${c}`,
    weightsDigest: null,
    systemPrompt: "",
    temperature: 0,
    seed: a * 100 + c,
    maxOutputTokens: 256,
    simulation: { skill: 0.3 + (0.6 * c) / CANDIDATES, profile: "honest" },
  };
}

/** The same deployment, agreements and candidates on any fresh in-process chain. */
async function setup(conn: Connection, genesis: bigint) {
  const { hub, execution, token } = await conn.ignition.deploy(GengovLocalModule);
  const wallets = await conn.viem.getWalletClients();
  const publicClient = await conn.viem.getPublicClient();
  for (const w of wallets.slice(0, OPERATOR + 1)) {
    await token.write.mint([w.account.address, 1_000_000n * WAD]);
    await token.write.approve([hub.address, 2n ** 255n], { account: w.account });
  }
  const reporters = wallets.slice(1, 4);
  const ids: bigint[] = [];
  for (let a = 0; a < AGREEMENTS; a++) {
    await hub.write.createAgreement([
      defaultParams({
        genesis,
        epochLength: Number(L),
        exitDelay: 3 * Number(L),
        reporters: reporters.map((r) => r.account.address),
        arbiter: wallets[0].account.address,
        bondToken: token.address,
        minScored: 0,
      }),
      `Benchmark agreement ${a}.`,
    ]);
    ids.push(BigInt(a + 1));
    for (let c = 0; c < CANDIDATES; c++) {
      await hub.write.registerCandidate([ids[a], specHash(spec(a, c)), 100n * WAD, operator.address], {
        account: wallets[OPERATOR].account,
      });
    }
  }
  const report = async (e: bigint) => {
    for (const id of ids) {
      for (const r of reporters) await hub.write.reportOutcome([id, e, truth(e)], { account: r.account });
    }
  };
  return { hub, execution, publicClient, networkHelpers: conn.networkHelpers, ids, report };
}

/** Moments of epoch e with node work, in order: [chain time, what the driver does first]. */
function moments(genesis: bigint) {
  const start = (e: bigint) => genesis + e * L;
  const out: { at: bigint; reportEpoch?: bigint }[] = [];
  for (let e = 0n; e < BigInt(EPOCHS); e++) {
    out.push({ at: start(e) + 1n, reportEpoch: e >= 1n ? e - 1n : undefined }); // commits, proposals
    if (e >= 2n) out.push({ at: start(e) + 600n }); // reveals of target e − 1
    if (e >= 1n) out.push({ at: start(e) + 1500n }); // finalizations of e − 1
  }
  return out;
}

async function run() {
  await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
  const dir = mkdtempSync(join(tmpdir(), "gengov-bench-node-"));
  try {
    // ── Chain A: the node ──
    const connA = await hre.network.create();
    const latest = await (await connA.viem.getPublicClient()).getBlock();
    const genesis = latest.timestamp + 86_400n;
    const a = await setup(connA, genesis);
    const chainId = await a.publicClient.getChainId();
    const candidates = a.ids.flatMap((id, i) =>
      Array.from({ length: CANDIDATES }, (_, c) => {
        const path = join(dir, `spec-${i}-${c}.json`);
        writeFileSync(path, JSON.stringify(spec(i, c)));
        return { agreementId: Number(id), candidateId: c + 1, spec: path };
      }),
    );
    const storePath = join(dir, "node.sqlite");
    const config = parseNodeConfig({
      rpcUrls: ["http://127.0.0.1:1"],
      chainId,
      hub: a.hub.address,
      store: storePath,
      confirmations: 0,
      pollIntervalMs: 10,
      key: { privateKeyEnv: "UNUSED", allowRawKey: true },
      candidates,
    });
    const node = await GengovNode.create(config, {
      provider: connA.provider as unknown as EIP1193Provider,
      account: operator,
      createModel: (s) => createModel(s),
      logger: createLogger("error", () => undefined),
      http: false,
    });
    // ── Chain B: the same setup; the node's transactions of each moment are replayed there right
    // after the node's tick, so both measurements see the same machine load ──
    const connB = await hre.network.create();
    const b = await setup(connB, genesis);
    if (b.hub.address !== a.hub.address) throw new Error("chain B deployed the hub at another address");
    const wallet = createWalletClient({
      account: operator,
      chain: chainFor(chainId),
      transport: custom(connB.provider as unknown as EIP1193Provider),
    });
    const plan = moments(genesis);
    let nodeMs = 0;
    let rawMs = 0;
    let nodeTxs = 0;
    let lastAttempt = 0;
    for (const m of plan) {
      await a.networkHelpers.time.increaseTo(m.at);
      if (m.reportEpoch !== undefined) await a.report(m.reportEpoch);
      let started = performance.now();
      await node.tick();
      nodeMs += performance.now() - started;
      const rows = node.ctx.store.db
        .prepare("SELECT id, raw, status FROM tx_attempts WHERE id > ? ORDER BY id")
        .all(lastAttempt) as { id: number; raw: Hex; status: string }[];
      if (rows.some((r) => r.status !== "mined")) throw new Error("a node transaction was not mined");
      lastAttempt = rows.at(-1)?.id ?? lastAttempt;
      nodeTxs += rows.length;
      const batch: Tx[] = rows.map((r) => {
        const tx = parseTransaction(r.raw);
        return { to: tx.to!, data: tx.data! };
      });

      await b.networkHelpers.time.increaseTo(m.at);
      if (m.reportEpoch !== undefined) await b.report(m.reportEpoch);
      started = performance.now();
      for (const tx of batch) {
        const hash = await wallet.sendTransaction(tx);
        let receipt = await b.publicClient.getTransactionReceipt({ hash }).catch(() => undefined);
        while (!receipt)
          receipt = await b.publicClient.getTransactionReceipt({ hash }).catch(() => undefined);
        if (receipt.status !== "success") throw new Error(`replayed transaction ${hash} reverted`);
      }
      rawMs += performance.now() - started;
    }
    await node.stop();
    // Per candidate a commit every epoch and a reveal from epoch 2 on; per agreement a proposal and
    // a finalization for every epoch from 2 (the first after a scored forecast) whose proposal
    // window falls inside the run.
    const expected = AGREEMENTS * CANDIDATES * (2 * EPOCHS - 2) + AGREEMENTS * (EPOCHS - 3) * 2;
    if (nodeTxs !== expected) throw new Error(`the node sent ${nodeTxs} transactions, expected ${expected}`);

    const jobsPerSecond = nodeTxs / (nodeMs / 1000);
    const rawTxPerSecond = nodeTxs / (rawMs / 1000);
    const round = (x: number) => Math.round(x * 100) / 100;
    const result = {
      jobsPerSecond: round(jobsPerSecond),
      rawTxPerSecond: round(rawTxPerSecond),
      ratio: Math.round((jobsPerSecond / rawTxPerSecond) * 1000) / 1000,
    };
    if (json) {
      console.log(JSON.stringify(result));
    } else {
      console.log(
        [
          `node: ${AGREEMENTS} agreements × ${CANDIDATES} candidates, ${EPOCHS} epochs, ${nodeTxs} transactions`,
          `  node        ${result.jobsPerSecond} jobs/s   (${Math.round(nodeMs)} ms in ${plan.length} ticks)`,
          `  raw viem    ${result.rawTxPerSecond} tx/s     (${Math.round(rawMs)} ms)`,
          `  ratio       ${result.ratio}`,
        ].join("\n"),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  await run();
} catch (e) {
  console.error(
    `bench:node failed: ${e instanceof BaseError ? `${e.shortMessage}\n${e.details}` : String(e)}`,
  );
  process.exitCode = 1;
}
