/**
 * The oracle node: for every candidate it operates it commits forecasts, reveals them, proposes
 * transitions when selected (or as fallback), and keeps its agreements live. One loop, one job at a
 * time, everything restart-safe (see the jobs and the store). `gengov node --config <file>` runs it.
 */
import { readFileSync } from "node:fs";

import type { EIP1193Provider, Hex, LocalAccount, PublicClient } from "viem";

import { gengovExecutionAbi, gengovHubAbi } from "../chain/abis.js";
import { connect, hubFromIgnition } from "../chain/connect.js";
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
import { ProposalStatus, proposeTransition } from "../jobs/proposeTransition.js";
import { revealForecast } from "../jobs/revealForecast.js";
import { encodeSpec, parseModelSpec, specHash } from "../models/spec.js";
import type { Model, ModelSpec } from "../models/types.js";
import { Store, type ForecastRow } from "../store/Store.js";
import {
  epochAt,
  executorWindow,
  fallbackWindow,
  fallbackWindowAfterRejection,
  revealCloses,
  revealOpens,
} from "./clock.js";
import {
  hubRead,
  loadAgreement,
  type AgreementRuntime,
  type CandidateRuntime,
  type NodeContext,
} from "./context.js";
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
  private closeServer: (() => Promise<void>) | undefined;
  httpPort: number | undefined;

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
    });
    const hub = config.hub ?? hubFromIgnition(config.chainId, deps.root);
    if (((await client.getCode({ address: hub })) ?? "0x").length <= 2) {
      throw new ConfigError(`hub: no contract at ${hub} on chain ${config.chainId}`);
    }
    const execution = (await client.readContract({
      address: hub,
      abi: gengovHubAbi,
      functionName: "execution",
    })) as Hex;
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
    const scanner = new LogScanner(
      client,
      store,
      {
        addresses: [hub, execution],
        abi: [...gengovHubAbi, ...gengovExecutionAbi],
        confirmations: config.confirmations,
        rangeBlocks: config.logRangeBlocks,
        startBlock: 0n,
      },
      log,
    );
    return new GengovNode(config, ctx, candidates, scanner, deps.http ?? true);
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
    }
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
    this.readStatus(candidate, current);
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
    if (now < first.closes && selection.executor === mine) {
      await this.run("proposeTransition", () => proposeTransition({ ctx, candidate, agreement, epoch: e }));
    } else if (now >= second.opens && selection.fallbackCandidate === mine) {
      const live = (await ctx.client.readContract({
        address: ctx.execution,
        abi: gengovExecutionAbi,
        functionName: "proposal",
        args: [candidate.agreementId],
      })) as { epoch: bigint; candidateId: bigint; status: number };
      const status = live.epoch === e ? ProposalStatus[live.status] : "None";
      if (
        (status === "None" && now < second.closes) ||
        (status === "Rejected" && live.candidateId !== mine)
      ) {
        await this.run("proposeTransition", () => proposeTransition({ ctx, candidate, agreement, epoch: e }));
      }
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
      const [executor, fallbackCandidate, fixed] = (await hubRead(ctx, "executorOf", [id, e])) as readonly [
        bigint,
        bigint,
        boolean,
      ];
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
   * Whether the candidate is exiting, derived once per epoch from the scanned logs (an ExitRequested
   * after its latest registration: seat ids are reused after a withdrawal), at no RPC cost. An
   * exiting candidate commits no new targets: it answers only for those whose commit window had
   * closed when it asked to exit.
   */
  private readStatus(candidate: CandidateRuntime, current: bigint) {
    if (candidate.status.readIn === current) return;
    const mine = (a: Record<string, unknown>) =>
      a.agreementId === candidate.agreementId && a.candidateId === candidate.candidateId;
    const at = (l: { blockNumber: bigint; logIndex: number } | undefined) =>
      l === undefined ? -1n : l.blockNumber * 1_000_000n + BigInt(l.logIndex);
    const exit = this.ctx.store.logs("ExitRequested", mine).at(-1);
    const exiting =
      exit !== undefined && at(exit) > at(this.ctx.store.logs("CandidateRegistered", mine).at(-1));
    if (exiting && !candidate.status.exiting) {
      this.ctx.log.info({
        at: "candidateStatus",
        agreementId: candidate.agreementId,
        candidateId: candidate.candidateId,
        msg: "exiting: no new commits",
      });
    }
    candidate.status.exiting = exiting;
    candidate.status.readIn = current;
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
      const result = (await fn()) as { status?: string } | undefined;
      const status = result?.status;
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

  /** Starts the loop (and the HTTP server); resolves when stopped. */
  async start(): Promise<void> {
    if (this.serveHttp) {
      const s = await startServer(this.ctx.metrics, {
        host: this.config.http.host,
        port: this.config.http.port,
        stalledAfterMs: Math.max(10_000, this.config.pollIntervalMs * 5),
      });
      this.httpPort = s.port;
      this.closeServer = s.close;
    }
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

async function loadCandidate(
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
    const [operator, hash] = (await client.readContract({
      address: hub,
      abi: gengovHubAbi,
      functionName: "candidateOperator",
      args: [config.agreementId, config.candidateId],
    })) as readonly [Hex, Hex];
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
