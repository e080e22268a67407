/**
 * The keys of `bench:mechanism`: what each scenario of `./scenarios.ts`, `./jury.ts`, `./judgement.ts` and
 * `./futarchy.ts` gives,
 * for the examples' parameters as committed (the recommended ones) and for the alternatives studied next to them.
 */
import { WAD } from "../../oracle/scoring/index.js";
import { FUTARCHY_EPSILON, FUTARCHY_ETA, futarchyScenario } from "./futarchy.js";
import { judgementScenario } from "./judgement.js";
import { JURY_RULES, juryScenario } from "./jury.js";
import {
  cherryPick,
  dormant,
  expectedLoss,
  NEWCOMER,
  POOL,
  newcomer,
  outage,
  standardPool,
  sybil,
  type Estimate,
  type ScenarioOptions,
} from "./scenarios.js";
import { exampleParams, type MechanismParams, type RuleVariant } from "./simulate.js";

/** α and margin studied for Leader (WAD shares). */
export const ALPHAS = [0.2, 0.3] as const;
export const MARGINS = [0.01, 0.02] as const;
/** eta studied for Weighted (the vouching example had 8 before `eta` could exceed 18.45). */
export const ETAS = [8, 50, 100, 200, 300, 500, 1000] as const;
/** maxScore studied (the hub takes values in (0, 1); 0.99 is as good as no cap). */
export const MAX_SCORES = [0.5, 0.6, 0.7, 0.8, 0.9, 0.99] as const;

/** Whether a smaller value is better (regressions are moves the other way). */
export type Direction = "lower" | "higher";

/** Direction of every key, by its last segments. */
export function directionOf(key: string): Direction {
  return /bestShare$|ProposedShare$/.test(key) ? "higher" : "lower";
}

export interface MechanismReport {
  /** One number per key. */
  metrics: Record<string, number>;
  /** Standard error of the keys that are means or medians over seeds. */
  stderr: Record<string, number>;
  /** The recommended parameters measured (from examples/*\/params.json). */
  params: Record<string, string | number>;
}

export interface MeasureOptions {
  /** Seeds per scenario (the benchmark uses 200; the test fewer). */
  seeds: number;
  /** Rule changes, to show the measurements can tell a broken mechanism. */
  variant?: RuleVariant;
  /** Only the recommended parameters, no sweeps (for the test). */
  recommendedOnly?: boolean;
}

const toWad = (x: number) => (BigInt(Math.round(x * 1e6)) * WAD) / 1_000_000n;
const fromWad = (x: bigint) => Number(x) / 1e18;

/** Measures every key. Deterministic: same seeds, same code, same numbers. */
export function measureMechanism(opts: MeasureOptions): MechanismReport {
  const metrics: Record<string, number> = {};
  const stderr: Record<string, number> = {};
  const put = (key: string, x: Estimate | number) => {
    if (typeof x === "number") {
      metrics[key] = x;
    } else {
      metrics[key] = x.value;
      stderr[key] = x.se;
    }
  };
  const leaderBase = exampleParams("fisheries");
  const weightedBase = exampleParams("vouching");
  const scenario = (params: MechanismParams): ScenarioOptions => ({
    params,
    seeds: opts.seeds,
    variant: opts.variant,
  });

  // Leader at the recommended α and margin.
  const leader = standardPool(scenario(leaderBase));
  put("leader.regret.t20", leader.regretT20);
  put("leader.regret.t100", leader.regretT100);
  put("leader.switches.t100", leader.switchesT100);
  put("leader.bestShare", leader.bestShare);
  const late = newcomer(scenario(leaderBase));
  put("newcomer.medianEpochsToLead", late.median);
  put("newcomer.meanEpochsToLead", late.mean);
  put("dormant.epochsKept", dormant(scenario(leaderBase)).epochsKept);
  const cherry = cherryPick(scenario(leaderBase));
  put("cherryPick.scoreGain", cherry.scoreGain);
  put("cherryPick.maxGain", cherry.maxGain);
  const gap = outage(scenario(leaderBase));
  put("outage.gapEpochs", gap.gapEpochs);
  put("outage.adversaryEpochs", gap.adversaryEpochs);

  // A thief executor proposing malicious transitions to a jury of 3 (quorum 2), and with no jury.
  const jury = juryScenario(scenario(leaderBase));
  put("jury.maliciousLanded", jury.maliciousLanded);
  put("jury.honestRejected", jury.honestRejected);
  const noJury = juryScenario({ ...scenario(leaderBase), rules: { ...JURY_RULES, size: 0 } });
  put("jury.maliciousLanded.noJury", noJury.maliciousLanded);

  // Weighted at the recommended eta.
  const weighted = standardPool(scenario(weightedBase));
  put("weighted.bestShare", weighted.bestShare);
  put("weighted.regret.t100", weighted.regretT100);
  put("sybil.k5.groupShareRatio", sybil({ ...scenario(weightedBase), k: 5 }).groupShareRatio);

  // A judgement round: the solved combination of five lists against the best one and the average.
  const judgement = judgementScenario({ seeds: opts.seeds });
  put("judgement.combinedVsBest", judgement.combinedVsBest);
  put("judgement.combinedVsMean", judgement.combinedVsMean);

  // Futarchy mode: quota decisions by conditional forecasts, against the Leader's forecast alone and chance.
  const futarchy = futarchyScenario({ seeds: opts.seeds });
  put("futarchy.decisionRegret", futarchy.decisionRegret);
  put("futarchy.explorationRate", futarchy.explorationRate);
  put(
    "futarchy.decisionRegret.leader",
    futarchyScenario({ seeds: opts.seeds, policy: "leader" }).decisionRegret,
  );
  put(
    "futarchy.decisionRegret.random",
    futarchyScenario({ seeds: opts.seeds, policy: "random" }).decisionRegret,
  );

  if (!opts.recommendedOnly) {
    for (const alpha of ALPHAS) {
      for (const margin of MARGINS) {
        const params = { ...leaderBase, alpha: toWad(alpha), margin: toWad(margin) };
        const at = `grid[alpha=${alpha},margin=${margin}]`;
        const r = standardPool(scenario(params));
        put(`${at}.leader.regret.t20`, r.regretT20);
        put(`${at}.leader.regret.t100`, r.regretT100);
        put(`${at}.leader.switches.t100`, r.switchesT100);
        const n = newcomer(scenario(params));
        put(`${at}.newcomer.medianEpochsToLead`, n.median);
        put(`${at}.newcomer.meanEpochsToLead`, n.mean);
        put(`${at}.outage.gapEpochs`, outage(scenario(params)).gapEpochs);
      }
    }
    for (const eta of ETAS) {
      const r = standardPool(scenario({ ...weightedBase, eta: toWad(eta) }));
      put(`eta[${eta}].weighted.bestShare`, r.bestShare);
      put(`eta[${eta}].weighted.regret.t100`, r.regretT100);
    }
    for (const maxScore of MAX_SCORES) {
      const r = outage(scenario({ ...leaderBase, maxScore: toWad(maxScore) }));
      put(`maxScore[${maxScore}].outage.gapEpochs`, r.gapEpochs);
      put(`maxScore[${maxScore}].outage.adversaryEpochs`, r.adversaryEpochs);
    }
  }

  return {
    metrics,
    stderr,
    params: {
      seeds: opts.seeds,
      "fisheries.alpha": fromWad(leaderBase.alpha),
      "fisheries.margin": fromWad(leaderBase.margin),
      "fisheries.maxScore": fromWad(leaderBase.maxScore),
      "vouching.alpha": fromWad(weightedBase.alpha),
      "vouching.eta": fromWad(weightedBase.eta),
      "vouching.maxScore": fromWad(weightedBase.maxScore),
      "fisheries.pool.expectedLoss": POOL.map((m) => expectedLoss("fisheries", m).toFixed(4)).join(" "),
      "vouching.pool.expectedLoss": POOL.map((m) => expectedLoss("vouching", m).toFixed(4)).join(" "),
      "fisheries.newcomer.expectedLoss": expectedLoss("fisheries", NEWCOMER).toFixed(4),
      "jury.size": JURY_RULES.size,
      "jury.quorum": JURY_RULES.quorum,
      "jury.pDetect": JURY_RULES.pDetect,
      "jury.pFalse": JURY_RULES.pFalse,
      "futarchy.epsilon": fromWad(FUTARCHY_EPSILON),
      "futarchy.eta": fromWad(FUTARCHY_ETA),
    },
  };
}

/**
 * The report as `bench:mechanism -- --json` prints it: every key at the top level, then `stderr` and
 * `params` (the form of `bench/mechanism-baseline.json`).
 */
export function reportToJson(r: MechanismReport): Record<string, unknown> {
  return { ...r.metrics, stderr: r.stderr, params: r.params };
}

/** Reads a report printed by `reportToJson`. */
export function reportFromJson(json: Record<string, unknown>): MechanismReport {
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(json)) if (typeof v === "number") metrics[k] = v;
  return {
    metrics,
    stderr: (json.stderr ?? {}) as Record<string, number>,
    params: (json.params ?? {}) as Record<string, string | number>,
  };
}
