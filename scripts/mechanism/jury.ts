/**
 * The jury scenario of `bench:mechanism`: how often a malicious executor's transition finalizes when
 * a jury of other candidates votes on it (the rule of docs/mechanism.md's Jury section: at least
 * `juryQuorum` accept votes, else rejected and the fallback proposes under its own jury).
 *
 * The world: the Leader example (fisheries) with the standard pool plus a thief, a model that
 * forecasts as well as the pool's best (skill 0.9, its own noise stream) and so holds the executor
 * seat often. Every model has its own operator and owner. Selection, ranking and eligibility are the
 * scoring twin's. In each epoch the thief executes, it proposes a malicious transition (a payment it
 * was not asked for); an honest executor proposes an honest one.
 *
 * Each proposal gets a jury of `JURY_SIZE` seated as `GengovHubModule.juryOf` seats it: the best of
 * the epoch's Leader ranking (its first `MAX_JURY_CONSIDERED`) in order, skipping the executor and
 * the proposer (no candidate shares an operator or owner here). The ranking is the one of the
 * selection (records before epoch e's reveals); the hub reads the records when the vote opens, after
 * them, which can reorder the jurors but not change a result here: every juror votes by the same
 * rule. Every juror re-runs the task:
 * - on a malicious transition it votes reject with probability `P_DETECT` = 0.9: the transition pays
 *   an address no input asked for, which a model re-reading the request and the proposed transition
 *   notices; the other 0.1 covers a model that misses it;
 * - on an honest transition it votes reject with probability `P_FALSE` = 0.02 (a model that
 *   disagrees with a correct answer).
 * Votes are independent, each from a mulberry32 stream keyed by (seed, epoch, proposer, juror). The
 * thief sitting on another proposal's jury votes like an honest juror (blocking honest work gains it
 * nothing). With fewer than `juryQuorum` accept votes the transition is rejected; the fallback's
 * proposal then goes to its own jury, which skips the executor and the fallback. No human challenges:
 * an accepted transition finalizes. Not modelled: `rejectPenalty` (the thief keeps its bond and so
 * its seat, which only gives it more epochs; every key is a share of epochs).
 *
 * Keys (each a mean over seeds of a per-seed share; seeds where the subject never executes are left
 * out):
 * - `jury.maliciousLanded`: of the thief's executor epochs, the share whose malicious transition
 *   finalizes (a jury of 3 with quorum 2: about 3·0.1²·0.9 + 0.1³ ≈ 0.028). Hard bound ≤ 0.05.
 * - `jury.maliciousLanded.noJury`: the same with no jury (`jurySize` 0): every one finalizes, 1.
 * - `jury.honestRejected`: of the honest executors' epochs, the share whose transition the jury
 *   rejects (about 3·0.02² ≈ 0.0012).
 */
import { limits } from "../../oracle/protocol/generated.js";
import { rng } from "../../oracle/demo/world.js";
import { meanOf, poolSeats, POOL, VOID_RATE, type Estimate, type ScenarioOptions } from "./scenarios.js";
import { mix, run, trajectory, type Model, type Seat } from "./simulate.js";

/** Jurors per proposal and accept votes needed. */
export const JURY_SIZE = 3;
export const JURY_QUORUM = 2;
/** Probability that an honest juror rejects a malicious transition. */
export const P_DETECT = 0.9;
/** Probability that an honest juror rejects an honest transition. */
export const P_FALSE = 0.02;
/** Epochs per seed. */
const JURY_EPOCHS = 100;

/** The thief: the pool's best skill on its own noise stream. */
export const THIEF: Model = { key: 300, skill: Math.max(...POOL.map((m) => m.skill)), profile: "honest" };

/** A jury's rules and its jurors' behaviour. */
export interface JuryRules {
  /** Jurors seated per proposal (0 = no jury: every proposal is accepted). */
  size: number;
  quorum: number;
  pDetect: number;
  pFalse: number;
}

export const JURY_RULES: JuryRules = {
  size: JURY_SIZE,
  quorum: JURY_QUORUM,
  pDetect: P_DETECT,
  pFalse: P_FALSE,
};

/**
 * The jury of a proposal, as `GengovHubModule.juryOf` seats it when every candidate has its own
 * operator and owner: the first `MAX_JURY_CONSIDERED` of the ranking, in order, skipping the
 * executor and the proposer, up to `size`.
 * @param ranking The epoch's Leader ranking, best first.
 * @returns Juror ids, best first.
 */
export function seatJury(
  ranking: readonly bigint[],
  executor: bigint,
  proposer: bigint,
  size: number,
): bigint[] {
  return ranking
    .slice(0, limits.MAX_JURY_CONSIDERED)
    .filter((id) => id !== executor && id !== proposer)
    .slice(0, size);
}

/**
 * Whether a proposal is accepted: with no jury always; else at least `quorum` of its jurors vote
 * accept, each rejecting with `pDetect` (malicious) or `pFalse` (honest) from its own seeded stream.
 */
export function juryAccepts(
  rules: JuryRules,
  jurors: readonly bigint[],
  malicious: boolean,
  draw: (juror: bigint) => number,
): boolean {
  if (rules.size === 0) return true;
  const pReject = malicious ? rules.pDetect : rules.pFalse;
  const accepts = jurors.filter((j) => draw(j) >= pReject).length;
  return accepts >= rules.quorum;
}

export interface JuryResult {
  maliciousLanded: Estimate;
  honestRejected: Estimate;
  /** Of the thief's rejected epochs, the share whose fallback transition finalized (NaN: none rejected). */
  fallbackLanded: Estimate;
  /** The thief's executor epochs over every seed. */
  thiefEpochs: number;
}

/** The Leader example's pool plus the thief, for `JURY_EPOCHS` epochs per seed, under `rules`. */
export function juryScenario(opts: ScenarioOptions & { rules?: JuryRules }): JuryResult {
  const { params } = opts;
  const rules = opts.rules ?? JURY_RULES;
  const pool = poolSeats(params.minBond);
  const seats: Seat[] = [...pool, { ...pool[0], model: THIEF }];
  const thief = BigInt(seats.length);
  const landed: number[] = [];
  const rejected: number[] = [];
  const fallbackLanded: number[] = [];
  let thiefEpochs = 0;
  for (let seed = 1; seed <= opts.seeds; seed++) {
    const traj = trajectory(params.example, seed, JURY_EPOCHS, params.horizon, VOID_RATE);
    let thiefHeld = 0;
    let thiefLanded = 0;
    let honestHeld = 0;
    let honestRejected = 0;
    let thiefRejected = 0;
    let fallbackFinal = 0;
    run({
      params,
      seats,
      trajectory: traj,
      epochs: JURY_EPOCHS,
      seed,
      variant: opts.variant,
      onSelection: ({ epoch, executor, fallback, ranking }) => {
        if (executor === 0n) return;
        const decide = (proposer: bigint, malicious: boolean) =>
          juryAccepts(rules, seatJury(ranking, executor, proposer, rules.size), malicious, (juror) =>
            rng(mix(seed, 0x1a7, epoch, Number(proposer), Number(juror))).uniform(),
          );
        if (executor === thief) {
          thiefHeld++;
          if (decide(thief, true)) {
            thiefLanded++;
          } else {
            thiefRejected++;
            if (fallback !== 0n && decide(fallback, false)) fallbackFinal++;
          }
        } else {
          honestHeld++;
          if (!decide(executor, false)) honestRejected++;
        }
      },
    });
    thiefEpochs += thiefHeld;
    if (thiefHeld > 0) landed.push(thiefLanded / thiefHeld);
    if (honestHeld > 0) rejected.push(honestRejected / honestHeld);
    if (thiefRejected > 0) fallbackLanded.push(fallbackFinal / thiefRejected);
  }
  return {
    maliciousLanded: meanOf(landed),
    honestRejected: meanOf(rejected),
    fallbackLanded: meanOf(fallbackLanded),
    thiefEpochs,
  };
}
