/**
 * What the node asks of a model, whatever runs it (an OpenAI-compatible endpoint, a simulation).
 * Models only return data; the node validates it (schema, allow-list, caps) before anything is sent.
 */

/** The canonical model spec; keccak256 of its canonical JSON is the candidate's on-chain specHash. */
export type ModelSpec = {
  /** Format version of the spec. */
  version: 1;
  /** "openai" = any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp); "simulated" = offline. */
  provider: "openai" | "simulated";
  /** Model id at the provider (e.g. "gpt-4o-mini"), or the simulation's name. */
  model: string;
  /** Digest of the weights where known (open models), else null. */
  weightsDigest: string | null;
  /** System prompt prepended to every request. */
  systemPrompt: string;
  /** Decoding parameters. */
  temperature: number;
  seed: number;
  maxOutputTokens: number;
  /** Simulations only: documented, deterministic forecasting behaviour. */
  simulation?: {
    /** 0 = pure noise around a naive guess, 1 = near-perfect forecasts (when a truth peek is given). */
    skill: number;
    /**
     * "honest": forecasts with its skill, executes the agreement, and as juror accepts only what it
     * would have proposed itself. "adversarial": forecasts badly and, as executor, tries out-of-policy
     * actions. "thief": forecasts like "honest" and, as executor, adds an in-policy payment of the
     * rest of the epoch's cap to an attacker. Adversarial and thief jurors accept every proposal.
     */
    profile: "honest" | "adversarial" | "thief";
  };
};

export type MetricInfo = { name: string; decimals: number; scale: bigint };

/** One past epoch as the prompt sees it. */
export type EpochRecord = {
  epoch: bigint;
  /** The final values, or null: voided, or not fixed yet when `pending`. */
  outcome: bigint[] | null;
  /** The outcome is not fixed yet (its report window is open, or nobody fixed it yet). */
  pending?: boolean;
};

export type ForecastRequest = {
  agreementId: bigint;
  agreementText: string;
  metrics: MetricInfo[];
  targetEpoch: bigint;
  /** Recent outcomes, oldest first (null = void, or pending when flagged). */
  history: EpochRecord[];
};

export type ModelUsage = { promptTokens: number; completionTokens: number; totalTokens: number };

/** What every model call returns besides its payload, for the manifest. */
export type ModelCallRecord = {
  /** Prompt template id, e.g. "forecast/v1". */
  templateId: string;
  /** keccak256 of the rendered prompt (canonical JSON of the messages). */
  promptHash: `0x${string}`;
  /** The raw text the model returned. */
  raw: string;
  usage: ModelUsage | null;
  /** Provider fingerprint (OpenAI system_fingerprint) where given. */
  fingerprint: string | null;
  /** Wall-clock latency of the call in milliseconds (metrics only, never in the manifest). */
  latencyMs: number;
};

export type ForecastResult = ModelCallRecord & {
  /** One integer per metric, already scaled by the metric's decimals. */
  values: bigint[];
  rationale: string;
};

/** An input as the executor sees it: untrusted data. */
export type InputRecord = { epoch: bigint; index: number; sender: `0x${string}`; data: string };

/** A token the treasury may pay in, with what remains of this epoch's cap and the treasury balance. */
export type AllowedToken = { token: `0x${string}`; symbol: string; remaining: bigint; balance: bigint };

export type ExecuteRequest = {
  agreementId: bigint;
  epoch: bigint;
  agreementText: string;
  /** The current state document (parsed JSON), {} before the first transition. */
  state: unknown;
  /** Every input since the last finalized transition, in chain order. */
  inputs: InputRecord[];
  metrics: MetricInfo[];
  history: EpochRecord[];
  /** Candidate scores (WAD) the prompt may cite. */
  scores: { candidateId: bigint; score: bigint }[];
  allowedTokens: AllowedToken[];
  /** Epochs with a decision (futarchy mode): the option taken, which the transition carries out. */
  decision?: TransitionDecision;
};

/** The option an epoch's decision took: its index, label, and whether it was drawn to explore. */
export type TransitionDecision = { option: number; label: string; explored: boolean };

export type ProposedAction = { token: `0x${string}`; to: `0x${string}`; amount: bigint };

export type ExecuteResult = ModelCallRecord & {
  /** The new state document (JSON value). */
  newState: unknown;
  actions: ProposedAction[];
  rationale: string;
};

/** A juror's task: the executor's request, and the transition proposed for it. */
export type ValidateRequest = ExecuteRequest & {
  /** The transition under vote, as proposed on chain. */
  proposal: {
    proposer: bigint;
    /** The proposed state document (parsed JSON). */
    newState: unknown;
    actions: ProposedAction[];
    /** The executor's rationale from its manifest, or null when the manifest has none. */
    rationale: string | null;
  };
};

export type ValidateResult = ModelCallRecord & {
  /** true: the transition is what the agreement asks for, given the inputs. */
  accept: boolean;
  rationale: string;
};

/** An item of a judgement round as the model sees it: untrusted data. */
export type AllocationItem = { index: number; name: string; url: string };

/** A candidate's task in a judgement round: a weight for every item. */
export type AllocateRequest = {
  agreementId: bigint;
  round: bigint;
  agreementText: string;
  /** Every item, in index order (index i at position i). */
  items: AllocationItem[];
};

export type AllocateResult = ModelCallRecord & {
  /** One weight per item in index order: WAD, every weight at least 1, summing to exactly 1e18. */
  weights: bigint[];
  rationale: string;
};

/** A candidate's task in a decision epoch (futarchy mode): a forecast of every metric under each option. */
export type ForecastOptionsRequest = {
  agreementId: bigint;
  /** The decision epoch. */
  epoch: bigint;
  /** The epoch whose outcome the forecasts are scored on (`epoch + horizon`). */
  targetEpoch: bigint;
  agreementText: string;
  metrics: MetricInfo[];
  /** The epoch's option labels, in option order (untrusted: participants may propose options). */
  options: string[];
  /** Recent outcomes, oldest first (null = void, or pending when flagged). */
  history: EpochRecord[];
};

export type ForecastOptionsResult = ModelCallRecord & {
  /** `forecasts[option][metric]`: scaled integers, one row per option in option order. */
  forecasts: bigint[][];
  rationale: string;
};

export interface Model {
  readonly spec: ModelSpec;
  forecast(request: ForecastRequest): Promise<ForecastResult>;
  execute(request: ExecuteRequest): Promise<ExecuteResult>;
  /** Votes on another candidate's proposed transition (jury duty). */
  validate(request: ValidateRequest): Promise<ValidateResult>;
  /**
   * Weighs the items of a judgement round (distilled human judgement). Optional: a model without it
   * commits no list, which counts as the worst loss only when it committed.
   */
  allocate?(request: AllocateRequest): Promise<AllocateResult>;
  /**
   * Forecasts the agreement's metrics under each option of a decision epoch (futarchy mode).
   * Optional: a model without it commits no conditional forecast.
   */
  forecastOptions?(request: ForecastOptionsRequest): Promise<ForecastOptionsResult>;
}
