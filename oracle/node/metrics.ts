/**
 * Counters and gauges the node exposes in the Prometheus text format on /metrics, and the loop's
 * progress marks /healthz judges liveness by.
 */

/** What the node knows of one of its candidates, refreshed from the chain (see GengovNode). */
export type CandidateGauges = {
  bond: bigint;
  /** EWMA loss score (WAD). */
  score: bigint;
  eligible: boolean;
  exiting: boolean;
  withdrawn: boolean;
  /** Forecasts committed or persisted and not yet revealed, void or missed. */
  pendingReveals: number;
  /** Chain time (s) of the candidate's next deadline: a commit window's or a reveal window's close. */
  nextDeadline: bigint | null;
  /** The operator's balance is below the configured threshold. */
  gasLow: boolean;
};

export class Metrics {
  private readonly jobs = new Map<string, number>();
  private readonly modelErrors = new Map<string, number>();
  private readonly candidates = new Map<string, CandidateGauges>();
  private readonly executorMisses = new Map<string, number>();
  private readonly inFlight = new Map<number, number>();
  private readonly juryVotes = new Map<string, number>();
  /** Seats on juries this node's candidates were given. */
  juryDuties = 0;
  /** Jury seats whose commit or reveal window passed without this node's vote. */
  juryMissed = 0;
  private nextCall = 0;
  lastBlock = -1n;
  lastTickAt = 0;
  /** When the loop started (0: not yet); the first tick is judged from here. */
  loopStartedAt = 0;
  modelCalls = 0;
  modelLatencySeconds = 0;
  modelTokens = 0;
  /** When the last model call settled: the loop moved on then. */
  lastModelAnswerAt = 0;
  /** The operator's balance (wei), when last read. */
  operatorBalance: bigint | undefined;

  job(job: string, result: "done" | "skipped" | "failed" | "abstained" | "race") {
    const k = `${job}\u0000${result}`;
    this.jobs.set(k, (this.jobs.get(k) ?? 0) + 1);
  }

  jobCount(job: string, result: string): number {
    return this.jobs.get(`${job}\u0000${result}`) ?? 0;
  }

  model(latencyMs: number, tokens: number) {
    this.modelCalls += 1;
    this.modelLatencySeconds += latencyMs / 1000;
    this.modelTokens += tokens;
  }

  /** A model answer that was unusable, by kind (timeout, http, invalid_json, schema, policy…). */
  modelError(kind: string) {
    this.modelErrors.set(kind, (this.modelErrors.get(kind) ?? 0) + 1);
  }

  modelErrorCount(kind: string): number {
    return this.modelErrors.get(kind) ?? 0;
  }

  /** Marks a model call as started; call the returned function when it settles. */
  modelCallStarted(): () => void {
    const id = this.nextCall++;
    this.inFlight.set(id, Date.now());
    return () => {
      this.inFlight.delete(id);
      this.lastModelAnswerAt = Date.now();
    };
  }

  /** Start (ms) of the oldest model call still waiting for its answer, if any. */
  awaitingModelSince(): number | undefined {
    let oldest: number | undefined;
    for (const t of this.inFlight.values()) if (oldest === undefined || t < oldest) oldest = t;
    return oldest;
  }

  /**
   * Liveness: the loop is healthy while it ticks, and while it waits on a model call that is still
   * within the longest time such a call may take. It is stuck when neither a tick nor a model call
   * finished for `stalledAfterMs` outside a model call, or a model call outlived `modelBudgetMs`.
   */
  health(options: { stalledAfterMs: number; modelBudgetMs: number }, now = Date.now()) {
    const progress = Math.max(this.lastTickAt, this.loopStartedAt, this.lastModelAnswerAt);
    const since = this.awaitingModelSince();
    const lastTickAgeMs = this.lastTickAt > 0 ? now - this.lastTickAt : null;
    const awaitingModelMs = since === undefined ? null : now - since;
    let ok: boolean;
    if (progress === 0) ok = false;
    else if (awaitingModelMs !== null) ok = awaitingModelMs < options.modelBudgetMs;
    else ok = now - progress < options.stalledAfterMs;
    return { ok, lastBlock: this.lastBlock.toString(), lastTickAgeMs, awaitingModelMs };
  }

  candidate(agreementId: bigint, candidateId: bigint, gauges: CandidateGauges) {
    this.candidates.set(`${agreementId}:${candidateId}`, gauges);
  }

  candidateGauges(agreementId: bigint, candidateId: bigint): CandidateGauges | undefined {
    return this.candidates.get(`${agreementId}:${candidateId}`);
  }

  /** The candidate was the executor of an epoch and its window closed without its proposal. */
  executorWindowMissed(agreementId: bigint, candidateId: bigint) {
    const k = `${agreementId}:${candidateId}`;
    this.executorMisses.set(k, (this.executorMisses.get(k) ?? 0) + 1);
  }

  /** A vote a juror of this node committed ("accept" or "reject"). */
  juryVote(vote: "accept" | "reject") {
    this.juryVotes.set(vote, (this.juryVotes.get(vote) ?? 0) + 1);
  }

  juryVoteCount(vote: "accept" | "reject"): number {
    return this.juryVotes.get(vote) ?? 0;
  }

  render(): string {
    const lines = [
      "# HELP gengov_jobs_total Jobs run by the node, by job and result.",
      "# TYPE gengov_jobs_total counter",
    ];
    for (const [k, v] of [...this.jobs.entries()].sort()) {
      const [job, result] = k.split("\u0000");
      lines.push(`gengov_jobs_total{job="${job}",result="${result}"} ${v}`);
    }
    lines.push(
      "# HELP gengov_last_block_seen Highest confirmed block the node has scanned.",
      "# TYPE gengov_last_block_seen gauge",
      `gengov_last_block_seen ${this.lastBlock}`,
      "# HELP gengov_model_latency_seconds Time spent in model calls.",
      "# TYPE gengov_model_latency_seconds summary",
      `gengov_model_latency_seconds_sum ${this.modelLatencySeconds}`,
      `gengov_model_latency_seconds_count ${this.modelCalls}`,
      "# HELP gengov_model_tokens_total Tokens used by model calls (prompt + completion).",
      "# TYPE gengov_model_tokens_total counter",
      `gengov_model_tokens_total ${this.modelTokens}`,
      "# HELP gengov_model_errors_total Unusable model answers, by kind.",
      "# TYPE gengov_model_errors_total counter",
    );
    for (const [kind, v] of [...this.modelErrors.entries()].sort()) {
      lines.push(`gengov_model_errors_total{kind="${kind}"} ${v}`);
    }
    lines.push(
      "# HELP gengov_jury_duties_total Jury seats given to this node's candidates.",
      "# TYPE gengov_jury_duties_total counter",
      `gengov_jury_duties_total ${this.juryDuties}`,
      "# HELP gengov_jury_votes_total Jury votes committed, by vote.",
      "# TYPE gengov_jury_votes_total counter",
    );
    for (const vote of ["accept", "reject"] as const) {
      lines.push(`gengov_jury_votes_total{vote="${vote}"} ${this.juryVoteCount(vote)}`);
    }
    lines.push(
      "# HELP gengov_jury_missed_total Jury seats whose commit or reveal window passed without this node's vote.",
      "# TYPE gengov_jury_missed_total counter",
      `gengov_jury_missed_total ${this.juryMissed}`,
    );
    if (this.operatorBalance !== undefined) {
      lines.push(
        "# HELP gengov_operator_balance_wei The operator's balance, when last read.",
        "# TYPE gengov_operator_balance_wei gauge",
        `gengov_operator_balance_wei ${this.operatorBalance}`,
      );
    }
    const rows = [...this.candidates.entries()].sort();
    const gauge = (
      name: string,
      help: string,
      type: string,
      value: (g: CandidateGauges, k: string) => string,
    ) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [k, g] of rows) {
        const [agreementId, candidateId] = k.split(":");
        lines.push(`${name}{agreement="${agreementId}",candidate="${candidateId}"} ${value(g, k)}`);
      }
    };
    const flag = (b: boolean) => (b ? "1" : "0");
    gauge(
      "gengov_candidate_bond",
      "The candidate's bond (bond token base units).",
      "gauge",
      (g) => `${g.bond}`,
    );
    gauge("gengov_candidate_score", "The candidate's EWMA loss score (WAD).", "gauge", (g) => `${g.score}`);
    gauge("gengov_candidate_eligible", "1 when the candidate may be selected.", "gauge", (g) =>
      flag(g.eligible),
    );
    gauge("gengov_candidate_exiting", "1 once the candidate asked to exit.", "gauge", (g) => flag(g.exiting));
    gauge(
      "gengov_candidate_pending_reveals",
      "Committed forecasts not yet revealed.",
      "gauge",
      (g) => `${g.pendingReveals}`,
    );
    gauge(
      "gengov_candidate_next_deadline_seconds",
      "Chain time of the candidate's next commit or reveal deadline (0: none).",
      "gauge",
      (g) => `${g.nextDeadline ?? 0n}`,
    );
    gauge(
      "gengov_candidate_gas_balance_low",
      "1 when the operator's balance is below gasBalanceLowWei.",
      "gauge",
      (g) => flag(g.gasLow),
    );
    gauge(
      "gengov_candidate_executor_window_missed_total",
      "Epochs the candidate was the executor of and its window closed without its proposal.",
      "counter",
      (_, k) => `${this.executorMisses.get(k) ?? 0}`,
    );
    return lines.join("\n") + "\n";
  }
}
