/**
 * The oracle node: for every candidate it operates it commits forecasts, reveals them, proposes
 * transitions when selected (or as fallback), votes when seated on a jury, and keeps its agreements
 * live. One loop, one job at a
 * time, everything restart-safe (see the jobs and the store). `gengov node --config <file>` runs it.
 */
import { readFileSync } from "node:fs";

import type { EIP1193Provider, Hex, LocalAccount, PublicClient } from "viem";

import { gengovHubAbi } from "../chain/abis.js";
import { chainName, connect, hubFromIgnition } from "../chain/connect.js";
import { loadKey } from "../chain/keys.js";
import { LogScanner } from "../chain/logScanner.js";
import { TxSender } from "../chain/txSender.js";
import type { CandidateConfig, NodeConfig } from "../config/schema.js";
import { BaseError, ConfigError } from "../errors/BaseError.js";
import { commitForecast } from "../jobs/commitForecast.js";
import { catchUp, nextCatchUpCheck } from "../jobs/catchUp.js";
import { dueEnd } from "../scoring/index.js";
import { forecastOnChain, outcomeIsVoid, revealScanned } from "../jobs/forecastOnChain.js";
import { keepAgreement } from "../jobs/keeper.js";
import { proposeTransition } from "../jobs/proposeTransition.js";
import { revealForecast } from "../jobs/revealForecast.js";
import { conditionalStep } from "../jobs/conditional.js";
import { judgementStep } from "../jobs/judgement.js";
import { juryDuty, recordSeats } from "../jobs/vote.js";
import { modelFaultKind } from "../models/faults.js";
import { encodeSpec, parseModelSpec, specHash } from "../models/spec.js";
import type { AllocateRequest, ForecastOptionsRequest, Model, ModelSpec } from "../models/types.js";
import { execution, hub, readContract } from "../protocol/contracts.js";
import { transitionStatusNames } from "../protocol/generated.js";
import { Store, type ForecastRow } from "../store/Store.js";
import {
  epochAt,
  epochEnd,
  executorWindow,
  fallbackWindow,
  fallbackWindowAfterRejection,
  revealCloses,
  revealOpens,
} from "./clock.js";
import {
  hubConditional,
  hubJudgement,
  loadAgreement,
  type AgreementRuntime,
  type CandidateRuntime,
  type NodeContext,
} from "./context.js";
import { ModelBackoff } from "./backoff.js";
import { createLogger, type Logger } from "./logger.js";
import { Metrics } from "./metrics.js";
import { startServer } from "./server.js";

export type ModelFactory = (spec: ModelSpec, candidate: CandidateConfig) => Model;

export type NodeDependencies = {
  createModel: ModelFactory;
  /** An in-process EIP-1193 provider instead of rpcUrls (tests, the embedded demo). */
  provider?: EIP1193Provider;
  /** A key instead of config.key (tests, the embedded demo). */
  account?: LocalAccount;
  logger?: Logger;
  /** Start the HTTP server (default true). */
  http?: boolean;
  /** Where to look for ignition/deployments when config.hub is unset. */
  root?: string;
};

export class GengovNode {
  private stopping = false;
  /** Timestamp of the newest block the log scanner has covered, when last needed. */
  private scannedThrough = -1n;
  private running: Promise<void> | undefined;
  private readonly agreements = new Map<bigint, AgreementRuntime>();
  /** The block at which an agreement was last found without a judgement round. */
  private readonly noJudgementAt = new Map<string, bigint>();
  private closeServer: (() => Promise<void>) | undefined;
  httpPort: number | undefined;
  /** Longest wall-clock interval between two reads of a candidate's record (metrics). */
  recordEveryMs = 60_000;

  private constructor(
    readonly config: NodeConfig,
    readonly ctx: NodeContext,
    readonly candidates: CandidateRuntime[],
    private readonly scanner: LogScanner,
    private readonly serveHttp: boolean,
  ) {}

  /** Connects, checks the chain and the candidates (operator key and spec hash), opens the store. */
  static async create(config: NodeConfig, deps: NodeDependencies): Promise<GengovNode> {
    const log = deps.logger ?? createLogger(config.logLevel);
    const client = await connect({
      rpcUrls: config.rpcUrls,
      provider: deps.provider,
      chainId: config.chainId,
      pollingIntervalMs: config.pollIntervalMs,
      cooldownMs: config.rpcCooldownMs,
      onEndpointFailed: (url, reason) =>
        log.warn({ at: "rpc", msg: "endpoint failed: using the next one", url, reason }),
    });
    const hub = config.hub ?? hubFromIgnition(config.chainId, deps.root);
    if (((await client.getCode({ address: hub })) ?? "0x").length <= 2) {
      throw new ConfigError(`hub: no contract at ${hub} on chain ${config.chainId}`);
    }
    const execution = await readContract(client, hub, gengovHubAbi, "execution", []);
    const jury = await readContract(client, hub, gengovHubAbi, "jury", []);
    const judgement = await hubJudgement(client, hub);
    const conditional = await hubConditional(client, hub);
    let account = deps.account;
    if (!account) {
      const key = await loadKey(config.key);
      if (key.warning) log.warn({ at: "node", msg: key.warning });
      account = key.account;
    }
    const store = new Store(config.store, { chainId: config.chainId, hub });
    const metrics = new Metrics();
    const sender = new TxSender(
      client,
      account,
      store,
      { ...config.tx, pollMs: Math.min(config.pollIntervalMs, 500) },
      log,
    );
    const agreementsCache = new Map<bigint, AgreementRuntime>();
    const ctx: NodeContext = {
      client,
      sender,
      store,
      log,
      metrics,
      chainId: config.chainId,
      hub,
      execution,
      jury,
      judgement,
      conditional,
      agreement: async (id) => {
        let a = agreementsCache.get(id);
        if (!a) {
          a = await loadAgreement(client, store, hub, id);
          agreementsCache.set(id, a);
        }
        return a;
      },
      now: async () => (await client.getBlock({ blockTag: "latest" })).timestamp,
    };
    const candidates = await Promise.all(
      config.candidates.map((c, i) => loadCandidate(client, hub, account!, c, i, deps.createModel)),
    );
    for (const c of candidates) {
      c.model = watchModel(c.model, metrics);
      c.backoff = new ModelBackoff(config.modelBackoff);
    }
    const scanner = new LogScanner(
      client,
      store,
      {
        addresses: BigInt(jury) === 0n ? [hub, execution] : [hub, execution, jury],
        confirmations: config.confirmations,
        rangeBlocks: config.logRangeBlocks,
        startBlock: 0n,
      },
      log,
    );
    return new GengovNode(config, ctx, candidates, scanner, deps.http ?? true);
  }

  /** Scans the logs up to the confirmed head once (the embedded demo steps jobs itself). */
  async scanOnce(): Promise<void> {
    this.ctx.metrics.lastBlock = await this.scanner.scan();
  }

  /** One pass: scan logs, then every due job of every candidate, then upkeep. */
  async tick(): Promise<void> {
    const { ctx } = this;
    const confirmed = await this.scanner.scan();
    ctx.metrics.lastBlock = confirmed;
    const now = await ctx.now();
    for (const candidate of this.candidates) {
      if (this.stopping) return;
      let agreement: AgreementRuntime;
      try {
        agreement = await ctx.agreement(candidate.agreementId);
      } catch (error) {
        this.report("loadAgreement", error);
        continue;
      }
      await this.candidateJobs(candidate, agreement, now);
      await this.run("candidateRecord", () => this.refreshRecord(candidate, agreement, now));
    }
    await this.juryDuties();
    await this.judgementRounds();
    await this.conditionalDecisions();
    if (this.config.keeper) {
      for (const id of new Set(this.candidates.map((c) => c.agreementId))) {
        if (this.stopping) return;
        await this.run("keeper", async () => {
          await keepAgreement({ ctx, agreement: await ctx.agreement(id), now: await ctx.now() });
        });
      }
    }
    ctx.metrics.lastTickAt = Date.now();
  }

  private async candidateJobs(candidate: CandidateRuntime, agreement: AgreementRuntime, now: bigint) {
    const { ctx } = this;
    const c = agreement.clock;
    const current = epochAt(c, now);
    if (current < 0n) return;
    await this.recheckAfterReorg(candidate, agreement, now, current);
    // Reveals first: they have the tightest windows. Every pending forecast is revealed: a target
    // left unrevealed is charged as a miss.
    for (const forecast of ctx.store.openForecasts(candidate.agreementId, candidate.candidateId)) {
      const t = forecast.targetEpoch;
      if (now >= revealCloses(c, t)) {
        await this.run("revealForecast", () => this.closeAfterWindow(candidate, agreement, forecast));
        continue;
      }
      // "persisted" too: a commit mined just before a crash is only marked committed by the commit
      // job of its own epoch; once that epoch is over, the reveal job (which reads the slot on chain
      // first) is what finds it.
      if (now >= revealOpens(c, t)) {
        await this.run("revealForecast", () => revealForecast({ ctx, candidate, forecast }));
      }
    }
    await this.readStatus(candidate, current);
    if (candidate.status.withdrawn) return;
    // Participation is mandatory: every epoch's target is committed (a skipped one is a miss), until
    // the candidate asks to exit (it then answers only for targets already committed).
    if (!candidate.status.exiting) {
      await this.run("commitForecast", () =>
        commitForecast({ ctx, candidate, agreement, targetEpoch: current + c.horizon, now }),
      );
      if (now >= candidate.status.nextCatchUpAt) await this.catchUp(candidate, agreement, now);
    }
    const e = current - 1n;
    if (e < 0n) return;
    const first = executorWindow(c, e);
    const second = fallbackWindow(c, e);
    // A rejected executor's transition keeps the fallback's window open longer (IGengovExecution).
    const late = fallbackWindowAfterRejection(c, e);
    if (now < first.opens || now >= late.closes) return;
    const selection = await this.selectionOf(candidate, agreement, e);
    if (!selection) return;
    const mine = candidate.candidateId;
    if (now >= first.closes && selection.executor === mine) this.countMissedWindow(candidate, e);
    if (now < first.closes && selection.executor === mine) {
      await this.run("proposeTransition", () => proposeTransition({ ctx, candidate, agreement, epoch: e }));
    } else if (now >= second.opens && selection.fallbackCandidate === mine) {
      const live = await execution(ctx).read("proposal", [candidate.agreementId]);
      const status = live.epoch === e ? transitionStatusNames[live.status] : "None";
      if (
        (status === "None" && now < second.closes) ||
        (status === "Rejected" && live.candidateId !== mine)
      ) {
        await this.run("proposeTransition", () => proposeTransition({ ctx, candidate, agreement, epoch: e }));
      }
    }
  }

  /**
   * Judgement rounds (jobs/judgement.ts): one step of each candidate's latest round, with the
   * permissionless steps (draw, close, propose, finalize) when the node is a keeper.
   */
  private async judgementRounds() {
    const { ctx } = this;
    if (!ctx.judgement || BigInt(ctx.judgement) === 0n) return;
    for (const candidate of this.candidates) {
      if (this.stopping || candidate.status.withdrawn) return;
      const key = candidate.agreementId.toString();
      // An agreement with no round is asked again at the next block, not at every tick.
      const block = ctx.metrics.lastBlock;
      if (this.noJudgementAt.get(key) === block) continue;
      await this.run("judgement", async () => {
        const step = await judgementStep({
          ctx,
          candidate,
          agreement: await ctx.agreement(candidate.agreementId),
          now: await ctx.now(),
          keeper: this.config.keeper,
        });
        if (step.round === 0n) this.noJudgementAt.set(key, block);
        return step;
      });
    }
  }

  /**
   * Decision epochs (jobs/conditional.ts, futarchy mode): commit and reveal each candidate's
   * conditional forecasts, with `decide` and `score` when the node is a keeper.
   */
  private async conditionalDecisions() {
    const { ctx } = this;
    if (!ctx.conditional || BigInt(ctx.conditional) === 0n) return;
    for (const candidate of this.candidates) {
      if (this.stopping) return;
      await this.run("conditional", async () =>
        conditionalStep({
          ctx,
          candidate,
          agreement: await ctx.agreement(candidate.agreementId),
          now: await ctx.now(),
          keeper: this.config.keeper,
        }),
      );
    }
  }

  /**
   * Jury duty of every candidate: new seats from the scanned `VoteOpened` events, then one step of
   * each open seat (commit, reveal or close, as its windows allow; see jobs/vote.ts).
   */
  private async juryDuties() {
    const { ctx } = this;
    await this.run("jurySeats", () => recordSeats(ctx, this.candidates));
    for (const vote of ctx.store.openVotes()) {
      if (this.stopping) return;
      const candidate = this.candidates.find(
        (c) => c.agreementId === vote.agreementId && c.candidateId === vote.jurorId,
      );
      if (!candidate) continue;
      await this.run("juryDuty", async () =>
        juryDuty({
          ctx,
          candidate,
          agreement: await ctx.agreement(vote.agreementId),
          vote,
          now: await ctx.now(),
        }),
      );
    }
  }

  /**
   * Who executes epoch `e`, from a selection that cannot change under the node: the fixed one, or —
   * inside the selection window — `executorOf`'s answer when the agreement's draw is stable (Leader,
   * or Weighted on the hub's beacon, whose input is fixed before the window opens). With an external
   * randomness source the view is a provisional draw that may differ in the block that fixes it, so
   * the node fixes the selection first (`selectExecutor`, harmless if a rival fixed it already) and
   * reads the stored result.
   */
  private async selectionOf(candidate: CandidateRuntime, agreement: AgreementRuntime, e: bigint) {
    const { ctx } = this;
    const id = candidate.agreementId;
    const read = async () => {
      const [executor, fallbackCandidate, fixed] = await hub(ctx).read("executorOf", [id, e]);
      return { executor, fallbackCandidate, fixed };
    };
    const s = await read();
    if (s.fixed || agreement.stableSelection) return s;
    let fixed: { executor: bigint; fallbackCandidate: bigint; fixed: boolean } | undefined;
    await this.run("selectExecutor", async () => {
      await ctx.sender.send({
        jobKey: `select:${id}:${e}`,
        address: ctx.hub,
        abi: gengovHubAbi,
        functionName: "selectExecutor",
        args: [id, e],
      });
      fixed = await read();
    });
    return fixed?.fixed ? fixed : undefined;
  }

  /**
   * Whether the candidate is exiting or withdrawn, derived once per epoch: from the scanned logs (an
   * ExitRequested after its latest registration: seat ids are reused after a withdrawal), at no RPC
   * cost, and from the candidate's record on the hub (read by `refreshRecord`), which also sees an
   * exit the log scanner has not reached yet. An exiting candidate commits no new targets: it answers
   * only for those whose commit window had closed when it asked to exit. Each change is said once.
   */
  private async readStatus(candidate: CandidateRuntime, current: bigint) {
    const status = candidate.status;
    if (status.readIn === current) return;
    const mine = (a: Record<string, unknown>) =>
      a.agreementId === candidate.agreementId && a.candidateId === candidate.candidateId;
    const at = (l: { blockNumber: bigint; logIndex: number } | undefined) =>
      l === undefined ? -1n : l.blockNumber * 1_000_000n + BigInt(l.logIndex);
    const exit = this.ctx.store.logs("ExitRequested", mine).at(-1);
    const fromLogs =
      exit !== undefined && at(exit) > at(this.ctx.store.logs("CandidateRegistered", mine).at(-1));
    let record: { exiting: boolean; withdrawn: boolean } | undefined;
    try {
      record = await hub(this.ctx).read("candidate", [candidate.agreementId, candidate.candidateId]);
    } catch (error) {
      this.report("candidateStatus", error);
    }
    this.setStatus(candidate, {
      exiting: fromLogs || (record?.exiting ?? false) || (record?.withdrawn ?? false),
      withdrawn: record?.withdrawn ?? status.withdrawn ?? false,
    });
    status.readIn = current;
  }

  private setStatus(candidate: CandidateRuntime, next: { exiting: boolean; withdrawn: boolean }) {
    const { status, agreementId, candidateId } = candidate;
    const fields = { at: "candidateStatus", agreementId, candidateId };
    if (next.withdrawn && !status.withdrawn) {
      this.ctx.log.info({ ...fields, msg: "withdrawn: nothing more to do for this candidate" });
    } else if (next.exiting && !status.exiting && !next.withdrawn) {
      const pending = this.ctx.store.openForecasts(agreementId, candidateId).length;
      this.ctx.log.info({
        ...fields,
        msg: "exiting: no new commits",
        pendingReveals: pending,
      });
    }
    status.exiting = next.exiting;
    status.withdrawn = next.withdrawn;
  }

  /**
   * Reads the candidate's record (bond, score, eligibility, exit) and the operator's balance into the
   * per-candidate metrics, at most once per `recordEveryMs` and at each new epoch; an exit or
   * withdrawal seen there stops new commits at once.
   */
  private async refreshRecord(candidate: CandidateRuntime, agreement: AgreementRuntime, now: bigint) {
    const { ctx } = this;
    const { status, agreementId, candidateId } = candidate;
    const current = epochAt(agreement.clock, now);
    if (status.refreshedAt !== undefined && Date.now() - status.refreshedAt < this.recordEveryMs) {
      if (status.recordEpoch === current) return { status: "already" };
    }
    const [record, balance] = await Promise.all([
      hub(ctx).read("candidate", [agreementId, candidateId]),
      ctx.client.getBalance({ address: ctx.sender.account.address }),
    ]);
    status.refreshedAt = Date.now();
    status.recordEpoch = current;
    this.setStatus(candidate, {
      exiting: status.exiting || record.exiting || record.withdrawn,
      withdrawn: record.withdrawn,
    });
    const open = ctx.store.openForecasts(agreementId, candidateId);
    const deadlines = open.map((f) => revealCloses(agreement.clock, f.targetEpoch)).filter((d) => d > now);
    if (!status.exiting && current >= 0n) deadlines.push(epochEnd(agreement.clock, current));
    ctx.metrics.operatorBalance = balance;
    ctx.metrics.candidate(agreementId, candidateId, {
      bond: record.bond,
      score: record.score,
      eligible: record.eligible,
      exiting: status.exiting,
      withdrawn: record.withdrawn,
      pendingReveals: open.length,
      nextDeadline: deadlines.length ? deadlines.reduce((a, b) => (a < b ? a : b)) : null,
      gasLow: balance < this.config.gasBalanceLowWei,
    });
    return { status: "already" };
  }

  /** Counts, once per epoch, an executor window of this candidate that closed without its proposal. */
  private countMissedWindow(candidate: CandidateRuntime, e: bigint) {
    const { ctx } = this;
    const { agreementId, candidateId, status } = candidate;
    status.missedWindows ??= new Set();
    if (status.missedWindows.has(e)) return;
    const proposed =
      ctx.store.getProposal(agreementId, e, candidateId)?.status === "proposed" ||
      ctx.store.logs(
        "TransitionProposed",
        (a) => a.agreementId === agreementId && a.epoch === e && a.candidateId === candidateId,
      ).length > 0;
    status.missedWindows.add(e);
    if (proposed) return;
    ctx.metrics.executorWindowMissed(agreementId, candidateId);
    ctx.log.warn({
      at: "proposeTransition",
      agreementId,
      candidateId,
      epoch: e,
      msg: "executor window closed without this candidate's proposal",
    });
  }

  /**
   * Keeps the candidate's record up to date (see jobs/catchUp.ts). The chain is asked (`poke` read
   * with eth_call) at the first tick and whenever the store cannot vouch for the targets that fell
   * due since the last check (one without a revealed or void row); a node that revealed everything
   * pays no RPC for it. A failed check waits a tenth of an epoch, never a storm.
   */
  private async catchUp(candidate: CandidateRuntime, agreement: AgreementRuntime, now: bigint) {
    const { ctx } = this;
    const { agreementId, candidateId, status } = candidate;
    const due = dueEnd(agreement.clock, now);
    const known = status.accountedThrough;
    if (known !== undefined) {
      let vouched = true;
      for (let t = known; t < due && vouched; t++) {
        const row = ctx.store.getForecast(agreementId, candidateId, t);
        vouched = row?.status === "revealed" || row?.status === "void";
      }
      if (vouched) {
        status.accountedThrough = due > known ? due : known;
        status.nextCatchUpAt = nextCatchUpCheck(agreement, now);
        return;
      }
    }
    status.nextCatchUpAt = now + agreement.clock.epochLength / 10n;
    await this.run("catchUp", async () => {
      const r = await catchUp({ ctx, candidate, agreement, now, minMisses: this.config.catchUpAfterMisses });
      status.nextCatchUpAt = r.next;
      if (r.status === "up-to-date" || r.status === "poked") status.accountedThrough = due;
      return r;
    });
  }

  /**
   * Bookkeeping for a forecast whose reveal window has closed with its row still open (the node was
   * down, or a reveal was mined just before a crash). The chain decides: a reveal of it in the
   * scanned logs → revealed; a void outcome → void (nothing was owed); otherwise a miss, which the
   * hub charges when the cursor next moves. A slot the cursor has moved past without a scanned
   * reveal waits until the scanned logs cover the window's close, so a reveal mined in the last
   * blocks before it is not taken for a miss.
   */
  private async closeAfterWindow(
    candidate: CandidateRuntime,
    agreement: AgreementRuntime,
    forecast: ForecastRow,
  ) {
    const { ctx } = this;
    const { agreementId, candidateId } = candidate;
    const t = forecast.targetEpoch;
    const set = (status: "revealed" | "void" | "missed") =>
      ctx.store.setForecastStatus(agreementId, candidateId, t, status);
    if (revealScanned(ctx, forecast)) {
      set("revealed");
      return { status: "already" };
    }
    const where = await forecastOnChain(ctx, forecast);
    if (where === "closed" && this.scannedThrough < revealCloses(agreement.clock, t)) {
      const confirmed = ctx.metrics.lastBlock;
      if (confirmed < 0n) return { status: "already" };
      this.scannedThrough = (await ctx.client.getBlock({ blockNumber: confirmed })).timestamp;
      if (this.scannedThrough < revealCloses(agreement.clock, t)) return { status: "already" };
      if (revealScanned(ctx, forecast)) {
        set("revealed");
        return { status: "already" };
      }
    }
    if (await outcomeIsVoid(ctx, agreementId, t)) {
      set("void");
      return { status: "already" };
    }
    set("missed");
    ctx.log.error({
      at: "revealForecast",
      agreementId,
      candidateId,
      targetEpoch: t,
      msg: where === "absent" ? "reveal window passed: the commit never landed" : "reveal window passed",
    });
    return { status: "done" };
  }

  /**
   * Reorg safety: while a commit's or a reveal's window is still open, a step the store counts as
   * done is checked against the chain. If a reorg dropped the transaction, the row goes back one step
   * and the job runs again (with the same values and salt), so a dropped reveal never becomes a miss.
   */
  private async recheckAfterReorg(
    candidate: CandidateRuntime,
    agreement: AgreementRuntime,
    now: bigint,
    current: bigint,
  ) {
    const { ctx } = this;
    const c = agreement.clock;
    const { agreementId, candidateId } = candidate;
    for (const f of ctx.store.forecastsFrom(agreementId, candidateId, current - 1n)) {
      const t = f.targetEpoch;
      const commitOpen = f.status === "committed" && current === t - c.horizon;
      const revealOpen = f.status === "revealed" && now >= revealOpens(c, t) && now < revealCloses(c, t);
      if (!commitOpen && !revealOpen) continue;
      const committedOnChain = (await forecastOnChain(ctx, f)) === "pending";
      if (commitOpen && !committedOnChain) {
        ctx.log.warn({
          at: "commitForecast",
          agreementId,
          candidateId,
          targetEpoch: t,
          msg: "commit no longer on chain (reorg): sending it again",
        });
        ctx.store.setForecastStatus(agreementId, candidateId, t, "persisted");
      } else if (revealOpen && committedOnChain) {
        ctx.log.warn({
          at: "revealForecast",
          agreementId,
          candidateId,
          targetEpoch: t,
          msg: "reveal no longer on chain (reorg): sending it again",
        });
        ctx.store.setForecastStatus(agreementId, candidateId, t, "committed");
      }
    }
  }

  /** Runs a job, classifying failures: expected races are warnings, the rest errors; never throws. */
  private async run(job: string, fn: () => Promise<unknown>) {
    try {
      const result = await fn();
      const status =
        typeof result === "object" && result !== null && "status" in result ? result.status : undefined;
      this.ctx.metrics.job(
        job,
        status === "abstained" ? "abstained" : status === "already" ? "skipped" : "done",
      );
    } catch (error) {
      this.report(job, error);
    }
  }

  private report(job: string, error: unknown) {
    const expected = error instanceof BaseError && error.expected;
    this.ctx.metrics.job(job, expected ? "race" : "failed");
    const fields = { at: job, msg: (error as Error).message.split("\n")[0] };
    if (expected) this.ctx.log.warn(fields);
    else this.ctx.log.error(fields);
  }

  /**
   * How long a model call may legitimately take: every attempt's timeout, the backoff between
   * retries, plus the stall limit as margin. /healthz counts a loop waiting on a model call as live
   * until then.
   */
  modelBudgetMs(stalledAfterMs: number): number {
    // The openai client waits at most 8 s between attempts, or what Retry-After asks, up to 60 s.
    const RETRY_DELAY_MAX_MS = 60_000;
    const longest = Math.max(
      0,
      ...this.config.candidates.map(
        (c) =>
          c.provider.timeoutMs * (c.provider.maxRetries + 1) + c.provider.maxRetries * RETRY_DELAY_MAX_MS,
      ),
    );
    return longest + stalledAfterMs;
  }

  /** Starts the HTTP server and the loop, says what the node runs; resolves when stopped. */
  async start(): Promise<void> {
    if (this.serveHttp) {
      const stalledAfterMs =
        this.config.http.stalledAfterMs ?? Math.max(10_000, this.config.pollIntervalMs * 5);
      const s = await startServer(this.ctx.metrics, {
        host: this.config.http.host,
        port: this.config.http.port,
        stalledAfterMs,
        modelBudgetMs: this.modelBudgetMs(stalledAfterMs),
      });
      this.httpPort = s.port;
      this.closeServer = s.close;
    }
    this.ctx.log.info({
      at: "node",
      msg: "started",
      operator: this.ctx.sender.account.address,
      chainId: this.ctx.chainId,
      chain: chainName(this.ctx.chainId),
      hub: this.ctx.hub,
      http: this.httpPort === undefined ? null : `${this.config.http.host}:${this.httpPort}`,
      candidates: this.candidates.map((c) => ({
        agreementId: c.agreementId,
        candidateId: c.candidateId,
        model: c.spec.model,
        specHash: c.specHash,
      })),
    });
    this.ctx.metrics.loopStartedAt = Date.now();
    await this.ctx.sender.resumeAll();
    this.running = (async () => {
      while (!this.stopping) {
        try {
          await this.tick();
        } catch (error) {
          this.report("tick", error);
        }
        if (!this.stopping) await new Promise((r) => setTimeout(r, this.config.pollIntervalMs));
      }
    })();
    return this.running;
  }

  /** Graceful shutdown: the current job finishes, then the loop, server and store close. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
    await this.closeServer?.();
    this.ctx.store.close();
  }
}

export async function loadCandidate(
  client: PublicClient,
  hub: Hex,
  account: LocalAccount,
  config: CandidateConfig,
  index: number,
  createModel: ModelFactory,
): Promise<CandidateRuntime> {
  const where = `candidates[${index}]`;
  let spec: ModelSpec;
  try {
    spec = parseModelSpec(JSON.parse(readFileSync(config.spec, "utf8")));
  } catch (cause) {
    throw new ConfigError(
      `${where}.spec: cannot load ${config.spec}: ${(cause as Error).message.split("\n")[0]}`,
      { cause },
    );
  }
  let onChain: { operator: Hex; specHash: Hex };
  try {
    const [operator, hash] = await readContract(client, hub, gengovHubAbi, "candidateOperator", [
      config.agreementId,
      config.candidateId,
    ]);
    onChain = { operator, specHash: hash };
  } catch (cause) {
    throw new ConfigError(
      `${where}: candidate ${config.candidateId} of agreement ${config.agreementId} not found on the hub`,
      { cause },
    );
  }
  const hash = specHash(spec);
  if (hash !== onChain.specHash) {
    throw new ConfigError(
      `${where}.spec: hash ${hash} differs from the candidate's on-chain specHash ${onChain.specHash}`,
    );
  }
  if (onChain.operator.toLowerCase() !== account.address.toLowerCase()) {
    throw new ConfigError(
      `${where}: this node's key ${account.address} is not the candidate's operator ${onChain.operator}`,
    );
  }
  return {
    config,
    agreementId: config.agreementId,
    candidateId: config.candidateId,
    spec,
    specBytes: encodeSpec(spec),
    specHash: hash,
    model: createModel(spec, config),
    status: { readIn: -1n, exiting: false, nextCatchUpAt: 0n },
  };
}

/** The model, with its calls tracked for /healthz and its failures counted by kind in /metrics. */
function watchModel(model: Model, metrics: Metrics): Model {
  const watched =
    <R, A>(call: (a: A) => Promise<R>) =>
    async (a: A): Promise<R> => {
      const done = metrics.modelCallStarted();
      try {
        return await call(a);
      } catch (error) {
        metrics.modelError(modelFaultKind(error));
        throw error;
      } finally {
        done();
      }
    };
  return {
    spec: model.spec,
    forecast: watched((r) => model.forecast(r)),
    execute: watched((r) => model.execute(r)),
    validate: watched((r) => model.validate(r)),
    ...(model.allocate ? { allocate: watched((r: AllocateRequest) => model.allocate!(r)) } : {}),
    ...(model.forecastOptions
      ? { forecastOptions: watched((r: ForecastOptionsRequest) => model.forecastOptions!(r)) }
      : {}),
  };
}
