/**
 * Distilled human judgement rounds (IGengovJudgement), one step per tick for every candidate the node
 * operates on an agreement with judgement terms:
 *
 * - commit window: ask the model for a full list (a weight per item), normalise it to WAD summing to
 *   1e18, build its sum tree, draw a 32-byte CSPRNG salt, and store list, root and salt durably
 *   before `commitList` is sent; a crash after the store and before the send recovers by sending the
 *   stored commitment (never a new salt);
 * - after the commit window: draw the sample if nobody has (anyone may);
 * - after the answer window: close the answers with every juror's answers (from `PairsAnswered`) if
 *   nobody has (the keeper);
 * - reveal window: reveal the list's weights on the sampled pairs with their sum-tree proofs and the
 *   medians of `AnswersClosed`;
 * - proposal window: run the solver over the revealed lists (`ListRevealed`) and propose the
 *   combination when its loss is strictly below the round's best (never a worse or equal one);
 * - after it: finalize the round with the best combination's lists (the keeper).
 *
 * Jurors (the agreement's reporters) answer with `gengov judgement answer`; items are paid with
 * `gengov judgement claim`. Every step re-reads the round first; a race lost to another node is a
 * warning, not an error.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { toHex, type Hex } from "viem";

import { gengovJudgementAbi } from "../chain/abis.js";
import { BaseError } from "../errors/BaseError.js";
import { buildItemTree, parseItems, type JudgementItem } from "../judgement/itemTree.js";
import { listCommitment } from "../judgement/terms.js";
import { modelFaultFields } from "../models/faults.js";
import type { AgreementRuntime, CandidateRuntime, NodeContext } from "../node/context.js";
import { judgement as judgementContract } from "../protocol/contracts.js";
import { crashPoint } from "../node/crashPoints.js";
import { combinedLoss } from "../scoring/judgement.js";
import { solveCoefficients } from "../scoring/judgementSolver.js";
import { buildSumTree } from "../scoring/sumTree.js";
import type { ListRow } from "../store/Store.js";

/**
 * A round as the node reads it: `roundOf`'s fields with the ends of its windows, which follow one
 * another from `openedAt` (commits, answers, reveals, proposals).
 */
export type RoundState = {
  openedAt: bigint;
  commitEnds: bigint;
  answerEnds: bigint;
  revealEnds: bigint;
  proposeEnds: bigint;
  itemsRoot: Hex;
  itemCount: number;
  depth: number;
  sampleSize: number;
  budget: bigint;
  scale: bigint;
  word: bigint;
  answersHash: Hex;
  answered: number;
  quorum: number;
  listCount: number;
  revealedCount: number;
  bestHash: Hex;
  bestLoss: bigint;
  finalized: boolean;
  isVoid: boolean;
  itemPool: bigint;
  submitterPool: bigint;
  submittersPaid: boolean;
};

/** The fields of `roundOf` the node reads (windows as durations). */
export type StoredRound = Omit<
  RoundState,
  "openedAt" | "commitEnds" | "answerEnds" | "revealEnds" | "proposeEnds"
> & {
  openedAt: number | bigint;
  commitWindow: number;
  answerWindow: number;
  revealWindow: number;
  proposeWindow: number;
};

/** A stored round with the ends of its windows. */
export function toRoundState(r: StoredRound): RoundState {
  const openedAt = BigInt(r.openedAt);
  const commitEnds = openedAt + BigInt(r.commitWindow);
  const answerEnds = commitEnds + BigInt(r.answerWindow);
  const revealEnds = answerEnds + BigInt(r.revealWindow);
  return {
    ...r,
    openedAt,
    commitEnds,
    answerEnds,
    revealEnds,
    proposeEnds: revealEnds + BigInt(r.proposeWindow),
  };
}

/** A revealed list: its candidate and its weights on the sample ([w(a0), w(b0), w(a1), …]). */
export type RevealedList = { candidateId: bigint; weights: bigint[]; loss: bigint };

/** The round's best combination so far (the last `CombinationProposed`), if any. */
export type Combination = { candidateIds: bigint[]; coefficients: bigint[]; loss: bigint };

/** What the reads need: a client and the judgement contract (a NodeContext, or the CLI's). */
export type JudgementReader = { client: NodeContext["client"]; judgement?: Hex };

const judgementOf = (ctx: JudgementReader): Hex => {
  if (!ctx.judgement || BigInt(ctx.judgement) === 0n) {
    throw new BaseError("the hub has no judgement contract attached", { expected: true });
  }
  return ctx.judgement;
};

/** The judgement contract's typed calls. */
const contract = (r: JudgementReader) => judgementContract({ client: r.client, judgement: judgementOf(r) });

/** Event filter of one round (or of every round when `round` is undefined). */
const base = (r: JudgementReader) => ({
  address: judgementOf(r),
  abi: gengovJudgementAbi,
  fromBlock: 0n,
  strict: true as const,
});

/** The agreement's terms and rounds opened so far (rounds 0: no round, or no terms). */
export async function judgementTerms(r: JudgementReader, agreementId: bigint) {
  const [params, rounds] = await contract(r).read("terms", [agreementId]);
  return { params, rounds };
}

/** A round's state. */
export async function roundState(
  r: JudgementReader,
  agreementId: bigint,
  round: bigint,
): Promise<RoundState> {
  return toRoundState(await contract(r).read("roundOf", [agreementId, round]));
}

/** The sampled pairs of a drawn round. */
export async function samplePairsOf(
  r: JudgementReader,
  agreementId: bigint,
  round: bigint,
): Promise<{ a: bigint[]; b: bigint[] }> {
  const [a, b] = await contract(r).read("pairs", [agreementId, round]);
  return { a: [...a], b: [...b] };
}

/** The candidates that committed a list in the round, in commit order. */
export async function committedCandidates(r: JudgementReader, agreementId: bigint, round: bigint) {
  const logs = await r.client.getContractEvents({
    ...base(r),
    eventName: "ListCommitted",
    args: { agreementId, round },
  });
  return logs.map((l) => l.args.candidateId);
}

/** Every juror's answers, in the order they answered (what closeAnswers takes). */
export async function jurorAnswers(r: JudgementReader, agreementId: bigint, round: bigint) {
  const logs = await r.client.getContractEvents({
    ...base(r),
    eventName: "PairsAnswered",
    args: { agreementId, round },
  });
  return logs.map((l) => ({ juror: l.args.juror, lnRatios: [...l.args.lnRatios] }));
}

/** The jury's medians, once the answers are closed (undefined before). */
export async function closedMedians(
  r: JudgementReader,
  agreementId: bigint,
  round: bigint,
): Promise<{ medians: bigint[]; isVoid: boolean } | undefined> {
  const [closed] = await r.client.getContractEvents({
    ...base(r),
    eventName: "AnswersClosed",
    args: { agreementId, round },
  });
  if (!closed) return undefined;
  return { medians: [...closed.args.medians], isVoid: closed.args.isVoid };
}

/** Every revealed list of a round, in reveal order, with its root and published list URI. */
export async function revealedLists(
  r: JudgementReader,
  agreementId: bigint,
  round: bigint,
): Promise<(RevealedList & { root: Hex; listUri: string })[]> {
  const logs = await r.client.getContractEvents({
    ...base(r),
    eventName: "ListRevealed",
    args: { agreementId, round },
  });
  return logs.map((l) => ({
    candidateId: l.args.candidateId,
    weights: [...l.args.weights],
    loss: l.args.loss,
    root: l.args.root,
    listUri: l.args.listUri,
  }));
}

/**
 * The round's best combination: the last `CombinationProposed` (each is strictly better than the
 * one before), else the best single revealed list with coefficient 1e18 (the lowest loss, the
 * earliest on ties), as the contract keeps it; undefined when no list was revealed.
 */
export async function bestCombination(
  r: JudgementReader,
  agreementId: bigint,
  round: bigint,
): Promise<Combination | undefined> {
  const last = (
    await r.client.getContractEvents({
      ...base(r),
      eventName: "CombinationProposed",
      args: { agreementId, round },
    })
  ).at(-1);
  if (last) {
    return {
      candidateIds: [...last.args.candidateIds],
      coefficients: [...last.args.coefficients],
      loss: last.args.loss,
    };
  }
  let best: RevealedList | undefined;
  for (const l of await revealedLists(r, agreementId, round)) if (!best || l.loss < best.loss) best = l;
  return best && { candidateIds: [best.candidateId], coefficients: [WAD], loss: best.loss };
}

const WAD = 10n ** 18n;

/** Items already paid in the round, and whether the submitters were credited. */
export async function payoutsOf(r: JudgementReader, agreementId: bigint, round: bigint) {
  const [items, submitters] = await Promise.all([
    r.client.getContractEvents({ ...base(r), eventName: "ItemPaid", args: { agreementId, round } }),
    r.client.getContractEvents({ ...base(r), eventName: "SubmitterPaid", args: { agreementId, round } }),
  ]);
  return {
    items: new Map(items.map((l) => [Number(l.args.item), l.args.amount])),
    submittersPaid: submitters.length > 0,
  };
}

/** The items URI of the agreement's latest configuration. */
async function itemsUriOf(r: JudgementReader, agreementId: bigint): Promise<string | undefined> {
  const logs = await r.client.getContractEvents({
    ...base(r),
    eventName: "JudgementConfigured",
    args: { agreementId },
  });
  return logs.at(-1)?.args.itemsUri;
}

/**
 * The item list of an agreement's terms: read from `path` when given (the candidate's
 * `judgementItems`), else from the `itemsUri` of its latest `JudgementConfigured` (a file path, a
 * file: URL or an http(s) URL), and checked against the terms' item root.
 * @throws BaseError when the list cannot be read or its root is not the terms'.
 */
export async function loadItems(
  ctx: JudgementReader,
  agreementId: bigint,
  itemsRoot: Hex,
  path?: string,
): Promise<JudgementItem[]> {
  const uri = path ?? (await itemsUriOf(ctx, agreementId));
  if (uri === undefined)
    throw new BaseError(`agreement ${agreementId}: no JudgementConfigured event`, { expected: true });
  let text: string;
  if (/^https?:\/\//.test(uri)) {
    const response = await fetch(uri);
    if (!response.ok) throw new BaseError(`items ${uri}: HTTP ${response.status}`);
    text = await response.text();
  } else {
    text = readFileSync(uri.startsWith("file:") ? fileURLToPath(uri) : uri, "utf8");
  }
  const items = parseItems(JSON.parse(text), uri);
  const root = buildItemTree(items).root;
  if (root.toLowerCase() !== itemsRoot.toLowerCase()) {
    throw new BaseError(`items ${uri}: root ${root} is not the terms' item root ${itemsRoot}`);
  }
  return items;
}

/** The weights and sum-tree proofs a reveal sends: per pair, a then b. */
export function revealArguments(
  weights: readonly bigint[],
  pairs: { a: readonly bigint[]; b: readonly bigint[] },
) {
  const tree = buildSumTree(weights);
  const slots = pairs.a.flatMap((a, i) => [Number(a), Number(pairs.b[i])]);
  return { root: tree.root, weights: slots.map((i) => weights[i]), proofs: slots.map((i) => tree.proof(i)) };
}

/**
 * The best simplex combination of the revealed lists on the jury's answers (the solver), with its
 * zero coefficients dropped and its lists in increasing candidate order, and its loss as the
 * contract computes it.
 */
export function solveRound(lists: readonly RevealedList[], medians: readonly bigint[], scale: bigint) {
  const sorted = [...lists].sort((x, y) => (x.candidateId < y.candidateId ? -1 : 1));
  if (sorted.length === 0) return undefined;
  const wA = sorted.map((l) => medians.map((_, p) => l.weights[2 * p]));
  const wB = sorted.map((l) => medians.map((_, p) => l.weights[2 * p + 1]));
  const { coefficients } = solveCoefficients({ wA, wB, lnR: [...medians], scale });
  const kept = sorted.map((l, k) => ({ l, k, c: coefficients[k] })).filter((x) => x.c > 0n);
  const loss = combinedLoss(
    kept.map((x) => wA[x.k]),
    kept.map((x) => wB[x.k]),
    kept.map((x) => x.c),
    [...medians],
    scale,
  );
  return {
    candidateIds: kept.map((x) => x.l.candidateId),
    coefficients: kept.map((x) => x.c),
    weights: kept.map((x) => x.l.weights),
    loss,
  };
}

export type JudgementStepParameters = {
  ctx: NodeContext;
  candidate: CandidateRuntime;
  agreement: AgreementRuntime;
  now: bigint;
  /** Items instead of loading them from the terms' itemsUri (the demo, tests). */
  items?: JudgementItem[];
  /** Do the permissionless steps too (draw, close, propose, finalize). */
  keeper?: boolean;
};

export type JudgementStepReturnType = {
  round: bigint;
  did: ("committed" | "drew" | "closed" | "revealed" | "proposed" | "finalized" | "missed" | "abstained")[];
};

/** Whether an error is a window or state race another node won (a warning, not an error). */
function lostRace(error: unknown): boolean {
  const name = (error as { errorName?: string }).errorName;
  return (
    name === "RoundWindowClosed" ||
    name === "RoundAlreadyFinalized" ||
    name === "CombinationNotBetter" ||
    name === "ListAlreadyRevealed" ||
    name === "AnswersAlreadyClosed"
  );
}

/** Commits the candidate's list for `round` (store first, then send; idempotent). */
export async function commitList(
  p: JudgementStepParameters & { round: bigint; itemCount: number },
): Promise<"committed" | "already" | "abstained"> {
  const { ctx, candidate, agreement, round } = p;
  const { agreementId, candidateId } = candidate;
  const log = ctx.log.child({ at: "judgement.commit", agreementId, candidateId, round });
  let row: ListRow | undefined = ctx.store.getList(agreementId, round, candidateId);
  if (row && row.status !== "persisted") return "already";
  if (!row) {
    const model = candidate.model;
    if (!model.allocate) {
      log.warn({ at: "judgement.commit", msg: "the model has no allocate capability: no list this round" });
      return "abstained";
    }
    const items =
      p.items ??
      (await loadItems(
        ctx,
        agreementId,
        (await roundState(ctx, agreementId, round)).itemsRoot,
        candidate.config?.judgementItems,
      ));
    if (items.length !== p.itemCount) {
      throw new BaseError(`round ${round}: ${items.length} items loaded for ${p.itemCount} in the round`);
    }
    let weights: bigint[];
    let rationale: string;
    try {
      const answer = await model.allocate({
        agreementId,
        round,
        agreementText: agreement.text,
        items: items.map(({ index, name, url }) => ({ index, name, url })),
      });
      ctx.metrics.model(answer.latencyMs, answer.usage?.totalTokens ?? 0);
      weights = answer.weights;
      rationale = answer.rationale;
    } catch (error) {
      log.warn({
        at: "judgement.commit",
        msg: `model failed, retrying next tick: ${(error as Error).message.split("\n")[0]}`,
        ...modelFaultFields(error),
      });
      return "abstained";
    }
    const tree = buildSumTree(weights);
    const salt = toHex(randomBytes(32));
    const commitment = listCommitment({
      chainId: ctx.chainId,
      judgement: judgementOf(ctx),
      agreementId,
      round,
      candidateId,
      root: tree.root,
      salt,
    });
    // Durable before the transaction exists: a crash from here on still reveals this list.
    ctx.store.insertList({
      agreementId,
      round,
      candidateId,
      weights,
      root: tree.root,
      salt,
      commitment,
      rationale,
    });
    crashPoint("afterListPersist");
    row = ctx.store.getList(agreementId, round, candidateId)!;
  } else {
    const committed = await committedCandidates(ctx, agreementId, round);
    if (committed.includes(candidateId)) {
      ctx.store.setListStatus(agreementId, round, candidateId, "committed");
      return "already";
    }
  }
  const receipt = await ctx.sender.send({
    jobKey: `listCommit:${agreementId}:${round}:${candidateId}`,
    address: judgementOf(ctx),
    abi: gengovJudgementAbi,
    functionName: "commitList",
    args: [agreementId, round, candidateId, row.commitment],
  });
  ctx.store.setListStatus(agreementId, round, candidateId, "committed");
  log.info({ at: "judgement.commit", msg: "committed", tx: receipt.transactionHash });
  return "committed";
}

/** Reveals the candidate's stored list on the sample. */
export async function revealList(
  p: JudgementStepParameters & { round: bigint; row: ListRow; medians: bigint[] },
): Promise<"revealed" | "already"> {
  const { ctx, row, round } = p;
  const { agreementId, candidateId } = row;
  const revealed = await revealedLists(ctx, agreementId, round);
  if (revealed.some((l) => l.candidateId === candidateId)) {
    ctx.store.setListStatus(agreementId, round, candidateId, "revealed");
    return "already";
  }
  const pairs = await samplePairsOf(ctx, agreementId, round);
  const reveal = revealArguments(row.weights, pairs);
  if (reveal.root.toLowerCase() !== row.root.toLowerCase()) {
    throw new BaseError(
      `round ${round}: the stored list's root ${reveal.root} is not the committed ${row.root}`,
    );
  }
  const listUri = listDataUri(row.weights);
  const receipt = await ctx.sender.send({
    jobKey: `listReveal:${agreementId}:${round}:${candidateId}`,
    address: judgementOf(ctx),
    abi: gengovJudgementAbi,
    functionName: "revealList",
    args: [
      agreementId,
      round,
      candidateId,
      row.root,
      row.salt,
      p.medians,
      reveal.weights,
      reveal.proofs,
      listUri,
    ],
  });
  ctx.store.setListStatus(agreementId, round, candidateId, "revealed");
  ctx.log.info({
    at: "judgement.reveal",
    agreementId,
    candidateId,
    round,
    msg: "revealed",
    tx: receipt.transactionHash,
  });
  return "revealed";
}

/**
 * Proposes the solver's combination when it is strictly better than the round's best.
 * @returns "proposed", or "not better" when the best already fits as well or better.
 */
export async function proposeBest(
  ctx: NodeContext,
  agreementId: bigint,
  round: bigint,
  state: RoundState,
  medians: bigint[],
): Promise<"proposed" | "not better" | "no lists"> {
  const solved = await bestProposal(ctx, agreementId, round, state, medians);
  if (typeof solved === "string") return solved;
  await ctx.sender.send({
    jobKey: `propose:${agreementId}:${round}`,
    address: judgementOf(ctx),
    abi: gengovJudgementAbi,
    functionName: "proposeCombination",
    args: [agreementId, round, solved.candidateIds, solved.coefficients, medians, solved.weights],
  });
  return "proposed";
}

/**
 * The solver's combination of the revealed lists, or why there is none to propose: "no lists", or
 * "not better" when its loss is not strictly below the round's best.
 */
export async function bestProposal(
  reader: JudgementReader,
  agreementId: bigint,
  round: bigint,
  state: RoundState,
  medians: bigint[],
) {
  const lists = await revealedLists(reader, agreementId, round);
  const solved = solveRound(lists, medians, state.scale);
  if (!solved) return "no lists" as const;
  if (solved.loss >= state.bestLoss) return "not better" as const;
  return solved;
}

/** The arguments of `closeAnswers` after `round`'s answer window: every juror's answers, by address. */
export async function closeAnswersArgs(reader: JudgementReader, agreementId: bigint, round: bigint) {
  // The contract takes every juror once, in increasing address order.
  const answered = (await jurorAnswers(reader, agreementId, round)).sort((x, y) =>
    BigInt(x.juror) < BigInt(y.juror) ? -1 : 1,
  );
  return [agreementId, round, answered.map((a) => a.juror), answered.map((a) => a.lnRatios)] as const;
}

/** Closes the answers with every juror's answers, in the order they answered. */
export async function closeAnswers(ctx: NodeContext, agreementId: bigint, round: bigint) {
  await ctx.sender.send({
    jobKey: `closeAnswers:${agreementId}:${round}`,
    address: judgementOf(ctx),
    abi: gengovJudgementAbi,
    functionName: "closeAnswers",
    args: await closeAnswersArgs(ctx, agreementId, round),
  });
}

/**
 * The arguments of `finalizeRound`: the best combination, the medians and the combination's lists'
 * revealed weights (all empty for a void round or one with no revealed list).
 */
export async function finalizeArgs(reader: JudgementReader, agreementId: bigint, round: bigint) {
  const closed = await closedMedians(reader, agreementId, round);
  const best = closed && !closed.isVoid ? await bestCombination(reader, agreementId, round) : undefined;
  if (!closed || closed.isVoid || !best) return [agreementId, round, [], [], [], []] as const;
  const lists = await revealedLists(reader, agreementId, round);
  const weights = best.candidateIds.map((id) => lists.find((l) => l.candidateId === id)!.weights);
  return [agreementId, round, best.candidateIds, best.coefficients, closed.medians, weights] as const;
}

/** Finalizes the round with the best combination's lists' revealed weights. */
export async function finalizeRound(ctx: NodeContext, agreementId: bigint, round: bigint) {
  await ctx.sender.send({
    jobKey: `finalizeRound:${agreementId}:${round}`,
    address: judgementOf(ctx),
    abi: gengovJudgementAbi,
    functionName: "finalizeRound",
    args: await finalizeArgs(ctx, agreementId, round),
  });
}

/**
 * One step of the candidate's latest round: whatever its windows allow now (see the file comment).
 * @returns The round and what was done.
 */
export async function judgementStep(p: JudgementStepParameters): Promise<JudgementStepReturnType> {
  const { ctx, candidate, now } = p;
  const { agreementId, candidateId } = candidate;
  const { rounds } = await judgementTerms(ctx, agreementId);
  const did: JudgementStepReturnType["did"] = [];
  if (rounds === 0n) return { round: 0n, did };
  const round = rounds;
  const step = async (what: JudgementStepReturnType["did"][number], run: () => Promise<unknown>) => {
    try {
      const result = await run();
      if (result !== "already" && result !== "not better" && result !== "no lists") did.push(what);
      if (result === "abstained") did.splice(did.indexOf(what), 1, "abstained");
    } catch (error) {
      if (!lostRace(error)) throw error;
      ctx.log.warn({ at: `judgement.${what}`, agreementId, round, msg: `another node got there first` });
    }
  };
  let state = await roundState(ctx, agreementId, round);
  if (state.finalized) return { round, did };
  if (now < state.commitEnds) {
    await step("committed", () => commitList({ ...p, round, itemCount: state.itemCount }));
    return { round, did };
  }
  const row = ctx.store.getList(agreementId, round, candidateId);
  if (row?.status === "persisted") {
    // The commit was sent (or not) before the window closed: the chain says which.
    const mine = (await committedCandidates(ctx, agreementId, round)).includes(candidateId);
    ctx.store.setListStatus(agreementId, round, candidateId, mine ? "committed" : "missed");
  }
  if (state.word === 0n && (p.keeper || row)) {
    await step("drew", () =>
      ctx.sender.send({
        jobKey: `drawSample:${agreementId}:${round}`,
        address: judgementOf(ctx),
        abi: gengovJudgementAbi,
        functionName: "drawSample",
        args: [agreementId, round],
      }),
    );
    state = await roundState(ctx, agreementId, round);
  }
  if (now < state.answerEnds) return { round, did };
  let closed = await closedMedians(ctx, agreementId, round);
  if (!closed && p.keeper) {
    await step("closed", () => closeAnswers(ctx, agreementId, round));
    closed = await closedMedians(ctx, agreementId, round);
  }
  if (!closed) {
    // Answers never closed: the round ends void after its proposal window.
    if (p.keeper && now >= state.proposeEnds)
      await step("finalized", () => finalizeRound(ctx, agreementId, round));
    return { round, did };
  }
  const mine = ctx.store.getList(agreementId, round, candidateId);
  if (closed.isVoid) {
    if (mine && mine.status !== "revealed")
      ctx.store.setListStatus(agreementId, round, candidateId, "missed");
  } else if (mine?.status === "committed") {
    if (now < state.revealEnds) {
      await step("revealed", () => revealList({ ...p, round, row: mine, medians: closed.medians }));
    } else {
      ctx.store.setListStatus(agreementId, round, candidateId, "missed");
      did.push("missed");
      ctx.log.warn({
        at: "judgement.reveal",
        agreementId,
        candidateId,
        round,
        msg: "reveal window closed without this list's reveal",
      });
    }
  }
  if (!p.keeper) return { round, did };
  if (!closed.isVoid && now >= state.revealEnds && now < state.proposeEnds) {
    await step("proposed", () => proposeBest(ctx, agreementId, round, state, closed.medians));
  }
  // A void round ends as soon as its answers are closed; any other after the proposal window.
  if (closed.isVoid || now >= state.proposeEnds)
    await step("finalized", () => finalizeRound(ctx, agreementId, round));
  return { round, did };
}

/** The data: URI a reveal publishes its full list under (the weights as decimal strings). */
export function listDataUri(weights: readonly bigint[]): string {
  return `data:application/json,${encodeURIComponent(JSON.stringify(weights.map(String)))}`;
}

/**
 * Reads a published full list: a data: URI (as the node publishes), a file path or file: URL, or an
 * http(s) URL holding a JSON array of decimal weights.
 */
export async function readFullList(uri: string): Promise<bigint[]> {
  let text: string;
  if (uri.startsWith("data:")) {
    const comma = uri.indexOf(",");
    text = decodeURIComponent(uri.slice(comma + 1));
  } else if (/^https?:\/\//.test(uri)) {
    const response = await fetch(uri);
    if (!response.ok) throw new BaseError(`list ${uri}: HTTP ${response.status}`);
    text = await response.text();
  } else {
    text = readFileSync(uri.startsWith("file:") ? fileURLToPath(uri) : uri, "utf8");
  }
  const parsed = JSON.parse(text) as unknown;
  if (!Array.isArray(parsed) || !parsed.every((w) => typeof w === "string" && /^\d+$/.test(w))) {
    throw new BaseError(`list ${uri.slice(0, 80)}: not a JSON array of decimal weights`);
  }
  return parsed.map((w: string) => BigInt(w));
}

/** The best combination's full lists, read from their reveals' list URIs and checked against their roots. */
export async function combinationLists(reader: JudgementReader, agreementId: bigint, round: bigint) {
  const best = await bestCombination(reader, agreementId, round);
  if (!best) return undefined;
  const reveals = await revealedLists(reader, agreementId, round);
  const trees = await Promise.all(
    best.candidateIds.map(async (id) => {
      const reveal = reveals.find((l) => l.candidateId === id);
      if (!reveal) throw new BaseError(`round ${round}: candidate ${id}'s list was not revealed`);
      const weights = await readFullList(reveal.listUri);
      const tree = buildSumTree(weights);
      if (tree.root.toLowerCase() !== reveal.root.toLowerCase()) {
        throw new BaseError(`round ${round}: candidate ${id}'s published list does not match its root`);
      }
      return { weights, tree };
    }),
  );
  return { ...best, lists: trees };
}

/** The arguments of `claimItem` for one item, from the best combination's full lists. */
export function claimItemArgs(
  agreementId: bigint,
  round: bigint,
  item: JudgementItem,
  items: readonly JudgementItem[],
  combination: NonNullable<Awaited<ReturnType<typeof combinationLists>>>,
) {
  const itemTree = buildItemTree(items);
  return [
    agreementId,
    round,
    BigInt(item.index),
    item.payout,
    itemTree.proof(item.index),
    combination.candidateIds,
    combination.coefficients,
    combination.lists.map((l) => l.weights[item.index]),
    combination.lists.map((l) => l.tree.proof(item.index)),
  ] as const;
}

/** An item's share of the item pool under the combined list (what `claimItem` pays, before dust). */
export function itemShare(
  itemPool: bigint,
  combination: { coefficients: readonly bigint[]; lists: readonly { weights: readonly bigint[] }[] },
  index: number,
): bigint {
  const w =
    combination.lists.reduce((sum, l, k) => sum + combination.coefficients[k] * l.weights[index], 0n) /
    10n ** 18n;
  return (itemPool * w) / 10n ** 18n;
}
