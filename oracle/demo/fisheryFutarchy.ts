/**
 * The fisheries world in futarchy mode: each epoch the agreement decides among three quota options,
 * and conditional forecasts of the next epoch's metrics under each option decide which is taken.
 *
 * The stock dynamics and metrics are the fisheries world's (`fisheryStep`, `fisheryMetrics` in
 * `./fishery.ts`). Options, in this order: "hold the quota", "cut the quota 20%", "raise the quota
 * 20%": option o taken in epoch e sets the quota in force during epoch e + 1 to the current quota
 * times 1, 0.8 or 1.2, clamped to [`MIN_QUOTA`, `MAX_QUOTA`]; the outcome of epoch e + 1 follows (the
 * example's horizon is 1).
 *
 * The example's objective over (catchPerBoatDay, stockIndex), both with two decimals: weights [1, 0],
 * floors [0, 5000], penalties [0, 10]. Read: J is the catch per boat-day in hundredths, and each
 * hundredth of a stock point below 50.00 costs 10 hundredths of catch per boat-day (one full stock
 * point below half the carrying capacity costs 10.00 of catch per boat-day, more than a whole epoch's
 * catch near the sustainable yield): keep the stock at or above half its capacity, then land as much
 * as possible.
 *
 * Randomness: epoch e's noise comes from its own stream, derived from (seed, e), so the realised
 * outcome under every option uses the same noise draws (common random numbers) and looking at one
 * option's counterfactual never changes the path taken. `expected` is the noise-free projection.
 */
import type { Objective } from "../scoring/conditional.js";
import { LossKind, type MetricScoring } from "../scoring/lossMath.js";
import { fisheryMetrics, fisheryStep, INITIAL_QUOTA, INITIAL_STOCK } from "./fishery.js";
import { rng } from "./world.js";

/** The options, in order. */
export const FUTARCHY_OPTIONS: readonly string[] = [
  "hold the quota",
  "cut the quota 20%",
  "raise the quota 20%",
];

/** The factor each option applies to the quota. */
export const QUOTA_FACTORS: readonly number[] = [1, 0.8, 1.2];

/** The range the quota is clamped to (total catch per epoch). */
export const MIN_QUOTA = 100;
export const MAX_QUOTA = 4_000;

/** The example's objective: catch per boat-day, each hundredth of a stock point below 50.00 costs 10. */
export const FUTARCHY_OBJECTIVE: Objective = { weights: [1n, 0n], floors: [0n, 5000n], penalties: [0n, 10n] };

/** The fisheries metrics' full-miss errors and loss kinds (`examples/fisheries/params.json`). */
export const FUTARCHY_METRICS: readonly MetricScoring[] = [
  { scale: 800n, lossKind: LossKind.Absolute },
  { scale: 2000n, lossKind: LossKind.Squared },
];

/** 32-bit mix of small integers (FNV-1a, then an avalanche): seeds of derived streams. */
export function deriveSeed(...xs: number[]): number {
  let h = 0x811c9dc5;
  for (const x of xs) h = Math.imul(h ^ (x >>> 0), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const STREAM_WORLD = 1;
const STREAM_FORECAST = 2;

export interface FutarchyWorld {
  /** The option labels, in order. */
  readonly options: readonly string[];
  /** The next epoch to be decided (its option sets the quota of epoch `epoch + 1`). */
  readonly epoch: number;
  /** The stock now (end of the last realised epoch). */
  readonly stock: number;
  /** The quota in force now. */
  readonly quota: number;
  /** The quota option o would set. */
  quotaUnder(option: number): number;
  /**
   * The expected (noise-free) metrics of epoch `epoch + h` if option o is taken now and its quota held
   * for h epochs. Reads no randomness.
   */
  expected(option: number, h?: number): bigint[];
  /** `expected` for every option. */
  counterfactuals(h?: number): bigint[][];
  /** The metrics epoch `epoch + 1` would realise under option o (its noise stream; changes nothing). */
  outcomeUnder(option: number): bigint[];
  /** Takes option o: the quota changes, epoch `epoch + 1` is realised, and its metrics are returned. */
  take(option: number): bigint[];
}

/** An option beyond the three fixed ones (a participant's proposal): its label and quota factor. */
export type ExtraOption = { label: string; factor: number };

/**
 * A futarchy fisheries world, deterministic from its seed.
 * @param seed The world's seed.
 * @param extra Options after the three fixed ones (indices 3, 4, …); they draw no randomness the
 *   fixed options' draws depend on.
 * @returns The world at epoch 0 (stock 6,000, quota 1,500 as in the fisheries world).
 */
export function futarchyWorld(seed = 42, extra: readonly ExtraOption[] = []): FutarchyWorld {
  const options = [...FUTARCHY_OPTIONS, ...extra.map((x) => x.label)];
  const factors = [...QUOTA_FACTORS, ...extra.map((x) => x.factor)];
  const checkOption = (option: number) => {
    if (!Number.isInteger(option) || option < 0 || option >= options.length) {
      throw new RangeError(`futarchy world: option ${option} is not in [0, ${options.length})`);
    }
  };
  let stock = INITIAL_STOCK;
  let quota = INITIAL_QUOTA;
  let epoch = 0;
  const quotaUnder = (option: number) => {
    checkOption(option);
    return Math.min(MAX_QUOTA, Math.max(MIN_QUOTA, Math.round(quota * factors[option])));
  };
  const expected = (option: number, h = 1) => {
    if (!Number.isInteger(h) || h < 1) throw new RangeError(`futarchy world: horizon ${h} is not ≥ 1`);
    const q = quotaUnder(option);
    let s = stock;
    let last = { catchTotal: 0, next: s };
    for (let i = 0; i < h; i++) {
      last = fisheryStep(s, q);
      s = last.next;
    }
    return fisheryMetrics(last.catchTotal, s);
  };
  const realise = (option: number) => {
    const noise = rng(deriveSeed(STREAM_WORLD, seed, epoch + 1));
    return fisheryStep(stock, quotaUnder(option), noise.normal);
  };
  return {
    options,
    get epoch() {
      return epoch;
    },
    get stock() {
      return stock;
    },
    get quota() {
      return quota;
    },
    quotaUnder,
    expected,
    counterfactuals: (h = 1) => options.map((_, o) => expected(o, h)),
    outcomeUnder(option) {
      const { catchTotal, next } = realise(option);
      return fisheryMetrics(catchTotal, next);
    },
    take(option) {
      const { catchTotal, next } = realise(option);
      quota = quotaUnder(option);
      stock = next;
      epoch++;
      return fisheryMetrics(catchTotal, stock);
    },
  };
}

/** A simulated conditional forecaster of known skill. */
export interface ForecasterSpec {
  /** Noise (standard deviation) of each forecast value, as a share of the metric's full-miss scale. */
  noise: number;
  /**
   * Systematic errors: add `amount` (a share of the metric's scale) to the forecast of `metric` under
   * `option` (a "raiser" overstates the catch and the stock under "raise the quota 20%").
   */
  bias?: { option: number; metric: number; amount: number }[];
}

export interface FutarchyForecaster {
  readonly spec: ForecasterSpec;
  /**
   * Its forecast `[option][metric]` of epoch `world.epoch + h`: the world's expected metrics plus its
   * noise (a stream derived from (seed, forecaster index, epoch): the same draws whatever was decided
   * before) and bias, rounded to integers.
   */
  forecast(world: FutarchyWorld, h?: number): bigint[][];
}

/**
 * Forecasters of known skill for the futarchy world.
 * @param seed The run's seed.
 * @param specs One spec per forecaster.
 * @returns The forecasters, in the order of `specs`.
 */
export function futarchyForecasters(seed: number, specs: readonly ForecasterSpec[]): FutarchyForecaster[] {
  return specs.map((spec, k) => {
    if (!(spec.noise >= 0)) throw new RangeError(`forecaster ${k}: noise ${spec.noise} is not ≥ 0`);
    return {
      spec,
      forecast(world, h = 1) {
        const draw = rng(deriveSeed(STREAM_FORECAST, seed, k, world.epoch));
        return world.counterfactuals(h).map((values, o) =>
          values.map((v, m) => {
            const scale = Number(FUTARCHY_METRICS[m].scale);
            const bias = (spec.bias ?? [])
              .filter((b) => b.option === o && b.metric === m)
              .reduce((a, b) => a + b.amount, 0);
            return v + BigInt(Math.round(scale * (spec.noise * draw.normal() + bias)));
          }),
        );
      },
    };
  });
}
