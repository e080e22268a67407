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
import { forecastOnChain } from "../jobs/forecastOnChain.js";
import { keepAgreement } from "../jobs/keeper.js";
import { ProposalStatus, proposeTransition } from "../jobs/proposeTransition.js";
import { revealForecast } from "../jobs/revealForecast.js";
import { encodeSpec, parseModelSpec, specHash } from "../models/spec.js";
import type { Model, ModelSpec } from "../models/types.js";
import { Store } from "../store/Store.js";
import {
  epochAt,
  executorWindow,
  fallbackWindow,
  fallbackWindowAfterRejection,
  revealCloses,
  revealOpens,
} from "./clock.js";
import { loadAgreement, type AgreementRuntime, type CandidateRuntime, type NodeContext } from "./context.js";
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
    // Reveals first: they have the tightest windows.
    for (const forecast of ctx.store.openForecasts(candidate.agreementId, candidate.candidateId)) {
      const t = forecast.targetEpoch;
      if (now >= revealCloses(c, t)) {
        // A reveal mined just before a crash left the row open: the chain says whether it was missed.
        await this.run("revealForecast", async () => {
          const revealed = (await forecastOnChain(ctx, forecast)) === "closed";
          ctx.store.setForecastStatus(
            candidate.agreementId,
            candidate.candidateId,
            t,
            revealed ? "revealed" : "missed",
          );
          if (revealed) return { status: "already" };
          ctx.log.error({
            at: "revealForecast",
            agreementId: candidate.agreementId,
            candidateId: candidate.candidateId,
            targetEpoch: t,
            msg: "reveal window passed",
          });
        });
        continue;
      }
      // "persisted" too: a commit mined just before a crash is only marked committed by the commit
      // job of its own epoch; once that epoch is over, the reveal job (which reads the slot on chain
      // first) is what finds it.
      if (now >= revealOpens(c, t)) {
        await this.run("revealForecast", () => revealForecast({ ctx, candidate, forecast }));
      }
    }
    await this.run("commitForecast", () =>
      commitForecast({ ctx, candidate, agreement, targetEpoch: current + c.horizon }),
    );
    const e = current - 1n;
    if (e < 0n) return;
    const first = executorWindow(c, e);
    const second = fallbackWindow(c, e);
    // A rejected executor's transition keeps the fallback's window open longer (IGengovExecution).
    const late = fallbackWindowAfterRejection(c, e);
    if (now < first.opens || now >= late.closes) return;
    const [executor, fallbackCandidate] = (await ctx.client.readContract({
      address: ctx.hub,
      abi: gengovHubAbi,
      functionName: "executorOf",
      args: [candidate.agreementId, e],
    })) as readonly [bigint, bigint, boolean];
    const mine = candidate.candidateId;
    if (now < first.closes && executor === mine) {
      await this.run("proposeTransition", () => proposeTransition({ ctx, candidate, agreement, epoch: e }));
    } else if (now >= second.opens && fallbackCandidate === mine) {
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
  };
}
