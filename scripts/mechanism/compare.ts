/**
 * What `bench:mechanism:check` enforces: the hard bounds every run must meet, and how far a key may
 * move the wrong way from `bench/mechanism-baseline.json`.
 *
 * Tolerance. The run is deterministic (seeded mulberry32 streams, bigint scoring, IEEE arithmetic;
 * the judgement scenario's exp and log are V8's own fdlibm ports, not the platform's libm), so with
 * unchanged code every key repeats exactly and the check is stable. A change that re-draws the
 * simulation (another draw order, another world or pool parameter) moves a mean over 200 seeds by
 * about its standard error even when the mechanism is no worse, so a key fails only when it is worse
 * than the baseline by more than 4 standard errors (the baseline's own, from the seeds' spread: a
 * false alarm is then about 3 in 100,000 per key and under 1 in 400 over the report's 60-odd keys)
 * or by a floor per kind of key, whichever is larger. The floors cover keys that are medians of whole
 * epochs or have no standard error, and keep differences nobody would act on from failing: 0.0005 of
 * regret (a twentieth of a percent of the worst loss), 0.02 of a share, one switch, one epoch of a
 * median, half an epoch of a mean, 0.01 of the Sybil ratio, of a score, of a jury key's share of
 * epochs or of a judgement distance ratio; `dormant.epochsKept` (a maximum over runs, a whole number)
 * may not grow at all.
 */
import type { Direction, MechanismReport } from "./measure.js";
import { directionOf } from "./measure.js";

/** Standard errors a key may move the wrong way. */
export const SE_TOLERANCE = 4;

/** The smallest tolerance of a key (its unit of "a difference that matters"). */
export function floorOf(key: string): number {
  if (/epochsKept$/.test(key)) return 0;
  if (/[rR]egret/.test(key)) return 0.0005;
  if (/bestShare$/.test(key)) return 0.02;
  if (/ProposedShare$/.test(key)) return 0.05; // one epoch of the on-chain run's 19 or more
  if (/switches|median/.test(key)) return 1;
  if (/Epochs/.test(key)) return 0.5;
  return 0.01;
}

/** Keys measured on the in-process chain (`./onChain.ts`), not by the twin's `measureMechanism`. */
export const ON_CHAIN_KEYS: readonly string[] = ["weighted.executorProposedShare"];

/** A hard bound a fresh run must meet, whatever the baseline says. */
export interface Bound {
  key: string;
  op: "≤" | "≥" | "<";
  limit: number;
  why: string;
}

/**
 * The hard bounds: a standard pool's best model wins most Weighted draws, splitting a bond gains no
 * weight, a dormant leader is out within `horizon + 1` epochs, skipping hard epochs never pays, and
 * a jury stops all but 5 % of a malicious executor's transitions, and a judgement round's solved
 * combination of lists lands closer to the truth than the best single list, and futarchy-mode decisions
 * lose at most a tenth of what each decision could gain, exploring at the rate their terms set.
 * @param horizon The Leader example's horizon.
 */
export function hardBounds(horizon: number): Bound[] {
  return [
    { key: "weighted.bestShare", op: "≥", limit: 0.6, why: "the best model wins most draws" },
    { key: "sybil.k5.groupShareRatio", op: "≤", limit: 1.05, why: "five seats weigh what one does" },
    {
      key: "dormant.epochsKept",
      op: "≤",
      limit: horizon + 1,
      why: "a leader that stops forecasting is out within horizon + 1 epochs",
    },
    { key: "cherryPick.scoreGain", op: "≤", limit: 0, why: "skipping hard epochs never pays" },
    { key: "cherryPick.maxGain", op: "≤", limit: 0, why: "not even in the best seed" },
    {
      key: "jury.maliciousLanded",
      op: "≤",
      limit: 0.05,
      why: "a jury of 3 (quorum 2) stops a malicious executor's transition 19 times in 20",
    },
    {
      key: "weighted.executorProposedShare",
      op: "≥",
      limit: 0.95,
      why: "honest nodes propose exactly when their candidate is the fixed executor",
    },
    {
      key: "futarchy.decisionRegret",
      op: "≤",
      limit: 0.1,
      why: "conditional forecasts combined by score lose at most a tenth of what each quota decision could gain, exploration included",
    },
    {
      key: "futarchy.explorationRate",
      op: "≥",
      limit: 0.08,
      why: "the exploration draw fires at its rate epsilon = 0.1 (10,000 decisions: 7 standard errors)",
    },
    {
      key: "futarchy.explorationRate",
      op: "≤",
      limit: 0.12,
      why: "the exploration draw fires at its rate epsilon = 0.1 (10,000 decisions: 7 standard errors)",
    },
    {
      key: "judgement.combinedVsBest",
      op: "<",
      limit: 1,
      why: "the combination chosen on the jury's pairs beats the best single list",
    },
  ];
}

/**
 * The hard bounds a set of metrics breaks (a missing key breaks its bound).
 * @param skip Keys whose bounds another check holds (the twin-only test skips `ON_CHAIN_KEYS`).
 * @returns One line per broken bound.
 */
export function brokenBounds(
  metrics: Record<string, number>,
  horizon: number,
  skip: readonly string[] = [],
): string[] {
  return hardBounds(horizon)
    .filter((b) => !skip.includes(b.key))
    .filter((b) => {
      const v = metrics[b.key];
      if (v === undefined) return true;
      if (b.op === "<") return !(v < b.limit);
      return b.op === "≤" ? !(v <= b.limit) : !(v >= b.limit);
    })
    .map((b) => `${b.key} = ${metrics[b.key]} breaks ${b.op} ${b.limit} (${b.why})`);
}

export interface MechanismComparison {
  /** Keys worse than the baseline beyond tolerance, or on one side only. */
  regressed: string[];
  /** Keys better than the baseline beyond tolerance (pass; regenerate the baseline to keep them). */
  improved: string[];
  /** A printable table. */
  text: string;
}

const fmt = (x: number | undefined) =>
  x === undefined ? "-" : Number.isInteger(x) ? String(x) : x.toPrecision(4);

/**
 * Compares a fresh report with the baseline.
 * @param baseline The committed report.
 * @param current The fresh one.
 * @returns The regressions, the improvements and a table.
 */
export function compareMechanism(baseline: MechanismReport, current: MechanismReport): MechanismComparison {
  const keys = [...new Set([...Object.keys(baseline.metrics), ...Object.keys(current.metrics)])];
  const rows = [["key", "baseline", "current", "tolerance", "better", "status"]];
  const regressed: string[] = [];
  const improved: string[] = [];
  for (const key of keys) {
    const base = baseline.metrics[key];
    const now = current.metrics[key];
    const dir: Direction = directionOf(key);
    const tol = Math.max(SE_TOLERANCE * (baseline.stderr[key] ?? 0), floorOf(key));
    let status = "ok";
    if (base === undefined || now === undefined) {
      status = base === undefined ? "NEW" : "GONE";
      regressed.push(key);
    } else {
      const worse = dir === "lower" ? now - base : base - now;
      if (worse > tol) {
        status = "WORSE";
        regressed.push(key);
      } else if (-worse > tol) {
        status = "better";
        improved.push(key);
      }
    }
    rows.push([key, fmt(base), fmt(now), fmt(tol), dir, status]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const text = rows
    .map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  "))
    .join("\n");
  return { regressed, improved, text };
}
