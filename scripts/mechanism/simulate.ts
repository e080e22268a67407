/**
 * The mechanism simulation: seats of simulated forecasters of known skill in one agreement, epoch by
 * epoch, with every score, miss, eligibility check and selection computed by the scoring twin
 * (`oracle/scoring/`), never re-implemented here. Pure TypeScript, no chain, deterministic from a seed.
 *
 * The world is the demo's (`oracle/demo/fishery.ts`, `vouching.ts`), held at a steady policy so its
 * statistics do not drift: its `project` is what forecasters see of a target when they commit (the
 * demo's "peek"), its `advance` is what reporters report. Forecasts are `simulatedForecastValues`
 * (the demo's simulated models' recipe) drawn from mulberry32 streams keyed by (seed, model, target),
 * so a model forecasts a target the same way whichever seats it holds and whether or not it commits.
 * A share `voidRate` of epochs is void (reporters short of quorum).
 *
 * One epoch e, in the hub's order: registrations; commits for target e + horizon; the outcome of e;
 * optionally a keeper settles every seat at end(e); the selection of e from the stored standings;
 * reveals for target e (which come after the selection on chain: the first of them fixes it).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { fisheryWorld } from "../../oracle/demo/fishery.js";
import { vouchingWorld } from "../../oracle/demo/vouching.js";
import { rng, type World } from "../../oracle/demo/world.js";
import { simulatedForecastValues } from "../../oracle/models/simulatedModel.js";
import {
  applyReveal,
  computeSelection,
  upToDateFloor,
  epochEnd,
  ranking,
  epochLoss,
  LossKind,
  registeredRecord,
  SelectionMode,
  settle,
  SETTLE_CHUNK,
  standingOf,
  WAD,
  type AgreementClock,
  type CandidateStanding,
  type MetricScoring,
  type ScoreRecord,
} from "../../oracle/scoring/index.js";

export type ExampleName = "fisheries" | "vouching";

/** The agreement parameters the mechanism depends on. */
export interface MechanismParams {
  example: ExampleName;
  clock: AgreementClock;
  horizon: number;
  metrics: MetricScoring[];
  minBond: bigint;
  missPenalty: bigint;
  alpha: bigint;
  minScored: number;
  mode: SelectionMode;
  /** Leader hysteresis (WAD). */
  margin: bigint;
  /** Weighted temperature (WAD). */
  eta: bigint;
  /** Highest score that may hold a seat (WAD). */
  maxScore: bigint;
}

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** An example's parameters (`examples/<name>/params.json`), with overrides. */
export function exampleParams(
  example: ExampleName,
  overrides: Partial<MechanismParams> = {},
): MechanismParams {
  const p = JSON.parse(readFileSync(join(root, "examples", example, "params.json"), "utf8")) as {
    epochLength: number;
    horizon: number;
    reportWindow: number;
    revealWindow: number;
    metrics: { lossKind: keyof typeof LossKind; scale: string }[];
    minBond: string;
    missPenalty: string;
    alpha: string;
    minScored: number;
    selection: "Leader" | "Weighted";
    margin: string;
    eta?: string;
    maxScore: string;
  };
  return {
    example,
    clock: {
      genesis: 0n,
      epochLength: BigInt(p.epochLength),
      reportWindow: BigInt(p.reportWindow),
      revealWindow: BigInt(p.revealWindow),
    },
    horizon: p.horizon,
    metrics: p.metrics.map((m) => ({ scale: BigInt(m.scale), lossKind: LossKind[m.lossKind] })),
    minBond: BigInt(p.minBond),
    missPenalty: BigInt(p.missPenalty),
    alpha: BigInt(p.alpha),
    minScored: p.minScored,
    mode: SelectionMode[p.selection],
    margin: BigInt(p.margin),
    eta: BigInt(p.eta ?? WAD), // Leader examples have none and never read it
    maxScore: BigInt(p.maxScore),
    ...overrides,
  };
}

/** 32-bit mix of small integers (FNV-1a over words, then an avalanche): seeds for mulberry32 streams. */
export function mix(...xs: number[]): number {
  let h = 0x811c9dc5;
  for (const x of xs) h = Math.imul(h ^ (x >>> 0), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** What a run of a world gives every seat: the forecasters' view of each target and the outcomes. */
export interface Trajectory {
  /** `base[t]`: the world's projection of target t when it is committed (epoch t − horizon). */
  base: bigint[][];
  /** `truth[t]`: the reported outcome of epoch t. */
  truth: bigint[][];
  /** `isVoid[t]`: fewer reports than quorum. */
  isVoid: boolean[];
}

/** Epochs the world runs before epoch 0 of a trajectory. */
const WARM_UP = 30;

/** The example's world, held at a steady policy (a fixed quota; proposals funded one epoch in three). */
function worldOf(
  example: ExampleName,
  seed: number,
): { world: World; state: (e: number) => Record<string, unknown> } {
  if (example === "fisheries") {
    // 700 a year is below the stock's maximum sustainable yield (R·K/4 = 875): a steady stock.
    return { world: fisheryWorld(seed), state: () => ({ totalQuota: 700 }) };
  }
  // Approval moves +2 when funded, −1 otherwise: funding one epoch in three keeps it level.
  return { world: vouchingWorld(seed), state: (e) => ({ funded: e % 3 === 0 }) };
}

/**
 * Runs the example's world for `epochs` epochs and `horizon` more, so every target committed during
 * the first `epochs` epochs has an outcome (commit decisions may look at it).
 * @param voidRate Share of void epochs, drawn independently per epoch.
 */
export function trajectory(
  example: ExampleName,
  seed: number,
  epochs: number,
  horizon: number,
  voidRate: number,
): Trajectory {
  const { world, state } = worldOf(example, seed);
  const voids = rng(mix(seed, 0x0701d));
  const base: bigint[][] = [];
  const truth: bigint[][] = [];
  const isVoid: boolean[] = [];
  // Warm up: the world starts away from its steady state (another quota, a lower stock).
  for (let w = 0; w < WARM_UP; w++) world.advance(BigInt(w), state(w));
  for (let e = 0; e < epochs + horizon; e++) {
    const at = e + WARM_UP;
    base[e + horizon] = world.project(BigInt(at + horizon));
    truth[e] = world.advance(BigInt(at), state(at));
    isVoid[e] = voids.uniform() < voidRate;
  }
  return { base, truth, isVoid };
}

/** A simulated model: what forecasts; several seats may run the same model. */
export interface Model {
  /** Names the model's noise stream: two models with one key forecast identically. */
  key: number;
  skill: number;
  profile: "honest" | "adversarial";
}

/** What a seat's commit decision may look at (the simulation grants it hindsight: an upper bound). */
export interface CommitContext {
  /** The epoch committing. */
  epoch: number;
  /** The target, epoch + horizon. */
  target: number;
  /** The loss this forecast will score if revealed (hindsight). */
  loss: bigint;
  /** The seat's candidate id. */
  id: bigint;
  /** Executors of the epochs selected so far (0 = none). */
  executors: readonly bigint[];
}

/** A candidate: a model on a bond, registered in some epoch, committing when `commits` says so. */
export interface Seat {
  model: Model;
  bond: bigint;
  registersAt: number;
  /** Default: every epoch. A forecast committed is always revealed. */
  commits?: (ctx: CommitContext) => boolean;
}

/** Rule changes that break the mechanism on purpose, to show the measurements can tell. */
export interface RuleVariant {
  /** Weighted weight per eligible seat, ignoring bond units. */
  perSeatWeights?: boolean;
  /** Eligibility without the up-to-date floor (cursor ≥ floor). */
  dormancyBlind?: boolean;
  /** Targets a seat never committed to are skipped like void ones instead of counted as misses. */
  uncommittedSkipped?: boolean;
}

export interface RunOptions {
  params: MechanismParams;
  seats: readonly Seat[];
  trajectory: Trajectory;
  epochs: number;
  /** Seeds the Weighted draw's random words. */
  seed: number;
  /** A keeper settles every seat at each epoch's end, before the selection (default: never). */
  keeperSettles?: boolean;
  variant?: RuleVariant;
  /** Called after each epoch's selection (before its reveals). */
  onSelection?: (selection: EpochSelection) => void;
}

/** An epoch's selection as `onSelection` sees it. */
export interface EpochSelection {
  epoch: number;
  /** The executor (0 = none). */
  executor: bigint;
  /** The contract's fallback (0 = none). */
  fallback: bigint;
  /** The epoch's Leader ranking (`ExecutorSelection.ranking`): eligible ids, best score first. */
  ranking: bigint[];
}

export interface RunResult {
  /** Candidate id of seat i: i + 1. */
  executors: bigint[];
  /** Stored records after the last epoch's reveals. */
  records: ScoreRecord[];
  /** Records settled through the last epoch (every target < epochs accounted). */
  settled: ScoreRecord[];
  /** committed[i][t]: seat i committed to target t. */
  committed: boolean[][];
}

/** The loss of a model's forecast for a target: the same whichever seat runs it and whenever. */
export function forecastLoss(
  params: MechanismParams,
  traj: Trajectory,
  seed: number,
  model: Model,
  target: number,
): bigint {
  const uniform = rng(mix(seed, model.key, target)).uniform;
  const values = simulatedForecastValues({
    base: traj.base[target],
    scales: params.metrics.map((m) => m.scale),
    skill: model.skill,
    profile: model.profile,
    uniform,
  });
  return epochLoss(values, traj.truth[target], params.metrics);
}

/**
 * The Weighted draw's word: uniform over 256 bits, from mulberry32. It stands for the hub's beacon of
 * revealed salts or an external source; the draw only needs it to be unknown to the candidates.
 */
function randomWord(seed: number, epoch: number): bigint {
  const u = rng(mix(seed, 0x5eed, epoch)).uniform;
  let w = 0n;
  for (let i = 0; i < 8; i++) w = (w << 32n) | BigInt(Math.floor(u() * 2 ** 32));
  return w;
}

/** Runs the agreement for `epochs` epochs. */
export function run(opts: RunOptions): RunResult {
  const { params, seats, trajectory: traj, epochs, seed } = opts;
  const variant = opts.variant ?? {};
  const h = params.horizon;
  const n = seats.length;
  const records: (ScoreRecord | undefined)[] = new Array(n).fill(undefined);
  const committed: boolean[][] = seats.map(() => []);
  const losses = new Map<string, bigint>();
  const lossOf = (i: number, t: number) => {
    const key = `${seats[i].model.key}:${t}`;
    let loss = losses.get(key);
    if (loss === undefined) {
      loss = forecastLoss(params, traj, seed, seats[i].model, t);
      losses.set(key, loss);
    }
    return loss;
  };
  const voidFor = (i: number) => (t: bigint) =>
    traj.isVoid[Number(t)] || (variant.uncommittedSkipped === true && !committed[i][Number(t)]);
  const rules = (i: number) => ({ alpha: params.alpha, missPenalty: params.missPenalty, isVoid: voidFor(i) });
  const executors: bigint[] = [];
  let incumbent = 0n;
  for (let e = 0; e < epochs; e++) {
    for (const [i, seat] of seats.entries()) {
      if (seat.registersAt === e)
        records[i] = registeredRecord({ epoch: BigInt(e), horizon: BigInt(h), bond: seat.bond });
    }
    const target = e + h;
    for (const [i, seat] of seats.entries()) {
      if (records[i] === undefined) continue;
      const ctx = { epoch: e, target, loss: lossOf(i, target), id: BigInt(i + 1), executors };
      committed[i][target] = seat.commits ? seat.commits(ctx) : true;
    }
    if (opts.keeperSettles) {
      for (let i = 0; i < n; i++) {
        const r = records[i];
        if (r)
          records[i] = settle({
            ...rules(i),
            record: r,
            clock: params.clock,
            asOf: epochEnd(params.clock, BigInt(e)),
            chunk: SETTLE_CHUNK,
          }).record;
      }
    }
    const standings: CandidateStanding[] = [];
    for (let i = 0; i < n; i++) {
      const r = records[i];
      if (!r) continue;
      const s = standingOf(BigInt(i + 1), r, params.minBond);
      if (variant.perSeatWeights && s.units > 1n) s.units = 1n;
      standings.push(s);
    }
    const floor = variant.dormancyBlind ? 0n : upToDateFloor(BigInt(e), (t) => traj.isVoid[Number(t)]);
    const rule = { minScored: params.minScored, maxScore: params.maxScore, floor };
    const { executor, fallback } = computeSelection({
      candidates: standings,
      rule,
      incumbent,
      margin: params.margin,
      mode: params.mode,
      eta: params.eta,
      randomWord: params.mode === SelectionMode.Weighted ? randomWord(seed, e) : undefined,
    });
    executors.push(executor);
    if (executor !== 0n) incumbent = executor;
    opts.onSelection?.({ epoch: e, executor, fallback, ranking: ranking(standings, rule).ids });
    if (traj.isVoid[e]) continue;
    for (let i = 0; i < n; i++) {
      const r = records[i];
      if (!r || !committed[i][e]) continue;
      records[i] = applyReveal({ ...rules(i), record: r, target: BigInt(e), loss: lossOf(i, e) }).record;
    }
  }
  const final = records.map(
    (r, i) => r ?? registeredRecord({ epoch: BigInt(epochs), horizon: BigInt(h), bond: seats[i].bond }),
  );
  return {
    executors,
    records: final,
    settled: final.map(
      (r, i) =>
        settle({ ...rules(i), record: r, clock: params.clock, asOf: settledAt(params.clock, epochs) }).record,
    ),
    committed,
  };
}

/** A timestamp by which every target below `epochs` is past its reveal deadline. */
function settledAt(clock: AgreementClock, epochs: number): bigint {
  return epochEnd(clock, BigInt(epochs - 1)) + clock.reportWindow + clock.revealWindow;
}
