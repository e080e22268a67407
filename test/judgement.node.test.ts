/**
 * The node's judgement job against a scripted chain (reads and events answered from a small round
 * model, sends recorded): a list and its salt are on disk before the commit is sent, and a crash
 * between the two sends the stored commitment (no new salt, no second model call); a restarted node
 * reveals the stored list with proofs that lead to the committed root; the proposer never proposes a
 * combination that is not strictly better than the round's best. And on an in-process chain, the
 * node's tick commits its candidate's list to the judgement contract.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";
import { keccak256, stringToHex, zeroAddress, type EIP1193Provider, type Hex, type PublicClient } from "viem";

import type { TxSender } from "../oracle/chain/txSender.js";
import { judgementStep, proposeBest, solveRound, type RoundState } from "../oracle/jobs/judgement.js";
import { buildItemTree, type JudgementItem } from "../oracle/judgement/itemTree.js";
import { listCommitment } from "../oracle/judgement/terms.js";
import { SimulatedModel } from "../oracle/models/simulatedModel.js";
import type { AllocateRequest, Model } from "../oracle/models/types.js";
import type { AgreementRuntime, CandidateRuntime, NodeContext } from "../oracle/node/context.js";
import { createLogger } from "../oracle/node/logger.js";
import { Metrics } from "../oracle/node/metrics.js";
import { combinedLoss } from "../oracle/scoring/judgement.js";
import { sumTreeRoot } from "../oracle/scoring/sumTree.js";
import { Store } from "../oracle/store/Store.js";
import { deployHub } from "./fixtures/hub.js";
import { makeNode, registerWithSpec, testSpec } from "./fixtures/node.js";

const WAD = 10n ** 18n;
const JUDGEMENT: Hex = "0x00000000000000000000000000000000000000d0";
const HUB: Hex = "0x00000000000000000000000000000000000000a0";
const CHAIN_ID = 31337;

const items: JudgementItem[] = Array.from({ length: 6 }, (_, i) => ({
  index: i,
  name: `item ${i}`,
  url: "",
  payout: `0x${(i + 1).toString(16).padStart(40, "0")}` as Hex,
}));

type Sent = { functionName: string; args: readonly unknown[]; jobKey: string };

/** A scripted round: its state, pairs and events; `send` fails while `failSends` is set. */
function scriptedChain() {
  const state: RoundState = {
    openedAt: 1000n,
    commitEnds: 2000n,
    answerEnds: 3000n,
    revealEnds: 4000n,
    proposeEnds: 5000n,
    itemsRoot: buildItemTree(items).root,
    itemCount: items.length,
    depth: 3,
    sampleSize: 3,
    budget: 100n * WAD,
    scale: 2n * WAD,
    word: 0n,
    answersHash: keccak256("0x"),
    answered: 0,
    quorum: 1,
    listCount: 0,
    revealedCount: 0,
    bestHash: keccak256("0x"),
    bestLoss: WAD,
    finalized: false,
    isVoid: false,
    itemPool: 0n,
    submitterPool: 0n,
    submittersPaid: false,
  };
  const pairs = { a: [0n, 2n, 4n], b: [1n, 3n, 5n] };
  const events: Record<string, { args: Record<string, unknown> }[]> = {};
  const sent: Sent[] = [];
  const chain = {
    state,
    pairs,
    events,
    sent,
    failSends: false,
    emit(name: string, args: Record<string, unknown>) {
      (events[name] ??= []).push({ args });
    },
  };
  const client = {
    readContract: async ({ functionName }: { functionName: string }) => {
      if (functionName === "terms") return [{}, 1n];
      if (functionName === "roundOf")
        return {
          ...state,
          commitWindow: Number(state.commitEnds - state.openedAt),
          answerWindow: Number(state.answerEnds - state.commitEnds),
          revealWindow: Number(state.revealEnds - state.answerEnds),
          proposeWindow: Number(state.proposeEnds - state.revealEnds),
        };
      if (functionName === "pairs") return [pairs.a, pairs.b];
      throw new Error(`unscripted read ${functionName}`);
    },
    getContractEvents: async ({ eventName }: { eventName: string }) => events[eventName] ?? [],
  } as unknown as PublicClient;
  const sender = {
    send: async (p: Sent) => {
      if (chain.failSends) throw new Error("crash: the process died before the transaction was sent");
      sent.push({ functionName: p.functionName, args: p.args, jobKey: p.jobKey });
      return { transactionHash: keccak256(stringToHex(`${sent.length}`)) };
    },
  } as unknown as TxSender;
  return { chain, client, sender };
}

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
    judgement: JUDGEMENT,
    agreement: async () => agreement,
    now: async () => 0n,
  };
}

const agreement = { id: 1n, text: "Fund the items by their credit." } as AgreementRuntime;

/** A simulated model whose allocate calls are counted. */
function countedModel(list: bigint[]): { model: Model; calls: () => number } {
  let calls = 0;
  const inner = new SimulatedModel(testSpec("lister"), { lists: () => list });
  return {
    model: {
      spec: inner.spec,
      forecast: (r) => inner.forecast(r),
      execute: (r) => inner.execute(r),
      validate: (r) => inner.validate(r),
      allocate: (r: AllocateRequest) => {
        calls++;
        return inner.allocate(r);
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

const storePath = () => join(mkdtempSync(join(tmpdir(), "gengov-judgement-node-")), "node.sqlite");

describe("judgement job", () => {
  const list = [1n, 2n, 3n, 4n, 5n, 6n];

  it("test_commit_storesListAndSaltBeforeSending_andACrashResendsTheStoredCommitment", async () => {
    const path = storePath();
    const { chain, client, sender } = scriptedChain();
    const { model, calls } = countedModel(list);
    const candidate = candidateOf(model);
    // First run: the send fails (the process dies between the store and the send).
    chain.failSends = true;
    let store = new Store(path, { chainId: CHAIN_ID, hub: HUB });
    const step = (s: Store, now: bigint) =>
      judgementStep({ ctx: contextOf(s, client, sender), candidate, agreement, now, items });
    await step(store, 1500n).then(
      () => expect.fail("the send should have failed"),
      (e: Error) => expect(e.message).to.match(/crash/),
    );
    const stored = store.getList(1n, 1n, 2n)!;
    expect(stored.status).to.equal("persisted");
    expect(stored.weights.reduce((a, b) => a + b, 0n)).to.equal(WAD);
    expect(stored.commitment).to.equal(
      listCommitment({
        chainId: CHAIN_ID,
        judgement: JUDGEMENT,
        agreementId: 1n,
        round: 1n,
        candidateId: 2n,
        root: stored.root,
        salt: stored.salt,
      }),
    );
    expect(chain.sent).to.have.length(0);
    store.close();
    // Restart: the stored commitment is sent; the model is not asked again, no new salt is drawn.
    chain.failSends = false;
    store = new Store(path, { chainId: CHAIN_ID, hub: HUB });
    const result = await step(store, 1600n);
    expect(result.did).to.deep.equal(["committed"]);
    expect(calls()).to.equal(1);
    expect(chain.sent.map((s) => s.functionName)).to.deep.equal(["commitList"]);
    expect(chain.sent[0].args).to.deep.equal([1n, 1n, 2n, stored.commitment]);
    expect(store.getList(1n, 1n, 2n)).to.deep.include({ salt: stored.salt, status: "committed" });
    // Another tick in the commit window does nothing.
    await step(store, 1700n);
    expect(chain.sent).to.have.length(1);
    store.close();
  });

  it("test_reveal_afterRestart_sendsTheStoredListWithProofsToItsRoot", async () => {
    const path = storePath();
    const { chain, client, sender } = scriptedChain();
    const { model } = countedModel(list);
    const candidate = candidateOf(model);
    let store = new Store(path, { chainId: CHAIN_ID, hub: HUB });
    await judgementStep({ ctx: contextOf(store, client, sender), candidate, agreement, now: 1500n, items });
    const stored = store.getList(1n, 1n, 2n)!;
    store.close();
    chain.emit("ListCommitted", {
      agreementId: 1n,
      round: 1n,
      candidateId: 2n,
      commitment: stored.commitment,
    });
    chain.state.word = 42n;
    const medians = [WAD / 2n, -WAD, 0n];
    chain.emit("AnswersClosed", { agreementId: 1n, round: 1n, medians, isVoid: false });
    // A new process, in the reveal window.
    store = new Store(path, { chainId: CHAIN_ID, hub: HUB });
    const result = await judgementStep({
      ctx: contextOf(store, client, sender),
      candidate,
      agreement,
      now: 3500n,
      items,
    });
    expect(result.did).to.deep.equal(["revealed"]);
    const reveal = chain.sent.find((s) => s.functionName === "revealList")!;
    const [, , , root, salt, sentMedians, weights, proofs] = reveal.args as [
      bigint,
      bigint,
      bigint,
      Hex,
      Hex,
      bigint[],
      bigint[],
      Hex[][],
    ];
    expect(root).to.equal(stored.root);
    expect(salt).to.equal(stored.salt);
    expect(sentMedians).to.deep.equal(medians);
    const slots = [0, 1, 2, 3, 4, 5];
    expect(weights).to.deep.equal(slots.map((i) => stored.weights[i]));
    for (const [k, i] of slots.entries()) {
      const up = sumTreeRoot(BigInt(i), weights[k], proofs[k]);
      expect(up.hash).to.equal(root);
      expect(up.sum).to.equal(WAD);
    }
    expect(store.getList(1n, 1n, 2n)?.status).to.equal("revealed");
    store.close();
  });

  it("test_propose_neverProposesACombinationNotStrictlyBetterThanTheBest", async () => {
    const { chain, client, sender } = scriptedChain();
    const store = new Store(storePath(), { chainId: CHAIN_ID, hub: HUB });
    const ctx = contextOf(store, client, sender);
    const medians = [WAD / 2n, -WAD, 0n];
    // Two revealed lists that err in opposite directions on the sample.
    const revealed = [
      { candidateId: 1n, weights: [WAD / 10n, WAD / 5n, WAD / 5n, WAD / 10n, WAD / 5n, WAD / 5n], loss: 0n },
      { candidateId: 3n, weights: [WAD / 5n, WAD / 5n, WAD / 10n, WAD / 5n, WAD / 10n, WAD / 5n], loss: 0n },
    ];
    for (const l of revealed)
      chain.emit("ListRevealed", { agreementId: 1n, round: 1n, ...l, root: "0x", listUri: "" });
    const solved = solveRound(revealed, medians, chain.state.scale)!;
    const column = (k: number, side: 0 | 1) => medians.map((_, p) => revealed[k].weights[2 * p + side]);
    const ids = solved.candidateIds.map((id) => revealed.findIndex((l) => l.candidateId === id));
    expect(solved.loss).to.equal(
      combinedLoss(
        ids.map((k) => column(k, 0)),
        ids.map((k) => column(k, 1)),
        solved.coefficients,
        medians,
        chain.state.scale,
      ),
    );
    expect(solved.coefficients.reduce((a, b) => a + b, 0n)).to.equal(WAD);
    // The best so far is as good as the solver's: nothing is sent.
    for (const best of [solved.loss, solved.loss - 1n, 0n]) {
      expect(await proposeBest(ctx, 1n, 1n, { ...chain.state, bestLoss: best }, medians)).to.equal(
        "not better",
      );
    }
    expect(chain.sent).to.have.length(0);
    // Strictly better: proposed, with the coefficients and weights the loss was computed on.
    expect(await proposeBest(ctx, 1n, 1n, { ...chain.state, bestLoss: solved.loss + 1n }, medians)).to.equal(
      "proposed",
    );
    expect(chain.sent[0].functionName).to.equal("proposeCombination");
    expect(chain.sent[0].args).to.deep.equal([
      1n,
      1n,
      solved.candidateIds,
      solved.coefficients,
      medians,
      solved.weights,
    ]);
    store.close();
  });
});

describe("judgement job in the node's tick (contract on an in-process chain)", () => {
  it("test_tick_commitsTheOperatedCandidatesList_andItsStoreHoldsTheSalt", async function () {
    this.timeout(120_000);
    const conn = await network.create();
    const f = await deployHub(conn);
    const spec = testSpec("lister");
    const candidateId = await registerWithSpec(f, 4, spec);
    const dir = mkdtempSync(join(tmpdir(), "gengov-judgement-tick-"));
    const specPath = join(dir, "spec.json");
    writeFileSync(specPath, JSON.stringify(spec));
    const itemsPath = join(dir, "items.json");
    writeFileSync(itemsPath, JSON.stringify(items));
    const randomness = await conn.viem.deployContract("PrevRandaoRandomness");
    await f.judgement.write.configure([
      f.agreementId,
      {
        itemsRoot: buildItemTree(items).root,
        itemCount: items.length,
        sampleSize: 4,
        maxFlags: 0,
        commitWindow: 600,
        answerWindow: 600,
        revealWindow: 600,
        proposeWindow: 600,
        budget: 0n,
        submitterShare: 2n * 10n ** 17n,
        scale: 2n * WAD,
        flagBond: 0n,
        flagReward: 0n,
        randomness: randomness.address,
      },
      itemsPath,
    ]);
    await f.judgement.write.openRound([f.agreementId]);
    const node = await makeNode(f, conn.provider as unknown as EIP1193Provider, {
      walletIndex: 4,
      candidates: [{ candidateId, spec, specPath }],
      createModel: (s) => new SimulatedModel(s, { lists: () => [1n, 2n, 3n, 4n, 5n, 6n] }),
      store: join(dir, "node.sqlite"),
    });
    await node.tick();
    const row = node.ctx.store.getList(f.agreementId, 1n, candidateId);
    expect(row?.status).to.equal("committed");
    const [commitment] = await f.judgement.read.listOf([f.agreementId, 1n, candidateId]);
    expect(commitment).to.equal(row!.commitment);
    expect(
      await f.judgement.read.listCommitment([f.agreementId, 1n, candidateId, row!.root, row!.salt]),
    ).to.equal(row!.commitment);
    await node.stop();
  });
});
