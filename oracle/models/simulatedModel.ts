/**
 * Simulated models: deterministic, offline stand-ins for real models, used by the demo, the benchmarks
 * and the tests. They are simulations and say so (provider "simulated", fingerprint
 * `SIMULATION_FINGERPRINT`); nothing here claims to be a language model.
 *
 * Forecasts: a base guess plus noise. The base is the simulated world's truth when a `peek` is given
 * (a documented simulation cheat: the demo's world knows its future outcomes and lets candidates see
 * them through noise whose width shrinks with `skill`), else the last non-void outcome (a persistence
 * forecast). Noise is drawn from a keccak256 stream seeded by (spec.seed, agreementId, targetEpoch),
 * with only IEEE arithmetic (no transcendental functions), so every platform draws the same numbers.
 *
 * Execution: the "honest" profile records the epoch and counts inputs on top of the prior state and
 * at most pays a small in-cap reward (or applies the domain's `policy`); the "adversarial" profile
 * forecasts badly and, as executor, proposes out-of-policy payments (over the cap, in a token that is
 * not allowed, to an attacker) that the node's policy check must reject. The "thief" profile forecasts
 * exactly like "honest" (so it can win the executor seat) and, as executor, proposes the honest
 * transition plus one payment to the attacker of what remains of the epoch's cap in the first allowed
 * token (bounded by the treasury balance): in policy, so only a jury, a challenge or the arbiter stops it.
 *
 * Jury duty (`validate`): the honest juror accepts a proposal iff it is materially the transition it
 * would have proposed itself; the "adversarial" and "thief" jurors accept everything (they collude).
 *
 * All of them still render the real prompt (so `templateId` and `promptHash` are what a real model would
 * have been sent) and return a raw JSON answer that goes through the same parsing as a real model's.
 */
import {
  encodeAbiParameters,
  formatUnits,
  getAddress,
  isAddress,
  keccak256,
  numberToHex,
  slice,
  stringToHex,
  type Hex,
} from "viem";

import { ModelError } from "../errors/BaseError.js";
import {
  renderAllocatePrompt,
  renderExecutePrompt,
  renderForecastOptionsPrompt,
  renderForecastPrompt,
  renderValidatePrompt,
} from "../prompts/render.js";
import { canonicalJson } from "./canonicalJson.js";
import {
  parseAllocateOutput,
  parseExecutionOutput,
  parseForecastOptionsOutput,
  parseForecastOutput,
  parseValidateOutput,
} from "./schemas.js";
import type {
  AllocateRequest,
  AllocateResult,
  EpochRecord,
  ExecuteRequest,
  ExecuteResult,
  ForecastOptionsRequest,
  ForecastOptionsResult,
  ForecastRequest,
  ForecastResult,
  Model,
  ModelSpec,
  ProposedAction,
  ValidateRequest,
  ValidateResult,
} from "./types.js";

/** The simulated world's truth for a target epoch (one value per metric, scaled), if it knows it. */
export type TruthPeek = (targetEpoch: bigint) => bigint[] | undefined;

/**
 * What an honest simulated executor decides for a domain (the demo's fishery allocates catch rights,
 * the vouching example tallies vouches): the new state and any actions, from the request alone.
 */
export type ExecutionPolicy = (request: ExecuteRequest) => {
  newState: Record<string, unknown>;
  actions: ProposedAction[];
};

/**
 * Simulation cheat of a judgement round: the list this simulated model answers (non-negative
 * weights, one per item, only ratios matter), e.g. the deep-funding world's noisy view of its hidden
 * truth; undefined for a round it has no list for.
 */
export type ListPeek = (request: AllocateRequest) => readonly bigint[] | undefined;

/**
 * Simulation cheat of a decision epoch (futarchy mode): this model's forecast `[option][metric]`
 * (scaled integers), e.g. one of the futarchy world's forecasters; undefined when it has none.
 */
export type OptionsPeek = (request: ForecastOptionsRequest) => readonly (readonly bigint[])[] | undefined;

export type SimulatedModelOptions = {
  /** The conditional forecasts a decision epoch gets; without it, the persistence forecast per option. */
  options?: OptionsPeek;
  /** The list a judgement round gets; without it, noise around equal weights. */
  lists?: ListPeek;
  /** Simulation cheat: the truth the forecast is a noisy view of. Without it, persistence + noise. */
  peek?: TruthPeek;
  /** Domain behaviour of the honest executor; without it, the generic bookkeeping below. */
  policy?: ExecutionPolicy;
};

/** Fingerprint recorded in every simulated call: names the simulation algorithm's version. */
export const SIMULATION_FINGERPRINT = "gengov-simulated-v1";

/** Where the adversarial and thief executors try to send funds. */
export const SIMULATED_ATTACKER = getAddress(slice(keccak256(stringToHex("gengov/simulated/attacker")), 12));
/** A token the adversarial executor tries to pay in although no agreement allows it. */
export const SIMULATED_ROGUE_TOKEN = getAddress(
  slice(keccak256(stringToHex("gengov/simulated/rogue-token")), 12),
);

const INT128_MAX = 2n ** 127n - 1n;

/** Uniform [0, 1) numbers from keccak256(seed ‖ counter), 53 bits each. */
function uniformStream(seed: Hex): () => number {
  let counter = 0n;
  return () => {
    const word = BigInt(keccak256(`${seed}${numberToHex(counter++, { size: 32 }).slice(2)}`));
    return Number(word >> 203n) / 2 ** 53;
  };
}

/** Approximately standard normal: Irwin–Hall sum of four uniforms, centred and scaled to unit variance. */
function normal(uniform: () => number): number {
  return (uniform() + uniform() + uniform() + uniform() - 2) * Math.sqrt(3);
}

function clampInt128(v: bigint): bigint {
  return v > INT128_MAX ? INT128_MAX : v < -INT128_MAX ? -INT128_MAX : v;
}

/** Noise width of an honest simulated forecast, as a share of the metric's full-miss error (`scale`). */
export function forecastNoiseWidth(skill: number): number {
  // 2% at skill 1, 62% at skill 0.
  return 0.02 + 0.6 * (1 - Math.min(1, Math.max(0, skill)));
}

export interface SimulatedForecastParameters {
  /** What the forecast is a noisy view of: one value per metric (scaled integers). */
  base: readonly bigint[];
  /** Each metric's full-miss error (`scale`); 0 counts as 1. */
  scales: readonly bigint[];
  /** 0 to 1: the honest noise width is `forecastNoiseWidth(skill) · scale`. */
  skill: number;
  /** "honest" or "adversarial" (at least one full miss away from the base). */
  profile: "honest" | "adversarial";
  /** The uniform [0, 1) stream the noise is drawn from, in metric order. */
  uniform: () => number;
}

/**
 * A simulated model's forecast values: the base plus noise of known width. The one recipe of every
 * simulated forecaster (the demo's nodes draw from a keccak256 stream, the mechanism benchmark from
 * mulberry32), so "skill" means the same everywhere.
 * @returns One value per metric.
 */
export function simulatedForecastValues(params: SimulatedForecastParameters): bigint[] {
  const { base, uniform } = params;
  return params.scales.map((s, i) => {
    const scale = Number(s > 0n ? s : 1n);
    if (params.profile === "adversarial") {
      // At least one full miss away from the base, in a random direction.
      const direction = uniform() < 0.5 ? -1 : 1;
      const offset = direction * scale * (1 + uniform()) + 0.25 * scale * normal(uniform);
      return clampInt128(base[i] + BigInt(Math.round(offset)));
    }
    const width = forecastNoiseWidth(params.skill);
    return clampInt128(base[i] + BigInt(Math.round(scale * width * normal(uniform))));
  });
}

function lastOutcome(history: readonly EpochRecord[]): bigint[] | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const outcome = history[i].outcome;
    if (outcome !== null) return outcome;
  }
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A simulated executor's answer before it is written as raw JSON. */
type SimulatedTransition = {
  newState: Record<string, unknown>;
  actions: ProposedAction[];
  rationale: string;
};

/** The raw JSON answer of a simulated executor (amounts as integer strings, as a model writes them). */
function transitionJson(transition: SimulatedTransition): string {
  return JSON.stringify({
    newState: transition.newState,
    actions: transition.actions.map((a) => ({ token: a.token, to: a.to, amount: a.amount.toString() })),
    rationale: transition.rationale,
  });
}

/**
 * The thief's proposal: the honest transition plus one payment to the attacker of the rest of the
 * first allowed token's epoch cap (bounded by the treasury balance, less what the honest transition
 * already pays in that token), so the total stays in policy.
 */
function withTheft(honest: SimulatedTransition, request: ExecuteRequest): SimulatedTransition {
  const first = request.allowedTokens[0];
  if (!first) return honest;
  const limit = first.remaining < first.balance ? first.remaining : first.balance;
  const spent = honest.actions
    .filter((a) => a.token.toLowerCase() === first.token.toLowerCase())
    .reduce((sum, a) => sum + a.amount, 0n);
  const amount = limit - spent;
  if (amount <= 0n) return honest;
  return {
    newState: honest.newState,
    actions: [...honest.actions, { token: first.token, to: SIMULATED_ATTACKER, amount }],
    rationale: `Simulated thief executor: ${honest.rationale} Also pays the rest of the epoch's cap as an operations fee.`,
  };
}

/** The comparison key of a payment: token and recipient case-insensitively, the amount exactly. */
function actionKey(action: ProposedAction): string {
  return `${String(action.token).toLowerCase()}|${String(action.to).toLowerCase()}|${action.amount}`;
}

/** How a payment reads in a rationale: recipient, amount in base units and the token's symbol. */
function describePayment(action: ProposedAction, tokens: ExecuteRequest["allowedTokens"]): string {
  const token = tokens.find((t) => t.token.toLowerCase() === String(action.token).toLowerCase());
  const to = isAddress(String(action.to), { strict: false }) ? getAddress(action.to) : String(action.to);
  return `${to} ${action.amount} ${token ? token.symbol : `of token ${String(action.token)}`}`;
}

/** The canonical JSON of a value, or undefined when it has none. */
function canonicalOrUndefined(value: unknown): string | undefined {
  try {
    return canonicalJson(value);
  } catch {
    return undefined;
  }
}

/**
 * How a proposed transition differs from the expected one, in words (empty when materially the
 * same): payments compared as a multiset of (token, recipient, amount), the new state as canonical
 * JSON (naming the top-level keys that differ).
 * @param proposal The proposed new state and payments.
 * @param expected The transition the agreement calls for.
 * @param tokens The allowed tokens (for their symbols).
 * @returns One phrase per difference, e.g. "pays 0x… 500 DEMO that the agreement does not call for".
 */
export function transitionDifferences(
  proposal: { newState: unknown; actions: readonly ProposedAction[] },
  expected: { newState: unknown; actions: readonly ProposedAction[] },
  tokens: ExecuteRequest["allowedTokens"],
): string[] {
  const differences: string[] = [];
  // How many of each expected payment the proposal has not matched yet.
  const unmatched = new Map<string, number>();
  for (const a of expected.actions) unmatched.set(actionKey(a), (unmatched.get(actionKey(a)) ?? 0) + 1);
  for (const a of proposal.actions) {
    const left = unmatched.get(actionKey(a)) ?? 0;
    if (left > 0) unmatched.set(actionKey(a), left - 1);
    else differences.push(`pays ${describePayment(a, tokens)} that the agreement does not call for`);
  }
  for (const a of expected.actions) {
    const left = unmatched.get(actionKey(a)) ?? 0;
    if (left > 0) {
      unmatched.set(actionKey(a), left - 1);
      differences.push(`does not pay ${describePayment(a, tokens)} that the agreement calls for`);
    }
  }
  const proposed = canonicalOrUndefined(proposal.newState);
  if (proposed === undefined) differences.push("proposes a new state with no JSON form");
  else if (proposed !== canonicalJson(expected.newState)) {
    if (isPlainObject(proposal.newState) && isPlainObject(expected.newState)) {
      const a = proposal.newState;
      const b = expected.newState;
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])]
        .sort()
        .filter((k) => canonicalOrUndefined(a[k]) !== canonicalOrUndefined(b[k]));
      differences.push(
        `proposes a new state that differs from the agreement's at ${keys.map((k) => JSON.stringify(k)).join(", ")}`,
      );
    } else {
      differences.push("proposes a new state that is not the JSON object the agreement calls for");
    }
  }
  return differences;
}

/** A deterministic simulated model. */
export class SimulatedModel implements Model {
  readonly spec: ModelSpec;
  readonly #simulation: NonNullable<ModelSpec["simulation"]>;
  readonly #peek?: TruthPeek;
  readonly #policy?: ExecutionPolicy;
  readonly #lists?: ListPeek;
  readonly #options?: OptionsPeek;

  /**
   * @param spec A spec with provider "simulated" and a `simulation` block.
   * @param options The optional truth peek.
   * @throws ModelError "config" when the spec is not a simulation.
   */
  constructor(spec: ModelSpec, options: SimulatedModelOptions = {}) {
    if (spec.provider !== "simulated" || !spec.simulation) {
      throw new ModelError(
        'SimulatedModel needs a spec with provider "simulated" and a simulation block.',
        "config",
      );
    }
    this.spec = spec;
    this.#simulation = spec.simulation;
    this.#peek = options.peek;
    this.#policy = options.policy;
    this.#lists = options.lists;
    this.#options = options.options;
  }

  /** @inheritdoc */
  async forecast(request: ForecastRequest): Promise<ForecastResult> {
    const started = performance.now();
    const prompt = renderForecastPrompt(this.spec, request);
    const { skill, profile } = this.#simulation;
    const metrics = request.metrics;
    const truth = this.#peek?.(request.targetEpoch);
    if (truth !== undefined && truth.length !== metrics.length) {
      throw new ModelError(
        `The truth peek gave ${truth.length} values for ${metrics.length} metrics.`,
        "config",
      );
    }
    const base = truth ?? lastOutcome(request.history) ?? metrics.map(() => 0n);
    const uniform = uniformStream(
      keccak256(
        encodeAbiParameters(
          [{ type: "string" }, { type: "uint256" }, { type: "uint256" }, { type: "uint256" }],
          ["forecast", BigInt(this.spec.seed), request.agreementId, request.targetEpoch],
        ),
      ),
    );
    const values = simulatedForecastValues({
      base,
      scales: metrics.map((m) => m.scale),
      skill,
      // The thief forecasts exactly like an honest model, so it can win the executor seat.
      profile: profile === "adversarial" ? "adversarial" : "honest",
      uniform,
    });
    const rationale = `Simulated forecast (${profile}, skill ${skill}): ${
      truth !== undefined ? "the simulated truth" : "the last non-void outcome"
    } plus deterministic noise.`;
    // Decimal text written by hand so the values survive the round trip through parsing exactly.
    const raw = `{"values":[${values.map((v, i) => formatUnits(v, metrics[i].decimals)).join(",")}],"rationale":${JSON.stringify(rationale)}}`;
    return {
      templateId: prompt.templateId,
      promptHash: prompt.promptHash,
      raw,
      usage: null,
      fingerprint: SIMULATION_FINGERPRINT,
      latencyMs: performance.now() - started,
      ...parseForecastOutput(raw, metrics),
    };
  }

  /** @inheritdoc */
  async execute(request: ExecuteRequest): Promise<ExecuteResult> {
    const started = performance.now();
    const prompt = renderExecutePrompt(this.spec, request);
    const raw = transitionJson(this.#transition(request));
    return {
      templateId: prompt.templateId,
      promptHash: prompt.promptHash,
      raw,
      usage: null,
      fingerprint: SIMULATION_FINGERPRINT,
      latencyMs: performance.now() - started,
      ...parseExecutionOutput(raw),
    };
  }

  /**
   * Jury duty. The honest juror works out the transition it would have proposed itself (the honest
   * executor's code path, with the domain policy) and accepts iff the proposal is materially the same:
   * the same payments as a multiset of (token, recipient, amount) and the same new state as canonical
   * JSON. Its rationale names every difference. The "adversarial" and "thief" jurors accept every
   * proposal (they collude).
   */
  async validate(request: ValidateRequest): Promise<ValidateResult> {
    const started = performance.now();
    const prompt = renderValidatePrompt(this.spec, request);
    const { profile } = this.#simulation;
    let accept: boolean;
    let rationale: string;
    if (profile !== "honest") {
      accept = true;
      rationale = `Simulated ${profile} juror: accepts every proposal (colludes).`;
    } else {
      // The same JSON round trip as `execute`, so both sides are compared as they would be on chain.
      const own = parseExecutionOutput(transitionJson(this.#honestTransition(request)));
      const differences = transitionDifferences(request.proposal, own, request.allowedTokens);
      accept = differences.length === 0;
      rationale = accept
        ? "Simulated honest juror: the proposal is the transition the agreement calls for (the same new state and the same payments)."
        : `Simulated honest juror: the proposal ${differences.join("; ")}.`;
    }
    const raw = JSON.stringify({ vote: accept ? "accept" : "reject", rationale });
    return {
      templateId: prompt.templateId,
      promptHash: prompt.promptHash,
      raw,
      usage: null,
      fingerprint: SIMULATION_FINGERPRINT,
      latencyMs: performance.now() - started,
      ...parseValidateOutput(raw),
    };
  }

  /**
   * A judgement round's list: the `lists` peek's answer when given (weights written as decimal
   * integers), else noise around equal weights drawn from (spec.seed, agreementId, round), with the
   * "adversarial" profile putting nine tenths of the credit on one item. The answer goes through the
   * same parsing and normalisation as a real model's.
   */
  async allocate(request: AllocateRequest): Promise<AllocateResult> {
    const started = performance.now();
    const prompt = renderAllocatePrompt(this.spec, request);
    const { profile, skill } = this.#simulation;
    const count = request.items.length;
    const peeked = this.#lists?.(request);
    if (peeked !== undefined && peeked.length !== count) {
      throw new ModelError(`The list peek gave ${peeked.length} weights for ${count} items.`, "config");
    }
    let weights: string[];
    let rationale: string;
    if (peeked !== undefined) {
      weights = peeked.map((w) => w.toString());
      rationale = `Simulated allocation (${profile}, skill ${skill}): the simulated world's list for this model.`;
    } else {
      const uniform = uniformStream(
        keccak256(
          encodeAbiParameters(
            [{ type: "string" }, { type: "uint256" }, { type: "uint256" }, { type: "uint256" }],
            ["allocate", BigInt(this.spec.seed), request.agreementId, request.round],
          ),
        ),
      );
      const favourite = Math.floor(uniform() * count);
      weights = Array.from({ length: count }, (_, i) => {
        if (profile === "adversarial") return i === favourite ? String(9 * (count - 1)) : "1";
        const noise = (1 - skill) * 0.5 * normal(uniform);
        return Math.max(0.05, 1 + noise).toFixed(6);
      });
      rationale = `Simulated allocation (${profile}, skill ${skill}): ${
        profile === "adversarial" ? "nine tenths of the credit on one item" : "noise around equal weights"
      }.`;
    }
    const raw = `{"allocation":[${weights.map((w, i) => `{"item":${i},"weight":${w}}`).join(",")}],"rationale":${JSON.stringify(rationale)}}`;
    return {
      templateId: prompt.templateId,
      promptHash: prompt.promptHash,
      raw,
      usage: null,
      fingerprint: SIMULATION_FINGERPRINT,
      latencyMs: performance.now() - started,
      ...parseAllocateOutput(raw, count),
    };
  }

  /**
   * A decision epoch's conditional forecasts: the `options` peek's answer when given, else the
   * ordinary simulated forecast of the target epoch for every option (it sees no difference between
   * them). Written as decimal numbers in metric units and parsed like a real model's answer.
   */
  async forecastOptions(request: ForecastOptionsRequest): Promise<ForecastOptionsResult> {
    const started = performance.now();
    const prompt = renderForecastOptionsPrompt(this.spec, request);
    const { profile, skill } = this.#simulation;
    const n = request.options.length;
    let rows = this.#options?.(request);
    if (rows !== undefined && (rows.length !== n || rows.some((r) => r.length !== request.metrics.length))) {
      throw new ModelError(
        `The options peek gave ${rows.length} rows for ${n} options × ${request.metrics.length} metrics.`,
        "config",
      );
    }
    if (rows === undefined) {
      const { values } = await this.forecast({
        agreementId: request.agreementId,
        agreementText: request.agreementText,
        metrics: request.metrics,
        targetEpoch: request.targetEpoch,
        history: request.history,
      });
      rows = request.options.map(() => values);
    }
    const decimal = (v: bigint, decimals: number) => formatUnits(v, decimals);
    const rationale = `Simulated conditional forecast (${profile}, skill ${skill}).`;
    const raw = `{"forecasts":[${rows
      .map(
        (row, o) =>
          `{"option":${o},"values":[${row.map((v, m) => decimal(v, request.metrics[m].decimals)).join(",")}]}`,
      )
      .join(",")}],"rationale":${JSON.stringify(rationale)}}`;
    return {
      templateId: prompt.templateId,
      promptHash: prompt.promptHash,
      raw,
      usage: null,
      fingerprint: SIMULATION_FINGERPRINT,
      latencyMs: performance.now() - started,
      ...parseForecastOptionsOutput(raw, n, request.metrics),
    };
  }

  /** What this profile proposes as executor. */
  #transition(request: ExecuteRequest): SimulatedTransition {
    const { profile } = this.#simulation;
    if (profile === "adversarial") {
      const prior = isPlainObject(request.state) ? request.state : {};
      const actions: ProposedAction[] = [];
      const first = request.allowedTokens[0];
      if (first) {
        const max = first.remaining > first.balance ? first.remaining : first.balance;
        actions.push({ token: first.token, to: SIMULATED_ATTACKER, amount: max + 1n });
      }
      actions.push({ token: SIMULATED_ROGUE_TOKEN, to: SIMULATED_ATTACKER, amount: 10n ** 24n });
      return {
        newState: { ...prior, lastEpoch: request.epoch.toString(), controller: SIMULATED_ATTACKER },
        actions,
        rationale:
          "Simulated adversarial executor: drains the treasury to the attacker (the node must reject this).",
      };
    }
    const honest = this.#honestTransition(request);
    if (profile === "thief") return withTheft(honest, request);
    return honest;
  }

  /** The honest executor's transition: the domain policy, else the generic bookkeeping. */
  #honestTransition(request: ExecuteRequest): SimulatedTransition {
    const epoch = request.epoch.toString();
    if (this.#policy) {
      const { newState, actions } = this.#policy(request);
      return {
        newState,
        actions,
        rationale: `Simulated honest executor applying the agreement's policy for epoch ${epoch}.`,
      };
    }
    const prior = isPlainObject(request.state) ? request.state : {};
    const seen = typeof prior.inputsSeen === "number" ? prior.inputsSeen : 0;
    const newState = {
      ...prior,
      lastEpoch: epoch,
      inputsSeen: seen + request.inputs.length,
      epochInputs: request.inputs.length,
    };
    const actions: ProposedAction[] = [];
    const first = request.allowedTokens[0];
    const sender = request.inputs[0]?.sender;
    if (first && sender) {
      const available = first.remaining < first.balance ? first.remaining : first.balance;
      const reward = available / 100n;
      if (reward > 0n) actions.push({ token: first.token, to: sender, amount: reward });
    }
    const rationale = `Simulated honest executor: recorded epoch ${epoch} and ${request.inputs.length} input(s)${
      actions.length ? "; paid the epoch's first input a 1% reward within the cap" : ""
    }.`;
    return { newState, actions, rationale };
  }
}
