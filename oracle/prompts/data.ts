/**
 * The parts of a prompt's data block that the templates share. A template's output must never change
 * once released, so a function here changes only by being added next to the old one.
 */
import { formatUnits } from "viem";

import type { EpochRecord, MetricInfo } from "../models/types.js";
import { neutralize } from "./spotlight.js";

/** The agreement's metrics: index, neutralised name, decimals and the error that counts as a full miss. */
export function metricsData(metrics: readonly MetricInfo[]) {
  return metrics.map((m, index) => ({
    index,
    name: neutralize(m.name),
    decimals: m.decimals,
    fullMissError: formatUnits(m.scale, m.decimals),
  }));
}

/** Past outcomes as the v1 templates give them: the values, or "void" when not final. */
export function historyDataV1(history: readonly EpochRecord[], metrics: readonly MetricInfo[]) {
  return history.map((h) => ({
    epoch: h.epoch.toString(),
    outcome: h.outcome === null ? "void" : h.outcome.map((v, i) => formatUnits(v, metrics[i]?.decimals ?? 0)),
  }));
}

/** Past outcomes: the values when final, "pending" when not fixed yet, "void" when voided. */
export function historyData(history: readonly EpochRecord[], metrics: readonly MetricInfo[]) {
  return history.map((h) => ({
    epoch: h.epoch.toString(),
    outcome:
      h.outcome !== null
        ? h.outcome.map((v, i) => formatUnits(v, metrics[i]?.decimals ?? 0))
        : h.pending
          ? "pending"
          : "void",
  }));
}
