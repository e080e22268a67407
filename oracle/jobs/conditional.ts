/**
 * Conditional forecasts that decide (futarchy mode, IGengovConditional), one step per tick for every
 * candidate the node operates on an agreement whose epochs have a decision:
 *
 * - commit window of decision epoch e ([start(e), end(e) − revealWindow)): read the epoch's option
 *   labels (the terms' `TermsSet`, then `OptionProposed`) and check them against the contract's
 *   option set hash, ask the model for a forecast of every metric under each option
 *   (`forecastOptions`), draw a 32-byte CSPRNG salt, and store forecasts, labels, option set hash and
 *   salt durably before `commit` is sent; a crash after the store and before the send recovers by
 *   sending the stored commitment (never a new salt, never a second model call);
 * - reveal window ([end(e) − revealWindow, end(e))): reveal the stored forecasts with the salt,
 *   after a restart too (the stored row is all it needs);
 * - keeper: `decide` once the epoch has ended (not under advisory terms, where the arbiter chooses),
 *   and `score` once the scored epoch's outcome is final and the transition was finalized (or can no
 *   longer be); `ScoringNotReady` and `RosterFrozen` mean "later" and are retried quietly.
 *
 * The executor side is `decidedOption`: proposeTransition calls it for the epoch it executes, and a
 * transition of an epoch with a decision carries the option taken (`proposeDecidedTransition`).
 * Every step re-reads the chain first; a race lost to another node is a warning, not an error.
 */
import { randomBytes } from "node:crypto";

import { decodeAbiParameters, getAbiItem, toHex, type Hex } from "viem";

import { gengovConditionalAbi } from "../chain/abis.js";
import { BaseError } from "../errors/BaseError.js";
import { modelFaultFields } from "../models/faults.js";
import type { TransitionDecision } from "../models/types.js";
import { epochAt, epochEnd, epochStart } from "../node/clock.js";
import type { AgreementRuntime, CandidateRuntime, NodeContext } from "../node/context.js";
import { crashPoint } from "../node/crashPoints.js";
import { conditional as conditionalContract, hub } from "../protocol/contracts.js";
import { conditionalCommitment, flattenForecasts, optionSetHash } from "../scoring/conditional.js";
import type { ConditionalRow } from "../store/Store.js";
import { recentHistory } from "./history.js";

/** What the reads need: a client and the conditional contract (a NodeContext, or the CLI's). */
export type ConditionalReader = { client: NodeContext["client"]; conditional?: Hex };

/** Decision status names, in the contract's enum order. */
export const DECISION_STATUS = ["Open", "Decided", "Scored", "Void"] as const;

const conditionalOf = (r: ConditionalReader): Hex => {
  if (!r.conditional || BigInt(r.conditional) === 0n) {
    throw new BaseError("the hub has no conditional-forecast contract attached", { expected: true });
  }
  return r.conditional;
};

/** The conditional contract's typed calls. */
export const conditionalCalls = (r: ConditionalReader) =>
  conditionalContract({ client: r.client, conditional: conditionalOf(r) });

const events = (r: ConditionalReader) => ({
  address: conditionalOf(r),
  abi: gengovConditionalAbi,
  fromBlock: 0n,
  strict: true as const,
});

const configureInputs = getAbiItem({ abi: gengovConditionalAbi, name: "configure" }).inputs;

/** The terms that apply to `epoch` (labels included, from their `TermsSet`), or undefined. */
export async function termsOf(r: ConditionalReader, agreementId: bigint, epoch: bigint) {
  const [found, version, stored] = await conditionalCalls(r).read("termsAt", [agreementId, epoch]);
  if (!found) return undefined;
  const [set] = await r.client.getContractEvents({
    ...events(r),
    eventName: "TermsSet",
    args: { agreementId, version },
  });
  if (!set) throw new BaseError(`agreement ${agreementId}: no TermsSet event for version ${version}`);
  const [, terms] = decodeAbiParameters(configureInputs, set.args.configuration);
  return { version, terms: { ...stored, options: [...terms.options] } };
}

/**
 * The option labels of decision epoch `epoch`, in option order: the terms' fixed labels, then the
 * proposals (`OptionProposed`) by index; checked against the contract's option set hash.
 * @throws BaseError when the labels read do not hash to the contract's option set.
 */
export async function optionLabels(
  r: ConditionalReader,
  agreementId: bigint,
  epoch: bigint,
  fixed?: readonly string[],
): Promise<{ labels: string[]; setHash: Hex }> {
  const base = fixed ?? (await termsOf(r, agreementId, epoch))?.terms.options ?? [];
  const proposed = await r.client.getContractEvents({
    ...events(r),
    eventName: "OptionProposed",
    args: { agreementId, epoch },
  });
  const labels = [...base];
  for (const p of [...proposed].sort((a, b) => a.args.index - b.args.index))
    labels[p.args.index] = p.args.label;
  const [, setHash] = await conditionalCalls(r).read("optionSet", [agreementId, epoch]);
  if (labels.some((l) => l === undefined) || optionSetHash(labels) !== setHash) {
    throw new BaseError(
      `epoch ${epoch}: the option labels read do not hash to the contract's option set ${setHash}`,
      { expected: true },
    );
  }
  return { labels, setHash };
}

/** An epoch's decision record. */
export async function decisionRecord(r: ConditionalReader, agreementId: bigint, epoch: bigint) {
  return conditionalCalls(r).read("decision", [agreementId, epoch]);
}

/** The `Decided` event of an epoch (its objectives), if decided. */
export async function decidedEvent(r: ConditionalReader, agreementId: bigint, epoch: bigint) {
  const [decided] = await r.client.getContractEvents({
    ...events(r),
    eventName: "Decided",
    args: { agreementId, epoch },
  });
  return decided?.args;
}

/** Every revealed forecast of an epoch, `forecasts[option][metric]`, by candidate, in reveal order. */
export async function revealedForecasts(
  r: ConditionalReader,
  agreementId: bigint,
  epoch: bigint,
  metricCount: number,
) {
  const logs = await r.client.getContractEvents({
    ...events(r),
    eventName: "ConditionalRevealed",
    args: { agreementId, epoch },
  });
  return logs.map((l) => ({
    candidateId: l.args.candidateId,
    forecasts: unflatten(l.args.forecasts, metricCount),
  }));
}

/** The losses of a scored epoch by candidate (undefined before it is scored). */
export async function scoredLosses(r: ConditionalReader, agreementId: bigint, epoch: bigint) {
  const [scored] = await r.client.getContractEvents({
    ...events(r),
    eventName: "ConditionalScored",
    args: { agreementId, epoch },
  });
  if (!scored) return undefined;
  return scored.args.candidateIds.map((id, i) => ({ candidateId: id, loss: scored.args.losses[i] }));
}

/** An option-major flat vector as `[option][metric]`. */
export function unflatten(flat: readonly bigint[], metricCount: number): bigint[][] {
  const rows: bigint[][] = [];
  for (let i = 0; i < flat.length; i += metricCount) rows.push(flat.slice(i, i + metricCount));
  return rows;
}

/** Whether an error is a window or state race another node won (a warning, not an error). */
function lostRace(error: unknown): boolean {
  const name = (error as { errorName?: string }).errorName;
  return name === "AlreadyDecided" || name === "AlreadyRevealed" || name === "ConditionalWindowClosed";
}

/** Errors of `commit` that mean this candidate takes no place now: retried while the window lasts. */
function noPlace(error: unknown): boolean {
  const name = (error as { errorName?: string }).errorName;
  return name === "NotEligible" || name === "ForecasterLimitReached";
}

/** Errors of `score` that mean "not yet": retried at a later tick, quietly. */
function notYet(error: unknown): boolean {
  const name = (error as { errorName?: string }).errorName;
  return name === "ScoringNotReady" || name === "RosterFrozen";
}

export type ConditionalStepParameters = {
  ctx: NodeContext;
  candidate: CandidateRuntime;
  agreement: AgreementRuntime;
  now: bigint;
  /** Do the permissionless steps too (decide, score). */
  keeper?: boolean;
};

export type ConditionalStepReturnType = {
  did: ("committed" | "revealed" | "missed" | "decided" | "scored" | "abstained")[];
};

/** Commits the candidate's conditional forecasts of `epoch` (store first, then send; idempotent). */
export async function commitConditional(
  p: ConditionalStepParameters & { epoch: bigint; labels: string[]; setHash: Hex; horizon: bigint },
): Promise<"committed" | "already" | "abstained" | "not eligible"> {
  const { ctx, candidate, agreement, epoch } = p;
  const { agreementId, candidateId } = candidate;
  const log = ctx.log.child({ at: "conditional.commit", agreementId, candidateId, epoch });
  let row: ConditionalRow | undefined = ctx.store.getConditional(agreementId, epoch, candidateId);
  if (row && row.status !== "persisted") return "already";
  if (!row) {
    const model = candidate.model;
    // Only a candidate eligible to execute takes a forecaster place (NotEligible otherwise).
    const record = await hub(ctx).read("candidate", [agreementId, candidateId]);
    if (!record.eligible) {
      log.debug({ at: "conditional.commit", msg: "not eligible to execute: no conditional forecast" });
      return "not eligible";
    }
    if (!model.forecastOptions) {
      log.warn({
        at: "conditional.commit",
        msg: "the model has no forecastOptions capability: no conditional forecast",
      });
      return "abstained";
    }
    let forecasts: bigint[][];
    let rationale: string;
    try {
      const answer = await model.forecastOptions({
        agreementId,
        epoch,
        targetEpoch: epoch + p.horizon,
        agreementText: agreement.text,
        metrics: agreement.metrics,
        options: p.labels,
        history: await recentHistory(ctx, agreementId, epoch - 1n),
      });
      ctx.metrics.model(answer.latencyMs, answer.usage?.totalTokens ?? 0);
      if (
        answer.forecasts.length !== p.labels.length ||
        answer.forecasts.some((f) => f.length !== agreement.metrics.length)
      ) {
        throw new BaseError(
          `the model gave ${answer.forecasts.length} option rows for ${p.labels.length} options × ${agreement.metrics.length} metrics`,
        );
      }
      forecasts = answer.forecasts;
      rationale = answer.rationale;
    } catch (error) {
      log.warn({
        at: "conditional.commit",
        msg: `conditional forecast rejected, nothing sent: ${(error as Error).message.split("\n")[0]}`,
        ...modelFaultFields(error),
      });
      return "abstained";
    }
    const salt = toHex(randomBytes(32));
    const commitment = conditionalCommitment({
      chainId: ctx.chainId,
      conditional: conditionalOf(ctx),
      agreementId,
      epoch,
      candidateId,
      optionSetHash: p.setHash,
      forecasts,
      salt,
    });
    // Durable before the transaction exists: a crash from here on still reveals these forecasts.
    ctx.store.insertConditional({
      agreementId,
      epoch,
      candidateId,
      optionSetHash: p.setHash,
      labels: p.labels,
      forecasts,
      salt,
      commitment,
      rationale,
    });
    crashPoint("afterConditionalPersist");
    row = ctx.store.getConditional(agreementId, epoch, candidateId)!;
  } else {
    const [onChain] = await conditionalCalls(ctx).read("forecastOf", [agreementId, epoch, candidateId]);
    if (onChain === row.commitment) {
      ctx.store.setConditionalStatus(agreementId, epoch, candidateId, "committed");
      return "already";
    }
  }
  const receipt = await ctx.sender.send({
    jobKey: `conditionalCommit:${agreementId}:${epoch}:${candidateId}`,
    address: conditionalOf(ctx),
    abi: gengovConditionalAbi,
    functionName: "commit",
    args: [agreementId, epoch, candidateId, row.commitment],
  });
  ctx.store.setConditionalStatus(agreementId, epoch, candidateId, "committed");
  log.info({ at: "conditional.commit", msg: "committed", tx: receipt.transactionHash });
  return "committed";
}

/** Reveals a stored conditional forecast (idempotent: a revealed one is only marked). */
export async function revealConditional(
  ctx: NodeContext,
  row: ConditionalRow,
): Promise<"revealed" | "already" | "missed"> {
  const { agreementId, epoch, candidateId } = row;
  const [onChain, revealed] = await conditionalCalls(ctx).read("forecastOf", [
    agreementId,
    epoch,
    candidateId,
  ]);
  if (revealed) {
    ctx.store.setConditionalStatus(agreementId, epoch, candidateId, "revealed");
    return "already";
  }
  if (onChain !== row.commitment) {
    // The commit never landed (or a later one replaced it from elsewhere): nothing of ours to reveal.
    ctx.store.setConditionalStatus(agreementId, epoch, candidateId, "missed");
    return "missed";
  }
  const receipt = await ctx.sender.send({
    jobKey: `conditionalReveal:${agreementId}:${epoch}:${candidateId}`,
    address: conditionalOf(ctx),
    abi: gengovConditionalAbi,
    functionName: "reveal",
    args: [agreementId, epoch, candidateId, flattenForecasts(row.forecasts), row.salt],
  });
  ctx.store.setConditionalStatus(agreementId, epoch, candidateId, "revealed");
  ctx.log.info({
    at: "conditional.reveal",
    agreementId,
    candidateId,
    epoch,
    msg: "revealed",
    tx: receipt.transactionHash,
  });
  return "revealed";
}

/** Sends `decide` for an ended decision epoch. */
export async function sendDecide(ctx: NodeContext, agreementId: bigint, epoch: bigint) {
  return ctx.sender.send({
    jobKey: `conditionalDecide:${agreementId}:${epoch}`,
    address: conditionalOf(ctx),
    abi: gengovConditionalAbi,
    functionName: "decide",
    args: [agreementId, epoch],
  });
}

/**
 * The option a transition of `epoch` must carry, deciding first if the epoch has ended and nobody
 * has; undefined when the epoch has no decision.
 * @throws BaseError (expected) while an advisory epoch waits for the arbiter's choice.
 */
export async function decidedOption(
  ctx: NodeContext,
  agreement: AgreementRuntime,
  epoch: bigint,
): Promise<TransitionDecision | undefined> {
  if (!ctx.conditional || BigInt(ctx.conditional) === 0n) return undefined;
  const agreementId = agreement.id;
  const [required, decidedBefore] = await conditionalCalls(ctx).read("decisionOf", [agreementId, epoch]);
  if (!required) return undefined;
  if (!decidedBefore) {
    const found = await termsOf(ctx, agreementId, epoch);
    if (found?.terms.advisory) {
      throw new BaseError(`epoch ${epoch}: waiting for the arbiter's choice (advisory terms)`, {
        expected: true,
      });
    }
    try {
      await sendDecide(ctx, agreementId, epoch);
    } catch (error) {
      if (!lostRace(error)) throw error;
    }
    const [, decided] = await conditionalCalls(ctx).read("decisionOf", [agreementId, epoch]);
    if (!decided) throw new BaseError(`epoch ${epoch}: not decided yet`, { expected: true });
  }
  const record = await decisionRecord(ctx, agreementId, epoch);
  const { labels } = await optionLabels(ctx, agreementId, epoch);
  return { option: record.option, label: labels[record.option], explored: record.explored };
}

/** How many past epochs the keeper looks back for decisions to make or score. */
const LOOKBACK = 4n;

/**
 * One step of the candidate's decision epochs: reveal what is stored, commit the current epoch's
 * forecasts, and (keeper) decide and score ended epochs. See the file comment.
 */
export async function conditionalStep(p: ConditionalStepParameters): Promise<ConditionalStepReturnType> {
  const { ctx, candidate, agreement, now } = p;
  const { agreementId, candidateId } = candidate;
  const did: ConditionalStepReturnType["did"] = [];
  if (!ctx.conditional || BigInt(ctx.conditional) === 0n) return { did };
  const clock = agreement.clock;
  const current = epochAt(clock, now);
  const attempt = async (what: ConditionalStepReturnType["did"][number], run: () => Promise<unknown>) => {
    try {
      const result = await run();
      if (result === "abstained") did.push("abstained");
      else if (result !== "already" && result !== "not eligible")
        did.push(result === "missed" ? "missed" : what);
    } catch (error) {
      if (noPlace(error)) {
        ctx.log.warn({
          at: `conditional.${what}`,
          agreementId,
          msg: `no forecaster place: ${(error as Error).message.split("\n")[0]}`,
        });
        return;
      }
      if (!lostRace(error)) throw error;
      ctx.log.warn({ at: `conditional.${what}`, agreementId, msg: "another node got there first" });
    }
  };

  // Reveals first: their windows are the tightest.
  for (const row of ctx.store.openConditionals(agreementId, candidateId)) {
    const found = await termsOf(ctx, agreementId, row.epoch);
    const closes = epochEnd(clock, row.epoch);
    const opens = closes - BigInt(found?.terms.revealWindow ?? 0);
    if (now >= closes) {
      const [, revealed] = await conditionalCalls(ctx).read("forecastOf", [
        agreementId,
        row.epoch,
        candidateId,
      ]);
      ctx.store.setConditionalStatus(agreementId, row.epoch, candidateId, revealed ? "revealed" : "missed");
      if (!revealed) {
        did.push("missed");
        ctx.log.warn({
          at: "conditional.reveal",
          agreementId,
          candidateId,
          epoch: row.epoch,
          msg: "reveal window closed without this forecast's reveal",
        });
      }
    } else if (now >= opens) {
      await attempt("revealed", () => revealConditional(ctx, row));
    }
  }

  if (current >= 0n && !candidate.status.withdrawn) {
    const [required] = await conditionalCalls(ctx).read("decisionOf", [agreementId, current]);
    if (required) {
      const found = await termsOf(ctx, agreementId, current);
      if (
        found &&
        now >= epochStart(clock, current) &&
        now < epochEnd(clock, current) - BigInt(found.terms.revealWindow)
      ) {
        const { labels, setHash } = await optionLabels(ctx, agreementId, current, found.terms.options);
        await attempt("committed", () =>
          commitConditional({ ...p, epoch: current, labels, setHash, horizon: BigInt(found.terms.horizon) }),
        );
      }
    }
  }

  if (!p.keeper) return { did };
  for (let e = current - 1n; e >= 0n && e >= current - LOOKBACK - 1n; e--) {
    const [required] = await conditionalCalls(ctx).read("decisionOf", [agreementId, e]);
    if (!required) continue;
    const record = await decisionRecord(ctx, agreementId, e);
    const status = DECISION_STATUS[record.status];
    if (status === "Open") {
      const found = await termsOf(ctx, agreementId, e);
      if (found && !found.terms.advisory) await attempt("decided", () => sendDecide(ctx, agreementId, e));
    } else if (status === "Decided") {
      try {
        await ctx.sender.send({
          jobKey: `conditionalScore:${agreementId}:${e}`,
          address: conditionalOf(ctx),
          abi: gengovConditionalAbi,
          functionName: "score",
          args: [agreementId, e],
        });
        did.push("scored");
      } catch (error) {
        if (!notYet(error)) {
          ctx.log.warn({
            at: "conditional.score",
            agreementId,
            epoch: e,
            msg: `score failed, retrying later: ${(error as Error).message.split("\n")[0]}`,
          });
        }
      }
    }
  }
  return { did };
}
