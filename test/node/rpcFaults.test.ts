/**
 * RPC faults: the node talks to the chain through a JSON-RPC proxy that drops connections (before
 * and after forwarding, so some requests take effect but their answer is lost), answers HTTP 429,
 * delays answers, reports a stale head, and goes down for 5 s (longer than the transport retries, so
 * jobs and ticks fail and are retried by the node). The node must still do every job exactly once. Then a
 * reorg (evm_snapshot / evm_revert after the node scanned an input, different blocks mined): the node
 * logs the reorg, forgets the orphaned input and proposes from canonical inputs only. A candidate
 * executes only once scored (a never-scored model never does): from epoch 2 on.
 */
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { network } from "hardhat";
import { hexToString, stringToHex, type Hex } from "viem";

import { parseNodeConfig } from "../../oracle/config/schema.js";
import { createModel } from "../../oracle/models/index.js";
import type { ExecuteRequest, ModelSpec } from "../../oracle/models/types.js";
import { GengovNode, type ModelFactory } from "../../oracle/node/GengovNode.js";
import { createLogger } from "../../oracle/node/logger.js";
import {
  advanceTo,
  chainEvents,
  driveEpochs,
  duplicates,
  qualify,
  reportOutcome,
  TickedNode,
  waitUntil,
} from "../fixtures/epochDriver.js";
import { clock } from "../fixtures/hub.js";
import { localAccount, testSpec } from "../fixtures/node.js";
import { prng } from "../fixtures/prng.js";
import {
  connectChain,
  createAgreement,
  deployHubOver,
  registerCandidate,
  rpc,
} from "../fixtures/standalone.js";
import { RpcProxy } from "../support/rpcProxy.js";

type Fixture = Awaited<ReturnType<typeof deployHubOver>>;

describe("node: RPC faults and reorgs", function () {
  this.timeout(120_000);
  let server: Awaited<ReturnType<typeof network.createServer>>;
  let upstream: string;
  let proxy: RpcProxy;
  let f: Fixture;
  let chainId: number;
  const dir = mkdtempSync(join(tmpdir(), "gengov-rpc-"));
  const nodes: GengovNode[] = [];

  before(async () => {
    // An in-process Hardhat network served over HTTP: the proxy forwards to it byte for byte.
    server = await network.createServer("default", "127.0.0.1", 0);
    const { port } = await server.listen();
    upstream = `http://127.0.0.1:${port}`;
    f = await deployHubOver(await connectChain({ url: upstream }), {
      minScored: 0,
    });
    chainId = await f.publicClient.getChainId();
    proxy = await RpcProxy.start(upstream);
  });

  after(async () => {
    for (const n of nodes) await n.stop().catch(() => undefined);
    await proxy?.close();
    await server?.close();
  });

  /** An in-process node for one candidate of `agreementId`, reaching the chain at `url`. */
  async function tickedNode(
    name: string,
    url: string,
    agreementId: bigint,
    candidateId: bigint,
    walletIndex: number,
    spec: ModelSpec,
    factory: ModelFactory = (s) => createModel(s),
  ) {
    const specPath = join(dir, `${name}-spec.json`);
    writeFileSync(specPath, JSON.stringify(spec));
    const config = parseNodeConfig({
      rpcUrls: [url],
      chainId,
      hub: f.hub.address,
      store: join(dir, `${name}.sqlite`),
      confirmations: 0,
      pollIntervalMs: 10,
      key: { privateKeyEnv: "UNUSED", allowRawKey: true },
      candidates: [{ agreementId: Number(agreementId), candidateId: Number(candidateId), spec: specPath }],
      tx: { stuckAfterMs: 60_000, receiptTimeoutMs: 15_000 },
    });
    const ticked = new TickedNode();
    ticked.node = await GengovNode.create(config, {
      account: localAccount(walletIndex),
      createModel: factory,
      logger: createLogger("debug", ticked.sink),
      http: false,
    });
    nodes.push(ticked.node);
    return ticked;
  }

  it("does every job exactly once through dropped connections, 429s, delays and a stale head", async () => {
    const a = f.agreementId;
    const spec = testSpec("through-faults");
    const candidateId = await registerCandidate(f, a, 4, spec);
    const ticked = await tickedNode("faults", proxy.url, a, candidateId, 4, spec);
    // Seeded schedule: about one request in three is faulted; transactions lose their answers often.
    const r = prng(0x5eed_0002n);
    let outageFrom: number | undefined;
    proxy.inject((call) => {
      // From the 150th request, a 5 s outage: longer than the transport's retries (≈ 3.6 s) last.
      if (call.index === 150) outageFrom = Date.now();
      if (outageFrom !== undefined && Date.now() - outageFrom < 5_000) return { kind: "dropBefore" };
      const x = r.float();
      if (call.method === "eth_blockNumber" && x < 0.6) return { kind: "staleHead", behind: r.int(1, 6) };
      if (call.method === "eth_sendRawTransaction" && x < 0.3) return { kind: "dropAfter" };
      if (x < 0.08) return { kind: "dropBefore" };
      if (x < 0.12) return { kind: "dropAfter" };
      if (x < 0.2) return { kind: "status", status: 429 };
      if (x < 0.28) return { kind: "delay", ms: r.int(10, 150) };
      return undefined;
    });
    try {
      await driveEpochs(f, a, { first: 0n, last: 4n }, { forecasters: [candidateId] }, [ticked], undefined);
    } finally {
      proxy.heal();
    }
    const ev = await chainEvents(f);
    const mine = <T extends { args: { candidateId: bigint } }>(xs: T[]) =>
      xs.filter((l) => l.args.candidateId === candidateId);
    expect(mine(ev.commits(a)).map((l) => l.args.targetEpoch)).to.deep.equal([1n, 2n, 3n, 4n, 5n]);
    expect(mine(ev.reveals(a)).map((l) => l.args.targetEpoch)).to.deep.equal([1n, 2n, 3n]);
    expect(mine(ev.proposals(a)).map((l) => l.args.epoch)).to.deep.equal([2n, 3n]);
    expect(duplicates(ev.finalized(a).map((l) => `${l.args.epoch}`))).to.deep.equal([]);
    expect(ev.finalized(a).map((l) => l.args.epoch)).to.deep.equal([2n, 3n]);
    expect(ev.missed(a)).to.deep.equal([]);
    // Every kind of fault was injected, and the outage got past the transport's retries to the node.
    for (const kind of ["dropBefore", "dropAfter", "status", "delay", "staleHead"]) {
      expect(proxy.injected.get(kind) ?? 0, kind).to.be.greaterThan(0);
    }
    const failures = ticked.logs.filter((l) => l.level !== "info" && l.level !== "debug").length;
    expect(failures + ticked.tickErrors.length).to.be.greaterThan(0);
  });

  it("after a reorg acts only on canonical inputs: the orphaned input is not in the proposal", async () => {
    const agreement = await createAgreement(f, { minScored: 0 });
    const a = agreement.agreementId;
    const t = clock(agreement);
    const spec = testSpec("reorg-watcher");
    const candidateId = await registerCandidate(f, a, 5, spec);
    const seen: ExecuteRequest[] = [];
    const recording: ModelFactory = (s) => {
      const inner = createModel(s);
      return {
        spec: s,
        forecast: (q) => inner.forecast(q),
        execute: (q) => (seen.push(q), inner.execute(q)),
        validate: (q) => inner.validate(q),
      };
    };
    const ticked = await tickedNode("reorg", upstream, a, candidateId, 5, spec, recording);
    const submit = async (walletIndex: number, text: string) => {
      const hash = await f.hub.write.submitInput([a, stringToHex(text)], {
        account: f.wallets[walletIndex].account,
      });
      await f.publicClient.waitForTransactionReceipt({ hash });
    };
    const scannedInputs = () =>
      ticked.node.ctx.store
        .logs("InputSubmitted", (x) => x.agreementId === a)
        .map((l) => hexToString(l.args.data as Hex));

    await waitUntil(
      "the commit for target 1",
      async () => (await chainEvents(f)).commits(a).some((l) => l.args.targetEpoch === 1n),
      [ticked],
    );
    await submit(7, "kept input");
    await ticked.pump();
    const snapshot = (await rpc(upstream, "evm_snapshot")) as Hex;
    await submit(8, "orphaned input");
    await rpc(upstream, "evm_mine");
    await ticked.pump();
    expect(scannedInputs()).to.deep.equal(["kept input", "orphaned input"]);

    expect(await rpc(upstream, "evm_revert", [snapshot])).to.equal(true);
    await submit(9, "canonical input");
    for (let i = 0; i < 3; i++) await rpc(upstream, "evm_mine");
    await ticked.pump();
    expect(scannedInputs()).to.deep.equal(["kept input", "canonical input"]);
    expect(ticked.logs.some((l) => l.at === "logScanner" && l.msg === "reorg: rewinding")).to.equal(true);

    // Scored once, the candidate executes epoch E; epoch 0's inputs roll over into its transition.
    const E = await qualify({ ...f, ...agreement }, a, [candidateId], [ticked]);
    await advanceTo(f, t.end(E) + 1n);
    await waitUntil(
      `the proposal of epoch ${E}`,
      async () => (await chainEvents(f)).proposals(a).some((l) => l.args.epoch === E),
      [ticked],
    );
    const [proposal] = (await chainEvents(f)).proposals(a);
    expect(seen.at(-1)!.inputs.map((i) => i.data)).to.deep.equal(["kept input", "canonical input"]);
    expect(proposal.args.inputsHash).to.equal(await f.hub.read.inputsHeadAt([a, E]));
    expect(proposal.args.inputsHash).to.equal(await f.hub.read.inputsHeadAt([a, 0n]));
    const manifest = JSON.parse(hexToString(proposal.args.manifest)) as { inputs: { count: number } };
    expect(manifest.inputs.count).to.equal(2);
  });

  it("a transaction whose broadcast never got through does not block the next ones", async () => {
    const agreement = await createAgreement(f, { minScored: 0 });
    const a = agreement.agreementId;
    const t = clock(agreement);
    const spec = testSpec("lost-broadcast");
    const candidateId = await registerCandidate(f, a, 7, spec);
    const ticked = await tickedNode("lost-broadcast", proxy.url, a, candidateId, 7, spec);
    // Every broadcast of the commit for target 1 is dropped before it reaches the chain; the commit
    // window then closes, so its job never runs again: only the sender can still use its nonce.
    proxy.inject((call) => (call.method === "eth_sendRawTransaction" ? { kind: "dropBefore" } : undefined));
    await ticked.pump();
    proxy.heal();
    expect(ticked.logs.some((l) => l.at === "commitForecast" && l.msg === "broadcast failed")).to.equal(true);
    expect((await chainEvents(f)).commits(a)).to.deep.equal([]);

    await advanceTo(f, t.end(0n) + 1n);
    await waitUntil(
      "the commit for target 2",
      async () => (await chainEvents(f)).commits(a).some((l) => l.args.targetEpoch === 2n),
      [ticked],
      10_000,
    );
    // Its reveal goes through too, and charges the target whose commit was lost (its outcome is
    // final, so it is not void) as a miss.
    await advanceTo(f, t.end(1n));
    await reportOutcome(f, a, 1n);
    await advanceTo(f, t.end(2n));
    await reportOutcome(f, a, 2n);
    await advanceTo(f, t.revealOpens(2n));
    await waitUntil(
      "the reveal of target 2",
      async () => (await chainEvents(f)).reveals(a).some((l) => l.args.targetEpoch === 2n),
      [ticked],
      10_000,
    );
    const missed = (await chainEvents(f)).missed(a);
    expect(missed.map((l) => [l.args.candidateId, l.args.misses])).to.deep.equal([[candidateId, 1]]);
  });

  it("after a reorg drops its own transaction, the node's next transactions leave no nonce gap", async () => {
    const agreement = await createAgreement(f, { minScored: 0 });
    const a = agreement.agreementId;
    const t = clock(agreement);
    const spec = testSpec("reorged-sender");
    const candidateId = await registerCandidate(f, a, 6, spec);
    const ticked = await tickedNode("reorged-sender", upstream, a, candidateId, 6, spec);
    const operator = f.wallets[6].account.address;
    const before = await f.publicClient.getTransactionCount({ address: operator });
    const snapshot = (await rpc(upstream, "evm_snapshot")) as Hex;
    await ticked.pump(); // commits for target 1
    await ticked.pump(); // scans the block holding the commit
    expect((await chainEvents(f)).commits(a)).to.have.length(1);
    // The branch holding the node's commit is orphaned; the canonical chain is longer without it.
    expect(await rpc(upstream, "evm_revert", [snapshot])).to.equal(true);
    for (let i = 0; i < 3; i++) await rpc(upstream, "evm_mine");
    expect(await f.publicClient.getTransactionCount({ address: operator })).to.equal(before);

    await advanceTo(f, t.end(0n) + 1n);
    await waitUntil(
      "the commit for target 2",
      async () => (await chainEvents(f)).commits(a).some((l) => l.args.targetEpoch === 2n),
      [ticked],
      10_000,
    );
    expect(await f.publicClient.getTransactionCount({ address: operator })).to.equal(before + 1);
    expect(ticked.logs.some((l) => l.at === "logScanner" && l.msg === "reorg: rewinding")).to.equal(true);
  });
});
