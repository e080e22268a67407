/**
 * Text output of the gas benchmark: the table of `npm run bench:gas` (gas, target, pass/fail) and the
 * comparison of `npm run bench:gas:check` against the committed baseline.
 */
import {
  GAS_KEYS,
  GAS_NOTES,
  GAS_TARGETS,
  MAX_METRICS,
  type GasMeasurement,
  type GasReport,
} from "./measureGas.js";

const fmt = (n: number) => n.toLocaleString("en-US");

function render(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) =>
      r.map((cell, c) => (c === 0 || c === r.length - 1 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))),
    )
    .map((r) => r.join("  ").trimEnd())
    .join("\n");
}

/**
 * The benchmark table: every key with its gas, the execution part, the target and pass/fail.
 * @param m The measurement.
 * @returns The table and its footnotes.
 */
export function formatGasTable(m: GasMeasurement): string {
  const rows = [["key", "gasUsed", "execution", "target", "status", "what"]];
  for (const key of GAS_KEYS) {
    const target = GAS_TARGETS[key];
    const status = target === undefined ? "-" : m.gas[key] <= target ? "pass" : "FAIL";
    rows.push([
      key,
      fmt(m.gas[key]),
      fmt(m.gas[key] - m.intrinsic[key]),
      target === undefined ? "-" : fmt(target),
      status,
      GAS_NOTES[key],
    ]);
  }
  const failed = GAS_KEYS.filter((k) => (GAS_TARGETS[k] ?? Infinity) < m.gas[k]);
  return [
    render(rows),
    "",
    "gasUsed: the whole transaction, from its receipt (EVM prague); targets and status apply to it.",
    "execution: gasUsed minus 21,000 and the calldata cost (4 per zero byte, 16 per other byte).",
    `reveal.k16: not measurable; the hub caps metrics at ${MAX_METRICS} per agreement, so reveal.k${MAX_METRICS} is reported instead.`,
    failed.length === 0 ? "All targets met." : `Over target: ${failed.join(", ")}.`,
  ].join("\n");
}

export type GasComparison = {
  /** Keys whose gas moved by more than the tolerance, or that appear on one side only. */
  failed: string[];
  /** A table of baseline, current and relative change per key. */
  text: string;
};

/**
 * Compares a fresh measurement with the baseline.
 * @param baseline The committed figures.
 * @param current The fresh figures.
 * @param tolerance Allowed relative change (0.01 = 1 %).
 * @returns The keys out of tolerance and a printable diff.
 */
export function compareGas(
  baseline: Record<string, number>,
  current: GasReport,
  tolerance: number,
): GasComparison {
  const keys = [...new Set([...GAS_KEYS, ...Object.keys(baseline)])];
  const rows = [["key", "baseline", "current", "change", "status"]];
  const failed: string[] = [];
  for (const key of keys) {
    const base = baseline[key];
    const now = (current as Record<string, number | undefined>)[key];
    if (base === undefined || now === undefined) {
      failed.push(key);
      rows.push([
        key,
        base === undefined ? "missing" : fmt(base),
        now === undefined ? "missing" : fmt(now),
        "",
        "FAIL",
      ]);
      continue;
    }
    const change = (now - base) / base;
    const ok = Math.abs(change) <= tolerance;
    if (!ok) failed.push(key);
    const sign = now > base ? "+" : "";
    rows.push([
      key,
      fmt(base),
      fmt(now),
      `${sign}${fmt(now - base)} (${sign}${(change * 100).toFixed(2)}%)`,
      ok ? "ok" : "FAIL",
    ]);
  }
  return { failed, text: render(rows) };
}
