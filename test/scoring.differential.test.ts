/**
 * Differential tests: the TypeScript scoring twin (`oracle/scoring/`) against the Solidity it mirrors.
 *
 * 1. LossMath, Median and ScoreRecordLibrary.eligible through `contracts/test/ScoringHarness.sol`, on a few
 *    hundred seeded random inputs per function plus hand-picked edges (equal values, int128 / int256
 *    extremes, scale 1, alpha = 1e18, overflow paths; expNegWad next to every multiple of ln 2 and
 *    from 42e18 on; every eligibility threshold at, below and above its boundary). Results must be
 *    equal, and so must the panic code of every revert.
 * 2. A live hub on the in-process chain over many epochs, on the cursor rules: candidates that skip
 *    commits (a never-committed target is a miss), withhold reveals, exit and withdraw, register late
 *    (one into a withdrawn candidate's seat), top up, get poked, and void epochs (one run has a void
 *    streak longer than MAX_VOID_LOOKBACK). The test keeps its own model of every record, advanced
 *    only with the twin (`registeredRecord`, `applyReveal`, `settle`, `applyMissed`), and after every
 *    step compares the hub's `candidate()` view (score, scoredCount, cursor, misses, bond, exiting,
 *    withdrawn, eligible) with the twin's settlement of the model; every reveal's loss and score, every
 *    RevealsMissed (misses, penalty, score) and every ExecutorSelected with the twin's; every outcome
 *    with the twin's median or void; and `executorOf` / `ranking` / `selectExecutor` in the selection
 *    window with `computeSelection` / `ranking` on the twin's standings (`standingOf`,
 *    `upToDateFloor`). Leader with and without margin, Weighted with boundary words from a fixed
 *    source, and Weighted on the salt beacon (`beaconOf`, `beaconWord`).
 *
 * Coverage counters asserted at the end keep the runs exercising the cases the rules distinguish
 * (never-committed and withheld misses, the penalty cap, stale cursors, the void lookback cap, ties,
 * the hysteresis boundary, draw boundaries, selections fixed by each path, a record changed before
 * the fix). A twin that sums one Taylor term more (to r^8/8!) fails both the library and the Weighted hub comparisons.
 */
import { expect } from "chai";
import { network } from "hardhat";
import {
  BaseError,
  ContractFunctionRevertedError,
  keccak256,
  parseEventLogs,
  toHex,
  zeroAddress,
  type Hex,
  type Log,
} from "viem";

import {
  applyMissed,
  applyMisses,
  applyReveal,
  beaconOf,
  beaconWord,
  CandidateStatus,
  computeSelection,
  dueEnd,
  epochLoss,
  EvmPanicError,
  ewma,
  expNegWad,
  isEligible,
  isVoidOutcome,
  LN2_WAD,
  MAX_INT256,
  MAX_UINT256,
  MAX_VOID_LOOKBACK,
  median,
  metricLoss,
  MIN_INT256,
  ranking,
  registeredRecord,
  rpowWad,
  ScoringInputError,
  SelectionMode,
  selectionWeights,
  settle,
  SETTLE_CHUNK,
  standingOf,
  upToDateFloor,
  type AgreementClock,
  type ApplyMissedReturnType,
  type CandidateStanding,
  type EligibilityRule,
  type ScoreRecord,
} from "../oracle/scoring/index.js";
import { clock, commitmentOf, deployHub, EPOCH, WAD } from "./fixtures/hub.js";
import { prng, type Prng } from "./fixtures/prng.js";

// ───────────────────────────────────── library differential ─────────────────────────────────────

type Outcome = { value: string } | { panic: number } | { error: string };

const I128_MAX = (1n << 127n) - 1n;
const I128_MIN = -(1n << 127n);
const U128_MAX = (1n << 128n) - 1n;
const RANDOM_CASES = 300;

function twinOutcome(fn: () => bigint): Outcome {
  try {
    return { value: fn().toString() };
  } catch (e) {
    if (e instanceof EvmPanicError) return { panic: e.code };
    return { error: String(e) };
  }
}

async function chainOutcome(call: Promise<bigint>): Promise<Outcome> {
  try {
    return { value: (await call).toString() };
  } catch (e) {
    const reverted =
      e instanceof BaseError ? e.walk((x) => x instanceof ContractFunctionRevertedError) : null;
    if (reverted instanceof ContractFunctionRevertedError && reverted.data?.errorName === "Panic") {
      return { panic: Number(reverted.data.args?.[0]) };
    }
    return { error: e instanceof BaseError ? e.shortMessage : String(e) };
  }
}

/**
 * Runs every case on chain (concurrently) and in the twin; returns the mismatches (with their
 * inputs) and how many cases returned a value and how many panicked.
 */
async function differential<A extends readonly unknown[]>(
  cases: readonly A[],
  onChain: (...args: A) => Promise<bigint>,
  offChain: (...args: A) => bigint,
) {
  const chain = await Promise.all(cases.map((c) => chainOutcome(onChain(...c))));
  const mismatches: { args: string[]; chain: Outcome; twin: Outcome }[] = [];
  let values = 0;
  let panics = 0;
  cases.forEach((c, i) => {
    const twin = twinOutcome(() => offChain(...c));
    if ("value" in chain[i]) values++;
    if ("panic" in chain[i]) panics++;
    if (JSON.stringify(twin) !== JSON.stringify(chain[i])) {
      mismatches.push({ args: c.map((x) => String(x)), chain: chain[i], twin });
    }
  });
  return { mismatches: mismatches.slice(0, 5), mismatchCount: mismatches.length, values, panics };
}

/** A signed value from a mix of ranges: small, int128, int256, their extremes. */
function anyInt(r: Prng): bigint {
  switch (r.int(0, 5)) {
    case 0:
      return BigInt(r.int(-1000, 1000));
    case 1:
      return r.between(I128_MIN, I128_MAX);
    case 2:
      return r.pick([I128_MIN, I128_MAX, I128_MIN + 1n, I128_MAX - 1n, 0n, -1n, 1n]);
    case 3:
      return r.pick([MIN_INT256, MAX_INT256, MIN_INT256 + 1n, MAX_INT256 - 1n]);
    case 4:
      return r.between(MIN_INT256, MAX_INT256);
    default:
      return r.between(-(10n ** 24n), 10n ** 24n);
  }
}

const clampInt256 = (x: bigint) => (x > MAX_INT256 ? MAX_INT256 : x < MIN_INT256 ? MIN_INT256 : x);
const abs = (x: bigint) => (x < 0n ? -x : x);
const wadFraction = (r: Prng) => (r.chance(0.1) ? r.pick([0n, 1n, WAD - 1n, WAD]) : r.between(0n, WAD));
const alphaOf = (r: Prng) => (r.chance(0.2) ? WAD : r.chance(0.1) ? 1n : r.between(1n, WAD));

async function deployHarness() {
  const { viem } = await network.create();
  return viem.deployContract("ScoringHarness");
}

describe("scoring twin ≡ Solidity libraries (randomised differential)", () => {
  let harness: Awaited<ReturnType<typeof deployHarness>>;

  before(async () => {
    harness = await deployHarness();
  });

  it("metricLoss: equal on random and edge inputs, including int256 extremes and bad kinds", async () => {
    const r = prng(0x10n);
    const cases: [bigint, bigint, bigint, number][] = [
      [0n, 0n, 1n, 0],
      [0n, 0n, 1n, 1],
      [1n, 0n, 1n, 0],
      [5n, 5n, 0n, 0],
      [130n, 100n, 100n, 0],
      [70n, 100n, 100n, 1],
      [I128_MAX, I128_MIN, U128_MAX, 0],
      [I128_MAX, I128_MIN, U128_MAX + 1n, 1],
      [I128_MIN, I128_MAX, U128_MAX + 1n, 0],
      [MAX_INT256, MIN_INT256, MAX_UINT256, 0],
      [MAX_INT256, MIN_INT256 + 1n, MAX_UINT256, 0],
      [MAX_INT256, MIN_INT256 + 1n, MAX_UINT256, 1],
      [MAX_UINT256 / WAD, 0n, MAX_UINT256, 1],
      [MAX_UINT256 / WAD + 1n, 0n, MAX_UINT256, 0],
      [0n, 1n, 2n, 2],
      [0n, 1n, 2n, 255],
    ];
    while (cases.length < RANDOM_CASES) {
      const f = anyInt(r);
      const o = r.chance(0.1) ? f : r.chance(0.4) ? clampInt256(f + BigInt(r.int(-5000, 5000))) : anyInt(r);
      const diff = abs(f - o);
      const scale = r.pick([
        1n,
        r.between(1n, 10n ** 6n),
        r.between(1n, U128_MAX),
        MAX_UINT256,
        diff,
        diff < MAX_UINT256 ? diff + 1n : diff,
        diff > 1n ? diff - 1n : 1n,
        diff * 2n < MAX_UINT256 ? diff * 2n : MAX_UINT256,
        r.between(1n, MAX_UINT256),
      ]);
      cases.push([f, o, scale, r.chance(0.03) ? r.int(2, 255) : r.int(0, 1)]);
    }
    const d = await differential(cases, (...a) => harness.read.metricLoss(a), metricLoss);
    expect(d.mismatches, `${d.mismatchCount} mismatches`).to.deep.equal([]);
    expect(d.panics).to.be.greaterThan(0);
  });

  it("ewma: equal on random scores, losses and alphas (alpha = 1e18, first epoch, overflow)", async () => {
    const r = prng(0x20n);
    const cases: [bigint, bigint, bigint, boolean][] = [
      [0n, WAD, WAD, false],
      [WAD, 0n, WAD, false],
      [WAD / 3n, WAD / 3n, WAD / 7n, false],
      [0n, 0n, 1n, true],
      [WAD, WAD / 2n, 1n, false],
      [0n, MAX_UINT256, 2n, false],
      [MAX_UINT256, 0n, 2n, false],
      [MAX_UINT256 - 1n, MAX_UINT256, WAD, false],
      [MAX_UINT256 - 1n, MAX_UINT256, 2n * WAD, false],
      [MAX_UINT256, 5n, 0n, true],
    ];
    while (cases.length < RANDOM_CASES) {
      const score = r.chance(0.05) ? r.bits(256) : wadFraction(r);
      const loss = r.chance(0.1) ? score : r.chance(0.05) ? r.bits(256) : wadFraction(r);
      cases.push([score, loss, alphaOf(r), r.chance(0.2)]);
    }
    const d = await differential(cases, (...a) => harness.read.ewma(a), ewma);
    expect(d.mismatches, `${d.mismatchCount} mismatches`).to.deep.equal([]);
    expect(d.panics).to.be.greaterThan(0);
  });

  it("applyMisses and rpowWad: equal on random inputs, huge miss counts and out-of-range bases", async () => {
    const r = prng(0x30n);
    const misses: [bigint, bigint, bigint, boolean][] = [
      [WAD / 2n, WAD / 4n, 0n, true],
      [WAD / 2n, WAD / 4n, 1n, true],
      [WAD / 2n, WAD, 3n, false],
      [0n, 1n, 1n, false],
      [WAD, WAD / 4n, 5n, false],
      [0n, WAD / 4n, MAX_UINT256, false],
      [WAD / 5n, 1n, 1n << 64n, false],
      [WAD / 2n, WAD + 1n, 1n, false],
      [WAD + 1n, WAD / 2n, 1n, false],
    ];
    while (misses.length < RANDOM_CASES) {
      const m = r.pick([BigInt(r.int(0, 40)), r.bits(32), r.bits(64), r.bits(256)]);
      const outOfRange = r.chance(0.03);
      misses.push([outOfRange ? WAD + r.bits(40) : wadFraction(r), alphaOf(r), m, r.chance(0.15)]);
    }
    const pow: [bigint, bigint][] = [
      [0n, 0n],
      [0n, 1n],
      [WAD, MAX_UINT256],
      [WAD / 2n, 64n],
      [WAD - 1n, 1n << 200n],
      [1n << 128n, 1n],
      [U128_MAX, 1n],
      [2n * WAD, 200n],
      [MAX_UINT256, 0n],
    ];
    while (pow.length < RANDOM_CASES) {
      const x = r.pick([wadFraction(r), wadFraction(r), r.between(WAD, 4n * WAD), r.bits(129)]);
      pow.push([x, r.pick([BigInt(r.int(0, 100)), r.bits(64), r.bits(256)])]);
    }
    const [dm, dp] = await Promise.all([
      differential(misses, (...a) => harness.read.applyMisses(a), applyMisses),
      differential(pow, (...a) => harness.read.rpowWad(a), rpowWad),
    ]);
    expect(dm.mismatches, `applyMisses: ${dm.mismatchCount} mismatches`).to.deep.equal([]);
    expect(dp.mismatches, `rpowWad: ${dp.mismatchCount} mismatches`).to.deep.equal([]);
    expect(dm.panics).to.be.greaterThan(0);
    expect(dp.panics).to.be.greaterThan(0);
  });

  it("expNegWad: equal across [0, 42e18), next to every multiple of ln 2, and from 42e18 on", async () => {
    const r = prng(0x40n);
    const cases: [bigint][] = [0n, 1n, LN2_WAD - 1n, LN2_WAD, LN2_WAD + 1n, 2n * LN2_WAD, WAD, 41n * LN2_WAD]
      .concat([42n * WAD - 1n, 42n * WAD, 42n * WAD + 1n, 60n * LN2_WAD, 61n * LN2_WAD, MAX_UINT256])
      .map((x) => [x]);
    // Every k·ln2 with 42e18 ≥ k·ln2 (k ≤ 60), offset by a few wei (the Taylor series then stops
    // after one or two terms, or r wraps to just below ln 2 with k − 1) and by larger amounts.
    for (let k = 0n; k <= 61n; k++) {
      for (const d of [-2n, -1n, 0n, 1n, 2n]) if (k * LN2_WAD + d >= 0n) cases.push([k * LN2_WAD + d]);
    }
    while (cases.length < 3 * RANDOM_CASES) {
      const near = BigInt(r.int(0, 61)) * LN2_WAD;
      const x = r.pick([
        r.between(0n, 42n * WAD),
        r.between(0n, 42n * WAD),
        r.between(0n, 10n ** 6n),
        r.between(0n, WAD),
        near + BigInt(r.int(-1000, 1000)),
        near + r.between(-(10n ** 12n), 10n ** 12n),
        near + r.between(-(10n ** 17n), 10n ** 17n),
        42n * WAD + r.between(-(10n ** 6n), 10n ** 6n),
        r.between(42n * WAD, 2n ** 64n),
        r.between(42n * WAD, MAX_UINT256),
      ]);
      cases.push([x < 0n ? 0n : x]);
    }
    const d = await differential(cases, (...a) => harness.read.expNegWad(a), expNegWad);
    expect(d.mismatches, `${d.mismatchCount} mismatches`).to.deep.equal([]);
    expect(d.values).to.equal(cases.length);
    // The fuzz reaches both sides of the cut-off and the shift by every k.
    expect(cases.filter(([x]) => x >= 42n * WAD).length).to.be.greaterThan(RANDOM_CASES / 10);
    expect(new Set(cases.map(([x]) => (x < 42n * WAD ? x / LN2_WAD : -1n))).size).to.equal(62);
  });

  it("eligible: ScoreRecord.eligible on packed records equals the twin's isEligible at every threshold", async () => {
    const r = prng(0x60n);
    type Fields = { score: bigint; scoredCount: number; cursor: number; units: number; status: number };
    const cases: [Fields, bigint, bigint, bigint][] = [];
    const U32 = 2 ** 32 - 1;
    while (cases.length < 2 * RANDOM_CASES) {
      const minScored = r.pick([0n, 1n, 2n, BigInt(r.int(0, 100)), 65_535n]);
      const maxScore = r.pick([WAD, WAD - 1n, (8n * WAD) / 10n, r.between(1n, WAD), (1n << 64n) - 1n]);
      const floor = r.pick([0n, BigInt(r.int(0, 1000)), BigInt(U32), BigInt(U32) + 1n]);
      // Each field on, just below or just above its threshold, or anywhere in its width.
      const near = (x: bigint, lo: bigint, hi: bigint) => {
        const v = x + BigInt(r.int(-1, 1));
        return r.chance(0.25) ? r.between(lo, hi) : v < lo ? lo : v > hi ? hi : v;
      };
      const fields: Fields = {
        score: near(maxScore, 0n, (1n << 60n) - 1n),
        scoredCount: Number(
          r.chance(0.1) ? r.between(65_530n, BigInt(U32)) : near(minScored, 0n, BigInt(U32)),
        ),
        cursor: Number(near(floor, 0n, BigInt(U32))),
        units: Number(r.chance(0.2) ? 0n : r.pick([1n, 2n, r.between(1n, (1n << 18n) - 1n)])),
        status: r.chance(0.8)
          ? CandidateStatus.Active
          : r.pick([CandidateStatus.Exiting, CandidateStatus.Withdrawn]),
      };
      cases.push([fields, minScored, maxScore, floor]);
    }
    const chain = await Promise.all(cases.map((c) => harness.read.eligible(c)));
    const twin = cases.map(([c, minScored, maxScore, floor]) =>
      isEligible(
        {
          id: 1n,
          score: c.score,
          units: BigInt(c.units),
          cursor: BigInt(c.cursor),
          scoredCount: c.scoredCount,
          status: c.status as CandidateStatus,
        },
        { minScored: Number(minScored), maxScore, floor },
      ),
    );
    const mismatches = cases.filter((_, i) => chain[i] !== twin[i]).slice(0, 5);
    const show = (c: unknown) => JSON.stringify(c, (_, v: unknown) => (typeof v === "bigint" ? `${v}` : v));
    expect(mismatches.map(show), "mismatches").to.deep.equal([]);
    expect(twin.filter((x) => x).length, "eligible cases").to.be.greaterThan(RANDOM_CASES / 10);
    expect(twin.filter((x) => !x).length, "ineligible cases").to.be.greaterThan(RANDOM_CASES / 10);
  });

  it("median: equal on random lists (duplicates, even counts, int256 extremes, empty)", async () => {
    const r = prng(0x50n);
    const cases: [bigint[]][] = [
      [[]],
      [[7n]],
      [[-3n, 0n]],
      [[-1n, -2n]],
      [[MAX_INT256, MIN_INT256]],
      [[MAX_INT256, MAX_INT256]],
      [[MIN_INT256, MIN_INT256]],
      [[I128_MAX, I128_MAX]],
      [[I128_MIN, I128_MIN, I128_MIN]],
      [Array.from({ length: 32 }, () => 5n)],
    ];
    while (cases.length < RANDOM_CASES) {
      const n = r.chance(0.02) ? 0 : r.int(1, 32);
      const pool = Array.from({ length: r.int(1, 6) }, () => anyInt(r));
      cases.push([Array.from({ length: n }, () => (r.chance(0.5) ? r.pick(pool) : anyInt(r)))]);
    }
    const d = await differential(cases, (values) => harness.read.median([values]), median);
    expect(d.mismatches, `${d.mismatchCount} mismatches`).to.deep.equal([]);
    expect(d.panics).to.be.greaterThan(0);
  });
});

// ───────────────────────────────────── hub differential ─────────────────────────────────────

type Scenario = {
  name: string;
  mode: SelectionMode;
  margin: bigint;
  eta: bigint;
  seed: bigint;
  epochs: number;
  horizon: number;
  /** Weighted: draw from a `FixedRandomness` source set to words on weight boundaries, not the beacon. */
  fixedWords?: boolean;
  /** Report and reveal windows (default 600 s each); summing to the epoch length puts target t's
   * reveal deadline exactly on end(t + 1), where the selection window of t + 1 opens. */
  windows?: { reportWindow: number; revealWindow: number };
  /** Epochs [from, to) nobody reports: a void streak longer than MAX_VOID_LOOKBACK. */
  voidStreak?: [number, number];
};

/**
 * What a candidate does. Profiles 1 and 2 are a mirrored pair: 2 copies 1's every commit (values
 * included), reveal and withhold, so their scores are always equal. 1 registers with exactly one bond
 * unit and withholds its first target, so its first miss costs the unit (ineligible, same score); it
 * tops up once 2 has executed (half-way at the latest), and rejoins tied with the incumbent: the exact
 * Leader boundary `bestScore + margin == incumbentScore`. 0 is the most skilful but withholds its first targets, so
 * it leads only later, with the tied pair behind it (the tie for second decides the fallback). 5's
 * bond runs out under the miss penalties (the cap), 4 exits and withdraws, 7 registers into 4's seat.
 */
type Profile = {
  /** Forecast noise as a fraction of each metric's scale. */
  noise: number;
  /** Chance of committing nothing for a target: a never-committed miss. */
  skipCommit: number;
  /** Chance of withholding a committed reveal. */
  withhold: number;
  /** Withholds the reveals of its first this many targets. */
  missFirst?: number;
  bond: bigint;
  /** Registers in this epoch (default 0). */
  registerAt?: number;
  /** Requests exit in this epoch and withdraws as soon as it may. */
  exitAt?: number;
  /** Commits nothing in epochs [from, to). */
  silent?: [number, number];
  /** Copies this profile's commits and reveals. */
  mirrorOf?: number;
};

const MISS_PENALTY = 30n * WAD;
const MIRRORED = 1;
const MIRROR = 2;
const BROKE = 5;
const PROFILES: Profile[] = [
  { noise: 0.03, skipCommit: 0.03, withhold: 0, missFirst: 4, bond: 400n * WAD },
  { noise: 0.05, skipCommit: 0.04, withhold: 0.04, missFirst: 1, bond: 100n * WAD },
  { noise: 0, skipCommit: 0, withhold: 0, mirrorOf: MIRRORED, bond: 330n * WAD },
  { noise: 0.25, skipCommit: 0.1, withhold: 0.05, silent: [10, 14], bond: 250n * WAD },
  { noise: 0.5, skipCommit: 0.1, withhold: 0.3, exitAt: 7, bond: 160n * WAD },
  { noise: 1.2, skipCommit: 0.2, withhold: 0.4, bond: 100n * WAD },
  { noise: 0.1, skipCommit: 0.08, withhold: 0.08, registerAt: 5, bond: 220n * WAD },
  { noise: 0.04, skipCommit: 0.05, withhold: 0.05, registerAt: 15, bond: 300n * WAD },
];
/** Operators (and owners) are accounts 4, 5, …: account 4 + profile index. */
const OPERATOR0 = 4;
const VOID_CHANCE = 0.12;

type Seat = {
  id: bigint;
  profile: number;
  /** The stored record, as the twin advances it. */
  record: ScoreRecord;
  /** `Candidate.misses`: misses charged so far. */
  misses: number;
  /** `Candidate.lastTarget` (exiting candidates) and `exitAt`. */
  lastTarget: bigint;
  exitAt: bigint;
  /** The first target it answers for. */
  firstTarget: bigint;
  committed: Map<bigint, { values: bigint[]; salt: Hex }>;
};

type Fixed = { executor: bigint; fallback: bigint };

/** The ids and (weighted) weights the draw walks, for boundary words and boundary coverage. */
function drawWeights(candidates: readonly CandidateStanding[], rule: EligibilityRule, eta: bigint) {
  const eligible = candidates.filter((c) => isEligible(c, rule)).sort((a, b) => (a.id < b.id ? -1 : 1));
  if (eligible.length === 0) return { weights: [] as bigint[], total: 0n };
  const minScore = eligible.reduce((m, c) => (c.score < m ? c.score : m), MAX_UINT256);
  const weights = selectionWeights(
    eligible.map((c) => c.score),
    eligible.map((c) => c.units),
    minScore,
    eta,
  );
  return { weights, total: weights.reduce((a, b) => a + b, 0n) };
}

/**
 * Drives a hub for `s.epochs` epochs and checks twin ≡ chain after every step. Returns coverage
 * counters the caller asserts on.
 */
async function runHubDifferential(s: Scenario) {
  const conn = await network.create();
  const randomness = s.fixedWords ? await conn.viem.deployContract("FixedRandomness") : undefined;
  const h = BigInt(s.horizon);
  const f = await deployHub(conn, {
    selection: s.mode,
    margin: s.margin,
    eta: s.eta,
    randomness: randomness?.address ?? zeroAddress,
    horizon: s.horizon,
    exitDelay: (s.horizon + 2) * EPOCH,
    missPenalty: MISS_PENALTY,
    minScored: 2,
    ...s.windows,
  });
  const { hub, wallets, agreementId, networkHelpers, publicClient, params } = f;
  const t = clock(f);
  const L = BigInt(params.epochLength);
  const chainId = await publicClient.getChainId();
  const r = prng(s.seed);
  const reporters = wallets.slice(1, 4);
  const weighted = s.mode === SelectionMode.Weighted;
  const onBeacon = weighted && !s.fixedWords;
  const hubClock: AgreementClock = {
    genesis: f.genesis,
    epochLength: L,
    reportWindow: BigInt(params.reportWindow),
    revealWindow: BigInt(params.revealWindow),
  };
  const windowCloses = (e: bigint) => t.end(e) + hubClock.reportWindow + hubClock.revealWindow;
  const epochAt = (at: bigint) => (at < f.genesis ? 0n : (at - f.genesis) / L);
  const metrics = params.metrics.map((m) => ({ scale: m.scale, lossKind: m.lossKind }));
  const voids = new Set<bigint>();
  const isVoid = (target: bigint) => voids.has(target);
  const rules = { alpha: params.alpha, missPenalty: params.missPenalty, isVoid };
  const rule = (floor: bigint): EligibilityRule => ({
    minScored: params.minScored,
    maxScore: params.maxScore,
    floor,
  });
  const medians = new Map<bigint, bigint[]>();
  const reportCounts = new Map<bigint, number>();
  /** Salts revealed per target: the beacon. */
  const salts = new Map<bigint, Hex[]>();
  /** Words set in the fixed source per epoch. */
  const words = new Map<bigint, bigint>();
  const fixed = new Map<bigint, Fixed>();
  const seats: Seat[] = [];
  const freeIds: bigint[] = [];
  let lastExecutor = 0n;
  let topUpDue = false;
  let toppedUp = false;

  const coverage = {
    selections: 0,
    byCall: 0,
    byReveal: 0,
    byRoster: 0,
    unfixed: 0,
    none: 0,
    notBest: 0,
    ties: 0,
    boundary: 0,
    secondTie: 0,
    ineligible: 0,
    stale: 0,
    lookbackCut: 0,
    drawBoundary: 0,
    zeroBeacon: 0,
    neverCommitted: 0,
    withheld: 0,
    capped: 0,
    pokedMisses: 0,
    changedBeforeFix: 0,
    refusedTwice: 0,
    voids: 0,
    late: 0,
    reused: 0,
    withdrawn: 0,
  };

  // ─── the twin's side ───

  const standings = () => seats.map((c) => standingOf(c.id, c.record, params.minBond));

  /** What `_computeSelection(e)` returns now, by the twin. */
  const twinSelection = (e: bigint) => {
    const candidates = standings();
    const eRule = rule(upToDateFloor(e, isVoid));
    const randomWord = !weighted
      ? undefined
      : s.fixedWords
        ? (words.get(e) ?? 0n)
        : beaconWord(agreementId, e, e === 0n ? 0n : beaconOf(salts.get(e - 1n) ?? []));
    const selection = computeSelection({
      candidates,
      rule: eRule,
      incumbent: lastExecutor,
      margin: s.margin,
      mode: s.mode,
      eta: s.eta,
      randomWord,
    });
    return {
      ...selection,
      candidates,
      rule: eRule,
      randomWord,
      incumbent: lastExecutor,
      ranking: ranking(candidates, eRule),
    };
  };

  /** The hub fixes epoch e's selection now: returns the ExecutorSelected events it must emit. */
  const fix = (e: bigint, how: "byCall" | "byReveal" | "byRoster") => {
    if (fixed.has(e)) return [];
    const sel = twinSelection(e);
    fixed.set(e, { executor: sel.executor, fallback: sel.fallback });
    if (sel.executor !== 0n) lastExecutor = sel.executor;
    if (sel.executor === seats.find((c) => c.profile === MIRROR)?.id && !toppedUp) topUpDue = true;
    // Coverage of what this selection exercised.
    coverage.selections++;
    coverage[how]++;
    const { ids, scores } = sel.ranking;
    if (sel.executor === 0n) coverage.none++;
    else if (sel.executor !== ids[0]) coverage.notBest++;
    if (new Set(scores).size < scores.length) coverage.ties++;
    const incumbent = sel.candidates.find((c) => c.id === sel.incumbent && isEligible(c, sel.rule));
    if (!weighted && incumbent && incumbent.id !== ids[0] && scores[0] + s.margin === incumbent.score) {
      coverage.boundary++;
    }
    if (sel.executor === ids[0] && scores.length >= 3 && scores[1] === scores[2]) coverage.secondTie++;
    let unbounded = e;
    while (unbounded !== 0n && isVoid(unbounded - 1n)) unbounded--;
    for (const c of sel.candidates) {
      if (isEligible(c, sel.rule)) continue;
      coverage.ineligible++;
      if (isEligible(c, rule(0n))) coverage.stale++;
      if (sel.rule.floor !== unbounded && isEligible(c, rule(unbounded))) coverage.lookbackCut++;
    }
    if (weighted && sel.randomWord !== undefined) {
      const { weights, total } = drawWeights(sel.candidates, sel.rule, s.eta);
      let pick = total === 0n ? -1n : sel.randomWord % total;
      for (const w of weights.slice(0, -1)) if ((pick -= w) === 0n) coverage.drawBoundary++;
      if (onBeacon && beaconOf(salts.get(e - 1n) ?? []) === 0n && ids.length > 1) coverage.zeroBeacon++;
    }
    return [{ epoch: e, executor: sel.executor, fallbackCandidate: sel.fallback }];
  };

  /** Books a settlement into a seat: the RevealsMissed event it must have emitted. */
  const book = (c: Seat, res: ApplyMissedReturnType, from: bigint, through: bigint) => {
    for (let x = from; x < through; x++) {
      if (isVoid(x)) continue;
      if (c.committed.has(x)) coverage.withheld++;
      else coverage.neverCommitted++;
    }
    c.misses += res.misses;
    if (res.penalty < MISS_PENALTY * BigInt(res.misses)) coverage.capped++;
    c.record = res.record;
    return res.misses === 0
      ? []
      : [{ candidateId: c.id, misses: res.misses, penalty: res.penalty, score: res.record.score }];
  };

  // ─── the chain's side ───

  const parse = (logs: Log[]) => parseEventLogs({ abi: hub.abi, logs });
  type Logs = ReturnType<typeof parse>;
  const send = async (hash: Promise<Hex>) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
    const block = await publicClient.getBlock({ blockNumber: receipt.blockNumber });
    return { at: block.timestamp, logs: parse(receipt.logs) };
  };
  const eventsOf = (logs: Logs, name: string) =>
    logs
      .filter((l) => l.eventName === name)
      .map((l) => {
        const { agreementId: _, ...args } = l.args as Record<string, unknown>;
        return args;
      });
  const expectEvents = (
    what: string,
    logs: Logs,
    selected: ReturnType<typeof fix>,
    missed: ReturnType<typeof book>,
  ) => {
    expect(eventsOf(logs, "ExecutorSelected"), `${what}: ExecutorSelected`).to.deep.equal(selected);
    expect(eventsOf(logs, "RevealsMissed"), `${what}: RevealsMissed`).to.deep.equal(missed);
  };

  /** Every seat's `candidate()` view equals the twin's settlement of the model as of the latest block. */
  const expectViews = async (when: string) => {
    const block = await publicClient.getBlock();
    const views = await Promise.all(
      seats.map((c) => hub.read.candidate([agreementId, c.id], { blockNumber: block.number })),
    );
    // The view steps back over void targets like the selection does.
    const floor = upToDateFloor(dueEnd(hubClock, block.timestamp), isVoid);
    views.forEach((v, i) => {
      const c = seats[i];
      const withdrawn = c.record.status === CandidateStatus.Withdrawn;
      const settled = withdrawn
        ? { record: c.record, misses: 0 }
        : settle({
            ...rules,
            record: c.record,
            clock: hubClock,
            asOf: block.timestamp,
            lastTarget: c.lastTarget,
          });
      expect(
        {
          score: v.score,
          scoredCount: v.scoredCount,
          cursor: v.cursor,
          misses: v.misses,
          bond: v.bond,
          exiting: v.exiting,
          withdrawn: v.withdrawn,
          eligible: v.eligible,
        },
        `candidate ${c.id} (profile ${c.profile}) ${when}`,
      ).to.deep.equal({
        score: settled.record.score,
        scoredCount: settled.record.scoredCount,
        cursor: settled.record.cursor,
        misses: c.misses + settled.misses,
        bond: settled.record.bond,
        exiting: c.record.status === CandidateStatus.Exiting,
        withdrawn,
        eligible: isEligible(standingOf(c.id, c.record, params.minBond), rule(floor)),
      });
    });
  };

  /** `executorOf(e)` and `ranking(e)` equal the twin's, fixed or not, inside the window or not. */
  const expectSelection = async (e: bigint, when: string) => {
    const block = await publicClient.getBlock();
    const at = { blockNumber: block.number };
    const [[executor, fallback, isFixed], [ids, scores]] = await Promise.all([
      hub.read.executorOf([agreementId, e], at),
      hub.read.ranking([agreementId, e], at),
    ]);
    const twin = twinSelection(e);
    const open = block.timestamp >= t.end(e) && block.timestamp < windowCloses(e);
    const done = fixed.get(e);
    expect({ executor, fallback, isFixed }, `executorOf(${e}) ${when}`).to.deep.equal(
      done
        ? { ...done, isFixed: true }
        : open
          ? { executor: twin.executor, fallback: twin.fallback, isFixed: false }
          : { executor: 0n, fallback: 0n, isFixed: false },
    );
    expect({ ids, scores }, `ranking(${e}) ${when}`).to.deep.equal(twin.ranking);
  };

  /** selectExecutor(e): its result, then the event, equal the twin's. */
  const selectNow = async (e: bigint) => {
    const done = fixed.get(e);
    const twin = done ?? twinSelection(e);
    const { result } = await hub.simulate.selectExecutor([agreementId, e]);
    expect(result, `selectExecutor(${e})`).to.deep.equal([twin.executor, twin.fallback]);
    const selected = fix(e, "byCall");
    const { logs } = await send(hub.write.selectExecutor([agreementId, e]));
    expectEvents(`selectExecutor(${e})`, logs, selected, []);
  };

  const register = async (p: number) => {
    const op = wallets[OPERATOR0 + p];
    const id = freeIds.pop() ?? BigInt(seats.length + 1);
    const { bond } = PROFILES[p];
    const { at, logs } = await send(
      hub.write.registerCandidate([agreementId, keccak256(toHex(`spec-${p}`)), bond, op.account.address], {
        account: op.account,
      }),
    );
    expect(eventsOf(logs, "CandidateRegistered").map((x) => x.candidateId)).to.deep.equal([id]);
    const record = registeredRecord({ epoch: epochAt(at), horizon: h, bond });
    const seat: Seat = {
      id,
      profile: p,
      record,
      misses: 0,
      lastTarget: 0n,
      exitAt: 0n,
      firstTarget: record.cursor,
      committed: new Map(),
    };
    if (id <= BigInt(seats.length)) {
      seats[Number(id) - 1] = seat;
      coverage.reused++;
    } else seats.push(seat);
    if (epochAt(at) > 0n) coverage.late++;
  };
  const operatorOf = (c: Seat) => wallets[OPERATOR0 + c.profile].account;

  /** A roster change: in a Weighted agreement it first fixes the previous epoch's selection. */
  const rosterFix = (e: bigint) => (weighted && e > 0n ? fix(e - 1n, "byRoster") : []);
  const noteChange = (e: bigint) => {
    if (!weighted && e > 0n && !fixed.has(e - 1n)) coverage.changedBeforeFix++;
  };

  const poke = async (e: bigint, c: Seat) => {
    const selected = rosterFix(e);
    const { at, logs } = await send(hub.write.poke([agreementId, c.id]));
    let missed: ReturnType<typeof book> = [];
    if (c.record.status !== CandidateStatus.Withdrawn) {
      const from = c.record.cursor;
      const res = settle({
        ...rules,
        record: c.record,
        clock: hubClock,
        asOf: at,
        lastTarget: c.lastTarget,
        chunk: SETTLE_CHUNK,
      });
      if (res.record.cursor !== from) noteChange(e);
      missed = book(c, res, from, res.record.cursor);
      if (res.misses > 0) coverage.pokedMisses++;
    }
    expectEvents(`poke(${c.id})@${e}`, logs, selected, missed);
  };

  const topUp = async (e: bigint, c: Seat, amount: bigint) => {
    const selected = rosterFix(e);
    const { logs } = await send(hub.write.topUp([agreementId, c.id, amount], { account: operatorOf(c) }));
    noteChange(e);
    c.record = { ...c.record, bond: c.record.bond + amount };
    expectEvents(`topUp(${c.id})@${e}`, logs, selected, []);
  };

  const requestExit = async (e: bigint, c: Seat) => {
    const selected = rosterFix(e);
    const { at, logs } = await send(hub.write.requestExit([agreementId, c.id], { account: operatorOf(c) }));
    noteChange(e);
    c.record = { ...c.record, status: CandidateStatus.Exiting };
    c.lastTarget = epochAt(at) + h - 1n;
    c.exitAt = at + BigInt(params.exitDelay);
    expectEvents(`requestExit(${c.id})@${e}`, logs, selected, []);
  };

  const withdraw = async (c: Seat) => {
    const { logs } = await send(hub.write.withdraw([agreementId, c.id], { account: operatorOf(c) }));
    const from = c.record.cursor;
    const res = applyMissed({ ...rules, record: c.record, through: c.lastTarget + 1n });
    const missed = book(c, res, from, res.record.cursor);
    const amount = c.record.bond;
    c.record = { ...c.record, bond: 0n, status: CandidateStatus.Withdrawn };
    freeIds.push(c.id);
    if (lastExecutor === c.id) lastExecutor = 0n;
    coverage.withdrawn++;
    expectEvents(`withdraw(${c.id})`, logs, [], missed);
    expect(
      eventsOf(logs, "BondWithdrawn").map((x) => x.amount),
      `withdraw(${c.id}) amount`,
    ).to.deep.equal([amount]);
  };

  const truth = Array.from({ length: s.epochs + s.horizon + 2 }, () => [
    BigInt(1000 + r.int(-300, 300)),
    BigInt(5000 + r.int(-2000, 2000)),
  ]);

  /** Reporters report epoch x: 2–3 of them (some correcting once), or 0–1 (below quorum: void). */
  const report = async (x: bigint) => {
    const streak = s.voidStreak && x >= BigInt(s.voidStreak[0]) && x < BigInt(s.voidStreak[1]);
    const isVoidEpoch = streak || r.chance(VOID_CHANCE);
    const n = isVoidEpoch ? (streak ? 0 : r.int(0, 1)) : r.chance(0.25) ? 2 : 3;
    const finals: bigint[][] = [];
    for (let k = 0; k < n; k++) {
      let values: bigint[] = [];
      for (let again = true; again; again = r.chance(0.15)) {
        values = truth[Number(x)].map((v) => v + BigInt(r.int(-20, 20)) * BigInt(k + 1));
        await hub.write.reportOutcome([agreementId, x, values], { account: reporters[k].account });
      }
      finals.push(values);
    }
    reportCounts.set(x, n);
    if (isVoidEpoch) voids.add(x);
    else
      medians.set(
        x,
        [0, 1].map((m) => median(finals.map((v) => v[m]))),
      );
  };

  for (const [p, profile] of PROFILES.entries()) if ((profile.registerAt ?? 0) === 0) await register(p);

  for (let e = 0n; e < BigInt(s.epochs); e++) {
    const prev = e - 1n;
    if (e > 0n) {
      // end(prev): the selection window of prev opens; with windows summing to L, the reveal
      // deadline of prev − 1 is exactly now.
      await networkHelpers.time.increaseTo(t.start(e));
      await expectViews(`at end(${prev})`);
      await expectSelection(prev, "as its window opens");
      if (e > 1n && !fixed.has(prev - 1n)) {
        coverage.unfixed++;
        await expectSelection(prev - 1n, "after its window closed unfixed");
      }
      await report(prev);

      // Roster changes in the report phase (Weighted: each first fixes prev's selection).
      for (const c of seats) {
        const profile = PROFILES[c.profile];
        const latest = await publicClient.getBlock();
        if (c.record.status === CandidateStatus.Exiting && latest.timestamp >= c.exitAt) await withdraw(c);
        if (c.record.status === CandidateStatus.Active && profile.exitAt === Number(e))
          await requestExit(e, c);
      }
      // The mirrored candidate tops up once the mirror executed (half-way at the latest).
      if (!toppedUp && (topUpDue || e === BigInt(s.epochs >> 1))) {
        toppedUp = true;
        const mirrored = seats.find((c) => c.profile === MIRRORED);
        if (mirrored) await topUp(e, mirrored, 250n * WAD);
      }
      if (r.chance(0.15)) {
        // Anyone but the mirrored candidate (whose unit its misses take) and the one whose bond runs out.
        const active = seats.filter(
          (c) => c.record.status === CandidateStatus.Active && c.profile !== MIRRORED && c.profile !== BROKE,
        );
        if (active.length > 0) await topUp(e, r.pick(active), r.between(10n, 150n) * WAD);
      }
      // Nobody pokes candidate 1: it stays behind the void streak, where the lookback cap cuts it.
      for (let k = r.int(0, 2); k > 0; k--) await poke(e, r.pick(seats.slice(1)));
      await expectViews(`after the roster changes of ${e}`);
      if (r.chance(0.4)) await selectNow(prev);
      await expectSelection(prev, "in its report phase");
    }

    for (const [p, profile] of PROFILES.entries()) if (profile.registerAt === Number(e)) await register(p);

    // Commits for target e + h (a mirror copies its source's, values included).
    const target = e + h;
    for (const c of seats) {
      if (c.record.status !== CandidateStatus.Active) continue;
      const profile = PROFILES[c.profile];
      let values: bigint[] | undefined;
      if (profile.mirrorOf !== undefined) {
        values = seats.find((o) => o.profile === profile.mirrorOf)?.committed.get(target)?.values;
      } else {
        const silent = profile.silent && e >= BigInt(profile.silent[0]) && e < BigInt(profile.silent[1]);
        if (!silent && !r.chance(profile.skipCommit)) {
          values = truth[Number(target)].map((v, k) =>
            BigInt(Math.round(Number(v) + r.normal() * profile.noise * Number(metrics[k].scale))),
          );
        }
      }
      if (values === undefined) continue;
      const salt = toHex(r.bits(256), { size: 32 });
      const commitment = commitmentOf({
        chainId,
        hub: hub.address,
        agreementId,
        candidateId: c.id,
        targetEpoch: target,
        values,
        salt,
      });
      await hub.write.commitForecast([agreementId, c.id, target, commitment], { account: operatorOf(c) });
      c.committed.set(target, { values, salt });
    }

    await expectViews(`after the commits for ${target}`);

    if (e > 0n) {
      // Reveal phase of prev, at a random point of it.
      const offset = r.between(0n, hubClock.revealWindow - 120n);
      await networkHelpers.time.increaseTo(t.revealOpens(prev) + offset);
      const [pending, , reports] = await hub.read.outcome([agreementId, prev]);
      expect({ reports }, `reports of ${prev}`).to.deep.equal({ reports: reportCounts.get(prev) });
      if (pending === 0) {
        expect(isVoidOutcome(0, reports, params.quorum), `void(${prev})`).to.equal(isVoid(prev));
      }
      const decisions = new Map<number, boolean>();
      for (const c of seats) {
        const committed = c.committed.get(prev);
        if (committed === undefined || isVoid(prev) || c.record.status === CandidateStatus.Withdrawn)
          continue;
        if (c.record.status === CandidateStatus.Exiting && prev > c.lastTarget) continue;
        const profile = PROFILES[c.profile];
        const reveal =
          profile.mirrorOf !== undefined
            ? (decisions.get(profile.mirrorOf) ?? false)
            : prev - c.firstTarget >= BigInt(profile.missFirst ?? 0) && !r.chance(profile.withhold);
        decisions.set(c.profile, reveal);
        if (!reveal) continue;
        const selected = fix(prev, "byReveal");
        const loss = epochLoss(committed.values, medians.get(prev) ?? [], metrics);
        const from = c.record.cursor;
        const next = applyReveal({ ...rules, record: c.record, target: prev, loss });
        const missed = book(c, applyMissed({ ...rules, record: c.record, through: prev }), from, prev);
        const { logs } = await send(
          hub.write.revealForecast([agreementId, c.id, prev, committed.values, committed.salt], {
            account: operatorOf(c),
          }),
        );
        c.record = next.record;
        if (onBeacon) salts.set(prev, [...(salts.get(prev) ?? []), committed.salt]);
        expectEvents(`reveal ${c.id}@${prev}`, logs, selected, missed);
        expect(
          eventsOf(logs, "ForecastRevealed").map(({ loss, score }) => ({ loss, score })),
          `reveal ${c.id}@${prev}`,
        ).to.deep.equal([{ loss, score: next.record.score }]);
        // The target is accounted now: the hub refuses it again, and so does the twin.
        if (r.chance(0.1)) {
          const refused = await hub.simulate
            .revealForecast([agreementId, c.id, prev, committed.values, committed.salt], {
              account: operatorOf(c).address,
            })
            .then(
              () => "accepted",
              (err: unknown) => {
                const reverted =
                  err instanceof BaseError
                    ? err.walk((x) => x instanceof ContractFunctionRevertedError)
                    : null;
                return reverted instanceof ContractFunctionRevertedError
                  ? reverted.data?.errorName
                  : String(err);
              },
            );
          expect(refused, `second reveal ${c.id}@${prev}`).to.equal("ForecastNotPending");
          expect(() => applyReveal({ ...rules, record: c.record, target: prev, loss })).to.throw(
            ScoringInputError,
          );
          coverage.refusedTwice++;
        }
      }
      // The outcome is the twin's per-metric median, or void below quorum.
      await hub.write.finalizeOutcome([agreementId, prev]);
      const [status, values] = await hub.read.outcome([agreementId, prev]);
      expect({ status, values }, `outcome(${prev})`).to.deep.equal(
        isVoid(prev) ? { status: 2, values: [] } : { status: 1, values: medians.get(prev) },
      );
      if (r.chance(0.3)) await selectNow(prev);
      await expectSelection(prev, "after the reveals");
      await expectViews(`after the reveals of ${prev}`);
    }

    // The fixed source's word for e, chosen now that every record it will see is known: half the
    // time on a boundary between two weight intervals (or one below it), where `<` versus `≤` decides.
    if (randomness !== undefined) {
      const sel = twinSelection(e);
      const { weights, total } = drawWeights(sel.candidates, sel.rule, s.eta);
      let word = r.bits(256);
      if (weights.length >= 2 && r.chance(0.6)) {
        const cut = weights.slice(0, r.int(1, weights.length - 1)).reduce((a, b) => a + b, 0n);
        word = cut - (r.chance(0.3) ? 1n : 0n) + total * r.bits(128);
      }
      words.set(e, word);
      await randomness.write.setWord([e, word]);
    }
  }
  coverage.voids = voids.size;
  expect(toppedUp, "the mirror never executed, so the mirrored candidate never rejoined").to.equal(true);
  return coverage;
}

describe("scoring twin ≡ hub: records, views and executor selection on the cursor rules", () => {
  const scenarios: Scenario[] = [
    {
      name: "Leader, margin 0.05",
      mode: SelectionMode.Leader,
      margin: WAD / 20n,
      eta: 5n * WAD,
      seed: 1n,
      epochs: 40,
      horizon: 1,
    },
    {
      name: "Leader, margin 0, reveal deadline = next epoch end",
      mode: SelectionMode.Leader,
      margin: 0n,
      eta: 5n * WAD,
      seed: 2n,
      epochs: 40,
      horizon: 1,
      windows: { reportWindow: 1200, revealWindow: 2400 },
    },
    {
      name: "Weighted, eta 5, boundary words from a fixed source",
      mode: SelectionMode.Weighted,
      margin: WAD / 50n,
      eta: 5n * WAD,
      seed: 3n,
      epochs: 40,
      horizon: 1,
      fixedWords: true,
    },
    {
      name: "Weighted, eta 5, salt beacon, horizon 2, 20 void epochs in a row",
      mode: SelectionMode.Weighted,
      margin: WAD / 50n,
      eta: 5n * WAD,
      seed: 4n,
      epochs: 44,
      horizon: 2,
      voidStreak: [18, 38],
    },
    {
      name: "Leader, margin 0.02, horizon 3, 20 void epochs in a row",
      mode: SelectionMode.Leader,
      margin: WAD / 50n,
      eta: 5n * WAD,
      seed: 7n,
      epochs: 44,
      horizon: 3,
      voidStreak: [18, 38],
    },
  ];
  for (const s of scenarios) {
    it(`${s.name}: ${s.epochs} epochs, twin = candidate() = executorOf = ranking = selectExecutor`, async function () {
      this.timeout(300_000);
      if (s.voidStreak) expect(s.voidStreak[1] - s.voidStreak[0]).to.be.greaterThan(MAX_VOID_LOOKBACK + 1);
      const coverage = await runHubDifferential(s);
      const at = (what: string) => `${what} (${JSON.stringify(coverage)})`;
      expect(coverage.selections + coverage.unfixed, at("epochs")).to.be.greaterThanOrEqual(s.epochs - 2);
      for (const key of [
        "none",
        "ties",
        "ineligible",
        "stale",
        "neverCommitted",
        "withheld",
        "capped",
        "pokedMisses",
        "voids",
        "byCall",
        "byReveal",
        "late",
        "reused",
        "withdrawn",
        "refusedTwice",
      ] as const) {
        expect(coverage[key], at(key)).to.be.greaterThan(0);
      }
      if (!isWeighted(s)) expect(coverage.changedBeforeFix, at("changedBeforeFix")).to.be.greaterThan(0);
      if (isWeighted(s)) expect(coverage.byRoster, at("byRoster")).to.be.greaterThan(0);
      if (s.margin > 0n || isWeighted(s)) expect(coverage.notBest, at("notBest")).to.be.greaterThan(0);
      if (!isWeighted(s) && s.margin === 0n) {
        expect(coverage.boundary, at("boundary")).to.be.greaterThan(0);
        expect(coverage.secondTie, at("secondTie")).to.be.greaterThan(0);
      }
      if (s.fixedWords) expect(coverage.drawBoundary, at("drawBoundary")).to.be.greaterThan(0);
      if (s.voidStreak) {
        expect(coverage.lookbackCut, at("lookbackCut")).to.be.greaterThan(0);
        if (isWeighted(s) && !s.fixedWords)
          expect(coverage.zeroBeacon, at("zeroBeacon")).to.be.greaterThan(0);
      }
    });
  }
});

function isWeighted(s: Scenario) {
  return s.mode === SelectionMode.Weighted;
}
