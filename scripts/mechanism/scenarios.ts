/**
 * What `bench:mechanism` measures, each over many seeded runs of `./simulate.ts`. Every scenario
 * starts from an example's parameters (`examples/<name>/params.json`: fisheries for Leader, vouching
 * for Weighted) and overrides only what it studies.
 *
 * The standard pool: five good models of skill 0.9, 0.86, 0.82, 0.78 and 0.74 (expected losses about
 * 0.046, 0.056, 0.067, 0.080 and 0.092: each 0.010–0.013 behind the next better one, the worst 0.046
 * behind the best) and two weak ones, skill 0.4 and 0 (about 0.23 and 0.40), each on a bond of 1.5
 * minBond (one unit), registered at epoch 0. "Expected loss" is a model's mean loss over a long
 * calibration run of the same world (`expectedLoss`).
 */
import { WAD } from "../../oracle/scoring/index.js";
import {
  exampleParams,
  forecastLoss,
  run,
  trajectory,
  type CommitContext,
  type ExampleName,
  type MechanismParams,
  type Model,
  type RuleVariant,
  type Seat,
} from "./simulate.js";

/** Skills of the standard pool's good and weak models. */
export const GOOD_SKILLS = [0.9, 0.86, 0.82, 0.78, 0.74] as const;
export const WEAK_SKILLS = [0.4, 0] as const;
/** Skill of the clearly better newcomer (expected loss about 0.026, 0.019 below the pool's best). */
export const NEWCOMER_SKILL = 1;
/** Seeds per scenario in the benchmark (the test runs fewer). */
export const BENCH_SEEDS = 200;
/** Share of void epochs (reporters short of quorum). */
export const VOID_RATE = 0.05;
/** Bond of a standard seat: 1.5 minBond, one unit. */
const STANDARD_BOND = (3n * WAD) / 2n;

export const POOL: readonly Model[] = [...GOOD_SKILLS, ...WEAK_SKILLS].map((skill, i) => ({
  key: i + 1,
  skill,
  profile: "honest",
}));
export const NEWCOMER: Model = { key: 100, skill: NEWCOMER_SKILL, profile: "honest" };
const ADVERSARY: Model = { key: 200, skill: 0, profile: "adversarial" };

/** The standard pool's seats, registered at epoch 0, ids 1 to 7 in `POOL`'s order. */
export const poolSeats = (minBond: bigint): Seat[] =>
  POOL.map((model) => ({ model, bond: (STANDARD_BOND * minBond) / WAD, registersAt: 0 }));

// ─────────────────────────────────────────── statistics ───────────────────────────────────────────

/** Mean and standard error of the mean. */
export interface Estimate {
  value: number;
  se: number;
}

export function meanOf(xs: readonly number[]): Estimate {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { value: mean, se: Math.sqrt(variance / n) };
}

/**
 * Median, with the standard error of a median of `n` draws from a distribution of that spread
 * (1.2533 · sd / √n for a normal one; a rough guide for a tolerance, not an exact figure).
 */
export function medianOf(xs: readonly number[]): Estimate {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { value, se: 1.2533 * meanOf(xs).se };
}

/** A WAD as a number (shares of the worst loss). */
export const wad = (x: bigint) => Number(x) / 1e18;

// ─────────────────────────────────────────── calibration ──────────────────────────────────────────

const CALIBRATION_SEED = 0xca11b;
const CALIBRATION_EPOCHS = 4000;
const calibration = new Map<string, number[]>();

/** A model's losses over the calibration run of the example's world (no void epochs), in WAD shares. */
export function calibrationLosses(example: ExampleName, model: Model): number[] {
  const key = `${example}:${model.key}:${model.skill}:${model.profile}`;
  let losses = calibration.get(key);
  if (!losses) {
    const params = exampleParams(example);
    const traj = trajectory(example, CALIBRATION_SEED, CALIBRATION_EPOCHS, params.horizon, 0);
    losses = [];
    for (let t = params.horizon; t < CALIBRATION_EPOCHS; t++)
      losses.push(wad(forecastLoss(params, traj, CALIBRATION_SEED, model, t)));
    calibration.set(key, losses);
  }
  return losses;
}

/** A model's expected loss in the example's world: its mean calibration loss. */
export function expectedLoss(example: ExampleName, model: Model): number {
  return meanOf(calibrationLosses(example, model)).value;
}

/** The loss a model exceeds on a share `q` of targets (calibration quantile). */
function lossQuantile(example: ExampleName, model: Model, q: number): number {
  const sorted = [...calibrationLosses(example, model)].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

// ─────────────────────────────────────────── scenarios ────────────────────────────────────────────

export interface ScenarioOptions {
  params: MechanismParams;
  /** Seeds 1..seeds. */
  seeds: number;
  variant?: RuleVariant;
}

/** Per-epoch regret of an executor sequence: μ(executor) − μ(best present), over epochs with one. */
function regretOf(
  executors: readonly bigint[],
  mu: (id: bigint) => number,
  best: number,
  upTo: number,
): number[] {
  const out: number[] = [];
  for (let e = 0; e < upTo; e++) if (executors[e] !== 0n) out.push(mu(executors[e]) - best);
  return out;
}

const switchesOf = (xs: readonly bigint[]) =>
  xs.slice(1).filter((x, i) => x !== 0n && xs[i] !== 0n && x !== xs[i]).length;

export interface PoolResult {
  regretT20: Estimate;
  regretT100: Estimate;
  switchesT100: Estimate;
  /** Share of draws (Weighted) or epochs (Leader) won by the pool's best model, epochs with an executor. */
  bestShare: Estimate;
}

/**
 * The standard pool for 100 epochs: per seed, the mean regret over the first 20 and all 100 epochs
 * (epochs nobody is eligible for yet, the first `minScored + horizon`, have no executor under any rule
 * and are left out), executor switches, and the best model's share of the executions.
 */
export function standardPool(opts: ScenarioOptions): PoolResult {
  const { params } = opts;
  const seats = poolSeats(params.minBond);
  const mus = seats.map((s) => expectedLoss(params.example, s.model));
  const best = Math.min(...mus);
  const bestId = BigInt(mus.indexOf(best) + 1);
  const mu = (id: bigint) => mus[Number(id) - 1];
  const r20: number[] = [];
  const r100: number[] = [];
  const switches: number[] = [];
  const shares: number[] = [];
  for (let seed = 1; seed <= opts.seeds; seed++) {
    const traj = trajectory(params.example, seed, 100, params.horizon, VOID_RATE);
    const { executors } = run({ params, seats, trajectory: traj, epochs: 100, seed, variant: opts.variant });
    r20.push(meanOf(regretOf(executors, mu, best, 20)).value);
    r100.push(meanOf(regretOf(executors, mu, best, 100)).value);
    switches.push(switchesOf(executors));
    const held = executors.filter((x) => x !== 0n);
    shares.push(held.filter((x) => x === bestId).length / held.length);
  }
  return {
    regretT20: meanOf(r20),
    regretT100: meanOf(r100),
    switchesT100: meanOf(switches),
    bestShare: meanOf(shares),
  };
}

/** When the newcomer registers, and how long it is watched. */
const NEWCOMER_AT = 20;
const NEWCOMER_WATCH = 60;

export interface NewcomerResult {
  /** Median over seeds of the epochs from its registration to its first execution. */
  median: Estimate;
  /** Their mean (a run where it never executes within the watch counts the whole watch). */
  mean: Estimate;
}

/**
 * A clearly better model registers at epoch 20 into the running standard pool (Leader): epochs from
 * its registration until it first executes. It cannot before `horizon + minScored` epochs (its first
 * target is `horizon` epochs out, and it needs `minScored` of them scored); a run where it never
 * does within 60 epochs counts 60.
 */
export function newcomer(opts: ScenarioOptions): NewcomerResult {
  const { params } = opts;
  const seats: Seat[] = [
    ...poolSeats(params.minBond),
    { model: NEWCOMER, bond: (STANDARD_BOND * params.minBond) / WAD, registersAt: NEWCOMER_AT },
  ];
  const id = BigInt(seats.length);
  const epochs = NEWCOMER_AT + NEWCOMER_WATCH;
  const waits: number[] = [];
  for (let seed = 1; seed <= opts.seeds; seed++) {
    const traj = trajectory(params.example, seed, epochs, params.horizon, VOID_RATE);
    const { executors } = run({ params, seats, trajectory: traj, epochs, seed, variant: opts.variant });
    const first = executors.findIndex((x, e) => e >= NEWCOMER_AT && x === id);
    waits.push(first < 0 ? NEWCOMER_WATCH : first - NEWCOMER_AT);
  }
  return { median: medianOf(waits), mean: meanOf(waits) };
}

export interface DormantResult {
  /** The most epochs it kept the seat, over seeds and with or without a keeper settling everyone. */
  epochsKept: number;
  /** Seeds where the best model led three epochs in a row and then went dormant. */
  runs: number;
}

/**
 * The pool's best model leads (executes three epochs in a row), then stops committing for good. Its
 * first missing forecast is for the first non-void target it does not commit to (`m`; void targets
 * have nothing to miss); counted: the epochs from `m − horizon` (when that forecast was due) on in
 * which it still executes. Run without settlement and with a keeper settling every seat at each
 * epoch's end; the larger count is reported.
 */
export function dormant(opts: ScenarioOptions): DormantResult {
  const { params } = opts;
  const h = params.horizon;
  const epochs = 60;
  let epochsKept = 0;
  let runs = 0;
  for (const keeperSettles of [false, true]) {
    for (let seed = 1; seed <= opts.seeds; seed++) {
      let stoppedAt = -1;
      const seats = poolSeats(params.minBond);
      seats[0] = {
        ...seats[0],
        commits: ({ epoch, id, executors }) => {
          if (stoppedAt < 0 && executors.length >= 3 && executors.slice(-3).every((x) => x === id))
            stoppedAt = epoch;
          return stoppedAt < 0;
        },
      };
      const traj = trajectory(params.example, seed, epochs, h, VOID_RATE);
      const { executors } = run({
        params,
        seats,
        trajectory: traj,
        epochs,
        seed,
        keeperSettles,
        variant: opts.variant,
      });
      if (stoppedAt < 0) continue;
      let m = stoppedAt + h;
      while (m < epochs && traj.isVoid[m]) m++;
      if (m >= epochs) continue;
      runs++;
      const kept = executors.filter((x, e) => e >= m - h && x === 1n).length;
      epochsKept = Math.max(epochsKept, kept);
    }
  }
  return { epochsKept, runs };
}

export interface CherryPickResult {
  /**
   * Mean over seeds of what skipping buys: the honest twin's settled score minus the cherry-picker's
   * (scores are losses, lower is better), in shares of 1e18. Negative = skipping hurts.
   */
  scoreGain: Estimate;
  /** The largest gain over seeds. */
  maxGain: number;
}

/**
 * A seat runs the pool's best model but commits only when its forecast will score well (hindsight:
 * it skips every target its loss would put in its worst 30 %, an upper bound on any real skipping
 * strategy); the pool's own seat of that model forecasts every target. After 60 epochs both are
 * settled (every target accounted) and their scores compared.
 */
export function cherryPick(opts: ScenarioOptions): CherryPickResult {
  const { params } = opts;
  const epochs = 60;
  const seats = poolSeats(params.minBond);
  const honest = seats[0];
  const threshold = lossQuantile(params.example, honest.model, 0.7);
  seats.push({ ...honest, commits: ({ loss }) => wad(loss) <= threshold });
  const gains: number[] = [];
  for (let seed = 1; seed <= opts.seeds; seed++) {
    const traj = trajectory(params.example, seed, epochs, params.horizon, VOID_RATE);
    const { settled } = run({ params, seats, trajectory: traj, epochs, seed, variant: opts.variant });
    gains.push(wad(settled[0].score) - wad(settled[seats.length - 1].score));
  }
  return { scoreGain: meanOf(gains), maxGain: Math.max(...gains) };
}

export interface SybilResult {
  /** One model's draw share with k seats splitting bond B ÷ its share with one seat of bond B. */
  groupShareRatio: number;
  /** Its share with one seat. */
  singleShare: number;
}

/**
 * Weighted. The pool's third-best model (a good model that is rarely the best, so extra weight is
 * what it would seek) holds either one seat of bond B = k·minBond (k units) or k seats of minBond
 * each (one unit each), after the rest of the pool in id order; the rest keep their one-unit bonds.
 * Same seeds, so the same forecasts and random words: the ratio of its draw shares over every epoch
 * of every seed. Units make the two walks identical, so the ratio is 1 exactly; with one weight per
 * seat it is well above.
 */
export function sybil(opts: ScenarioOptions & { k: number }): SybilResult {
  const { params, k } = opts;
  const epochs = 60;
  const pool = poolSeats(params.minBond);
  const subject = pool[2];
  const others = pool.filter((s) => s !== subject);
  const single: Seat[] = [...others, { ...subject, bond: BigInt(k) * params.minBond }];
  const group: Seat[] = [
    ...others,
    ...Array.from({ length: k }, () => ({ ...subject, bond: params.minBond })),
  ];
  const share = (seats: Seat[]) => {
    const firstId = BigInt(others.length + 1);
    let won = 0;
    let draws = 0;
    for (let seed = 1; seed <= opts.seeds; seed++) {
      const traj = trajectory(params.example, seed, epochs, params.horizon, VOID_RATE);
      const { executors } = run({ params, seats, trajectory: traj, epochs, seed, variant: opts.variant });
      for (const x of executors) {
        if (x === 0n) continue;
        draws++;
        if (x >= firstId) won++;
      }
    }
    return won / draws;
  };
  const singleShare = share(single);
  return { groupShareRatio: share(group) / singleShare, singleShare };
}

export interface OutageResult {
  /** Epochs the adversary executed, per run. */
  adversaryEpochs: Estimate;
  /** Epochs without an executor from the outage's start on, per run. */
  gapEpochs: Estimate;
}

/** The outage: every honest seat misses targets 31..34; the adversary never misses. */
const OUTAGE_FROM = 30;
const OUTAGE_LENGTH = 4;

/**
 * Leader. The standard pool plus an adversarial model (a full miss or worse on every metric, loss
 * near 1) that always commits. Every honest seat goes down for four epochs (no forecasts for targets
 * 31–34): what `maxScore` lets the adversary do meanwhile, and how long the agreement goes without an
 * executor from the outage's start (the honest seats return with four misses in their scores).
 */
export function outage(opts: ScenarioOptions): OutageResult {
  const { params } = opts;
  const h = params.horizon;
  const epochs = 50;
  const up = ({ epoch }: CommitContext) =>
    epoch + h <= OUTAGE_FROM || epoch + h > OUTAGE_FROM + OUTAGE_LENGTH;
  const seats: Seat[] = [
    ...poolSeats(params.minBond).map((s) => ({ ...s, commits: up })),
    { model: ADVERSARY, bond: (STANDARD_BOND * params.minBond) / WAD, registersAt: 0 },
  ];
  const adversary = BigInt(seats.length);
  const adversaryEpochs: number[] = [];
  const gapEpochs: number[] = [];
  for (let seed = 1; seed <= opts.seeds; seed++) {
    const traj = trajectory(params.example, seed, epochs, h, VOID_RATE);
    const { executors } = run({ params, seats, trajectory: traj, epochs, seed, variant: opts.variant });
    adversaryEpochs.push(executors.filter((x) => x === adversary).length);
    gapEpochs.push(executors.filter((x, e) => e >= OUTAGE_FROM && x === 0n).length);
  }
  return { adversaryEpochs: meanOf(adversaryEpochs), gapEpochs: meanOf(gapEpochs) };
}
