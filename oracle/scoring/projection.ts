/**
 * The next executor as the candidates' records stand now, with the twins of the hub's rules
 * (`standingOf` in `./effectiveScore.ts`, `computeSelection` and `selectionWeights` in
 * `./selection.ts`). `gengov status` shows it. Leader: the executor the hub fixes if no record
 * changes before the selection. Weighted: the draw's word is not known before the epoch's reveals,
 * so only each eligible candidate's chance is.
 */
import {
  isEligible,
  computeSelection,
  selectionWeights,
  SelectionMode,
  type CandidateStanding,
} from "./selection.js";
import type { EligibilityRule } from "./selection.js";

export type SelectionProjection =
  | { mode: "Leader"; executor: bigint; fallback: bigint }
  | { mode: "Weighted"; chances: { candidateId: bigint; chance: number }[] };

export interface ProjectSelectionParameters {
  candidates: readonly CandidateStanding[];
  /** Eligibility thresholds and the projected epoch's `upToDateFloor`. */
  rule: EligibilityRule;
  mode: SelectionMode;
  /** The agreement's last executor (0 = none). */
  incumbent: bigint;
  margin: bigint;
  eta: bigint;
}

export function projectSelection(p: ProjectSelectionParameters): SelectionProjection {
  if (p.mode === SelectionMode.Leader) {
    const { executor, fallback } = computeSelection(p);
    return { mode: "Leader", executor, fallback };
  }
  const eligible = [...p.candidates]
    .filter((c) => isEligible(c, p.rule))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  if (eligible.length === 0) return { mode: "Weighted", chances: [] };
  const minScore = eligible.reduce((m, c) => (c.score < m ? c.score : m), eligible[0].score);
  const weights = selectionWeights(
    eligible.map((c) => c.score),
    eligible.map((c) => c.units),
    minScore,
    p.eta,
  );
  const total = weights.reduce((a, w) => a + w, 0n);
  return {
    mode: "Weighted",
    // Parts per million of the total weight, then as a fraction: exact to 1e-6.
    chances: eligible.map((c, i) => ({
      candidateId: c.id,
      chance: Number((weights[i] * 1_000_000n) / total) / 1_000_000,
    })),
  };
}
