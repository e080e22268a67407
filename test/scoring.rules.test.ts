/**
 * The scoring twin's rules on their own, without a chain: `expNegWad`'s exact integers (the same
 * values `test/solidity/LossMath.t.sol` pins for the contract), the participation rules (cursor,
 * misses, void targets, settlement, bond units) and eligibility and the Weighted draw.
 */
import { expect } from "chai";
import { keccak256 } from "viem";

import {
  applyMisses,
  applyReveal,
  beaconOf,
  beaconWord,
  bondUnits,
  CandidateStatus,
  computeSelection,
  dueEnd,
  ewma,
  expNegWad,
  isEligible,
  MAX_BOND_UNITS,
  MAX_ETA,
  MAX_VOID_LOOKBACK,
  registeredRecord,
  revealDeadline,
  ScoringInputError,
  SelectionMode,
  selectionWeights,
  settle,
  SETTLE_CHUNK,
  settleEnd,
  standingOf,
  upToDateFloor,
  WAD,
  type AgreementClock,
  type CandidateStanding,
  type EligibilityRule,
} from "../oracle/scoring/index.js";

const ALPHA = WAD / 5n;
const MIN_BOND = 100n * WAD;
const never = () => false;
const rules = { alpha: ALPHA, missPenalty: 10n * WAD, isVoid: never };

function standing(id: bigint, overrides: Partial<CandidateStanding> = {}): CandidateStanding {
  return {
    id,
    score: WAD / 10n,
    units: 1n,
    cursor: 10n,
    scoredCount: 5,
    status: CandidateStatus.Active,
    ...overrides,
  };
}

describe("scoring twin: rules", () => {
  it("expNegWad gives the contract's integers (Taylor series to r^7/7!)", () => {
    const pinned: [bigint, bigint][] = [
      [0n, WAD],
      [1n, 999999999999999999n],
      [WAD / 2n, 606530697436967798n],
      [WAD, 367879441717669763n],
      [693147180559945308n, 500000357714286720n],
      [693147180559945309n, WAD / 2n],
      [1234567890123456789n, 290960495075460364n],
      [5n * WAD, 6737946999119142n],
      [41n * WAD, 1n],
      [42n * WAD - 1n, 0n],
      [42n * WAD, 0n],
    ];
    for (const [x, v] of pinned) expect(expNegWad(x), `expNegWad(${x})`).to.equal(v);
  });

  it("a registration starts at the worst score with the cursor at its first committable target", () => {
    expect(registeredRecord({ epoch: 7n, horizon: 2n, bond: MIN_BOND })).to.deep.equal({
      score: WAD,
      scoredCount: 0,
      cursor: 9n,
      bond: MIN_BOND,
      status: CandidateStatus.Active,
    });
  });

  it("a reveal applies the misses before it (void targets skipped), then the loss", () => {
    const r0 = registeredRecord({ epoch: 0n, horizon: 1n, bond: 150n * WAD });
    const first = applyReveal({ ...rules, record: r0, target: 1n, loss: WAD / 20n });
    expect(first.record).to.include({ score: WAD / 20n, scoredCount: 1, cursor: 2n });
    expect(first.misses).to.equal(0);
    // Targets 2, 3, 4 not revealed; 3 is void: two misses, then target 5.
    const isVoid = (t: bigint) => t === 3n;
    const next = applyReveal({ ...rules, isVoid, record: first.record, target: 5n, loss: 0n });
    const afterMisses = applyMisses(WAD / 20n, ALPHA, 2n, false);
    expect(next.misses).to.equal(2);
    expect(next.penalty).to.equal(20n * WAD);
    expect(next.record).to.deep.equal({
      score: ewma(afterMisses, 0n, ALPHA, false),
      scoredCount: 4,
      cursor: 6n,
      bond: 130n * WAD,
      status: CandidateStatus.Active,
    });
    expect(() => applyReveal({ ...rules, record: next.record, target: 5n, loss: 0n })).to.throw(
      ScoringInputError,
    );
  });

  it("misses before anything was scored leave the worst score and count toward minScored", () => {
    const r0 = registeredRecord({ epoch: 0n, horizon: 1n, bond: 150n * WAD });
    const { record } = applyReveal({ ...rules, record: r0, target: 3n, loss: WAD / 10n });
    // Two misses (targets 1, 2) at the worst score, then an EWMA step from 1e18.
    expect(record).to.include({ score: ewma(WAD, WAD / 10n, ALPHA, false), scoredCount: 3, cursor: 4n });
  });

  it("settlement accounts exactly the targets whose reveal deadline has passed", () => {
    const clock: AgreementClock = {
      genesis: 1000n,
      epochLength: 3600n,
      reportWindow: 600n,
      revealWindow: 600n,
    };
    for (const t of [0n, 1n, 5n]) {
      const d = revealDeadline(clock, t);
      expect(dueEnd(clock, d - 1n)).to.equal(t);
      expect(dueEnd(clock, d)).to.equal(t + 1n);
    }
    expect(dueEnd(clock, 0n)).to.equal(0n);
    const record = {
      ...registeredRecord({ epoch: 0n, horizon: 1n, bond: 105n * WAD }),
      score: WAD / 10n,
      scoredCount: 3,
    };
    const settled = settle({ ...rules, record, clock, asOf: revealDeadline(clock, 3n) });
    expect(settled.misses).to.equal(3); // targets 1, 2, 3
    expect(settled.penalty).to.equal(30n * WAD);
    expect(settled.record).to.include({ cursor: 4n, scoredCount: 6, bond: 75n * WAD });
    // Settling again changes nothing; settling before the cursor never moves it back.
    expect(
      settle({ ...rules, record: settled.record, clock, asOf: revealDeadline(clock, 3n) }).record,
    ).to.deep.equal(settled.record);
    expect(settle({ ...rules, record: settled.record, clock, asOf: 0n }).misses).to.equal(0);
    // poke accounts at most SETTLE_CHUNK targets; an exiting candidate answers up to its lastTarget.
    const late = revealDeadline(clock, 1000n);
    expect(settle({ ...rules, record, clock, asOf: late, chunk: SETTLE_CHUNK }).record.cursor).to.equal(
      1n + SETTLE_CHUNK,
    );
    const exiting = { ...record, status: CandidateStatus.Exiting };
    expect(settle({ ...rules, record: exiting, clock, asOf: late, lastTarget: 4n }).record.cursor).to.equal(
      5n,
    );
    expect(settleEnd(clock, record, late, 4n)).to.equal(1001n);
  });

  it("bond units are floor(bond / minBond), at most MAX_BOND_UNITS", () => {
    expect(bondUnits(MIN_BOND - 1n, MIN_BOND)).to.equal(0n);
    expect(bondUnits(MIN_BOND, MIN_BOND)).to.equal(1n);
    expect(bondUnits(5n * MIN_BOND - 1n, MIN_BOND)).to.equal(4n);
    expect(bondUnits(MAX_BOND_UNITS * MIN_BOND, MIN_BOND)).to.equal(MAX_BOND_UNITS);
    expect(() => bondUnits((MAX_BOND_UNITS + 1n) * MIN_BOND, MIN_BOND)).to.throw(ScoringInputError);
    const record = registeredRecord({ epoch: 0n, horizon: 1n, bond: 250n * WAD });
    expect(standingOf(4n, record, MIN_BOND)).to.deep.equal({
      id: 4n,
      score: WAD,
      units: 2n,
      cursor: 1n,
      scoredCount: 0,
      status: CandidateStatus.Active,
    });
  });

  it("the floor steps back over void targets, at most MAX_VOID_LOOKBACK of them", () => {
    expect(upToDateFloor(10n, never)).to.equal(10n);
    expect(upToDateFloor(10n, (t) => t === 9n || t === 8n)).to.equal(8n);
    expect(upToDateFloor(10n, (t) => t === 8n)).to.equal(10n);
    expect(upToDateFloor(3n, () => true)).to.equal(0n);
    expect(upToDateFloor(100n, () => true)).to.equal(100n - BigInt(MAX_VOID_LOOKBACK));
  });

  it("eligibility needs every condition: active, a unit, minScored, maxScore, up to date", () => {
    const rule: EligibilityRule = { minScored: 5, maxScore: WAD / 2n, floor: 10n };
    expect(isEligible(standing(1n), rule)).to.equal(true);
    expect(isEligible(standing(1n, { status: CandidateStatus.Exiting }), rule)).to.equal(false);
    expect(isEligible(standing(1n, { units: 0n }), rule)).to.equal(false);
    expect(isEligible(standing(1n, { scoredCount: 4 }), rule)).to.equal(false);
    expect(isEligible(standing(1n, { score: WAD / 2n }), rule)).to.equal(true);
    expect(isEligible(standing(1n, { score: WAD / 2n + 1n }), rule)).to.equal(false);
    expect(isEligible(standing(1n, { cursor: 9n }), rule)).to.equal(false);
  });

  it("Weighted weighs bond units, so splitting a bond over seats adds no weight", () => {
    const eta = 50n * WAD;
    const scores = [WAD / 10n, WAD / 8n];
    const [w0, w1] = selectionWeights(scores, [1n, 1n], WAD / 10n, eta);
    expect(w0).to.equal(WAD);
    expect(w1).to.equal(expNegWad((eta * (WAD / 8n - WAD / 10n)) / WAD));
    expect(selectionWeights(scores, [3n, 5n], WAD / 10n, eta)).to.deep.equal([3n * w0, 5n * w1]);
    expect(() => selectionWeights(scores, [1n, 1n], WAD / 10n, 0n)).to.throw(ScoringInputError);
    expect(() => selectionWeights(scores, [1n, 1n], WAD / 10n, MAX_ETA + 1n)).to.throw(ScoringInputError);
    // One seat of 5 units (id 2) or five seats of 1 unit (ids 2–6): same id order, same walk.
    const rule: EligibilityRule = { minScored: 1, maxScore: WAD, floor: 0n };
    const base = { rule, incumbent: 0n, margin: 0n, mode: SelectionMode.Weighted, eta };
    const other = standing(1n, { score: WAD / 10n });
    const single = [other, standing(2n, { score: WAD / 8n, units: 5n })];
    const split = [other, ...[2n, 3n, 4n, 5n, 6n].map((id) => standing(id, { score: WAD / 8n }))];
    for (const word of [0n, w0 - 1n, w0, w0 + 5n * w1 - 1n, w0 + 5n * w1, 12345678901234567890123n]) {
      const one = computeSelection({ ...base, candidates: single, randomWord: word }).executor;
      const many = computeSelection({ ...base, candidates: split, randomWord: word }).executor;
      expect(one === 1n, `word ${word}`).to.equal(many === 1n);
    }
    expect(computeSelection({ ...base, candidates: single, randomWord: w0 }).executor).to.equal(2n);
    expect(computeSelection({ ...base, candidates: single, randomWord: w0 - 1n }).executor).to.equal(1n);
  });

  it("Leader skips a stale leader and keeps an up-to-date incumbent within the margin", () => {
    const rule: EligibilityRule = { minScored: 1, maxScore: WAD, floor: 10n };
    const margin = WAD / 100n;
    const leader = standing(1n, { score: WAD / 20n });
    const incumbent = standing(2n, { score: WAD / 20n + margin });
    const base = { rule, margin, mode: SelectionMode.Leader, eta: WAD };
    expect(computeSelection({ ...base, candidates: [leader, incumbent], incumbent: 2n })).to.deep.equal({
      executor: 2n,
      fallback: 1n,
    });
    const beaten = { ...incumbent, score: incumbent.score + 1n };
    expect(computeSelection({ ...base, candidates: [leader, beaten], incumbent: 2n })).to.deep.equal({
      executor: 1n,
      fallback: 2n,
    });
    // The best score is stale (target 9 not revealed): it is not considered at all.
    expect(
      computeSelection({ ...base, candidates: [{ ...leader, cursor: 9n }, incumbent], incumbent: 1n }),
    ).to.deep.equal({ executor: 2n, fallback: 0n });
  });

  it("the beacon XORs the salts' low 64 bits and the draw hashes (agreement, epoch, beacon)", () => {
    const a = `0x${"11".repeat(24)}00000000000000ff` as const;
    const b = `0x${"22".repeat(24)}0000000000000f0f` as const;
    expect(beaconOf([a, b])).to.equal(0xff0n);
    expect(beaconOf([])).to.equal(0n);
    expect(beaconWord(1n, 2n, 0xf0n)).to.equal(
      BigInt(keccak256(`0x${[1n, 2n, 0xf0n].map((x) => x.toString(16).padStart(64, "0")).join("")}`)),
    );
  });
});
