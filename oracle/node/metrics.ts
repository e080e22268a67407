/**
 * Counters and gauges the node exposes in the Prometheus text format on /metrics.
 */
export class Metrics {
  private readonly jobs = new Map<string, number>();
  lastBlock = -1n;
  lastTickAt = 0;
  modelCalls = 0;
  modelLatencySeconds = 0;
  modelTokens = 0;

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
    );
    return lines.join("\n") + "\n";
  }
}
