/**
 * The best simplex combination of K lists on a jury sample: exponentiated gradient (mirror descent on
 * the simplex) in floating point to find it, then the exact bigint `combinedLoss` of `./judgement.ts`
 * to judge it. The search never decides anything by itself: its quantised answer competes with every
 * single list (each a vertex of the simplex) on the exact loss, so the result is never worse than the
 * best single list.
 */
import { ScoringInputError } from "./evmMath.js";
import { combinedLoss } from "./judgement.js";
import { WAD } from "./lossMath.js";

/** What `solveCoefficients` needs: the lists' weights of each pair's items, the answers and the scale. */
export interface SolverInput {
  /** `wA[k][j]`: list k's weight of pair j's first item (K × J, WAD). */
  wA: readonly (readonly bigint[])[];
  /** `wB[k][j]`: list k's weight of pair j's second item (K × J, WAD). */
  wB: readonly (readonly bigint[])[];
  /** The jury's answer `ln(credit_b / credit_a)` per pair (WAD). */
  lnR: readonly bigint[];
  /** Log-ratio error that counts as a full miss (WAD). */
  scale: bigint;
}

export interface SolverOptions {
  /** Exponentiated-gradient steps (default 400). */
  iterations?: number;
  /** Step size, in units of the largest gradient entry's inverse (default 0.5). */
  step?: number;
}

/** The chosen coefficients (WAD, summing to exactly 1e18) and their exact combined loss. */
export interface SolverResult {
  coefficients: bigint[];
  loss: bigint;
}

/** Grid the quantiser rounds on before scaling to WAD (1e-12: exact in a double's 53 bits). */
const GRID = 10n ** 12n;

/**
 * Quantises non-negative numbers to WAD integers summing to exactly 1e18, proportional to them:
 * largest remainder on a grid of 1e-12 (ties to the lower index), scaled to WAD; then every entry
 * below `min` is raised to it, taking the difference from the largest entries (lowest index first).
 * @param values Non-negative, finite, not all zero.
 * @param min Smallest entry allowed (e.g. 1 for list weights floored at 1 wei; 0 for coefficients).
 * @returns WAD integers summing to 1e18.
 */
export function toWadSimplex(values: readonly number[], min = 0n): bigint[] {
  const n = values.length;
  if (n === 0) throw new ScoringInputError("toWadSimplex: no values");
  if (values.some((v) => !Number.isFinite(v) || v < 0)) {
    throw new ScoringInputError("toWadSimplex: values must be finite and non-negative", {
      details: values.join(", "),
    });
  }
  const total = values.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new ScoringInputError("toWadSimplex: values sum to zero");
  if (min * BigInt(n) > WAD)
    throw new ScoringInputError(`toWadSimplex: ${n} entries of at least ${min} exceed 1e18`);
  const exact = values.map((v) => (v / total) * Number(GRID));
  const units = exact.map((x) => BigInt(Math.floor(x)));
  let missing = GRID - units.reduce((a, b) => a + b, 0n);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((p, q) => q.r - p.r || p.i - q.i);
  for (let t = 0; missing > 0n; t = (t + 1) % n, missing--) units[order[t].i]++;
  for (let t = n - 1; missing < 0n; t = (t + n - 1) % n) {
    if (units[order[t].i] > 0n) {
      units[order[t].i]--;
      missing++;
    }
  }
  const out = units.map((u) => u * (WAD / GRID));
  let deficit = 0n;
  for (let i = 0; i < n; i++) {
    if (out[i] < min) {
      deficit += min - out[i];
      out[i] = min;
    }
  }
  while (deficit > 0n) {
    let top = 0;
    for (let i = 1; i < n; i++) if (out[i] > out[top]) top = i;
    const take = out[top] - min < deficit ? out[top] - min : deficit;
    out[top] -= take;
    deficit -= take;
  }
  return out;
}

/**
 * Finds simplex coefficients for K lists that minimise their combined loss on the jury sample.
 * Search: exponentiated gradient on the float loss `mean_j min(1, (d_j / scale)²)` with
 * `d_j = ln xB_j − ln xA_j − lnR_j` and `x = Σ_k c_k w_k` (floored at 1e-18); inside the clip the
 * gradient is the unclipped one, outside it 0. Each step multiplies c_k by `exp(−η·g_k)` with
 * `η = step / (max|g| · √(1 + t/50))` and renormalises; the iterate with the lowest float loss is kept. It is then
 * quantised (`toWadSimplex`) and evaluated with the exact `combinedLoss`, as is every single list;
 * the lowest exact loss wins, ties to the earlier candidate in the order list 0, …, list K−1, the
 * searched combination.
 * @param input The lists' weights per pair, the answers and the scale.
 * @param options Iterations and step size.
 * @returns The coefficients (WAD, summing to 1e18) and their exact loss.
 */
export function solveCoefficients(input: SolverInput, options: SolverOptions = {}): SolverResult {
  const { wA, wB, lnR, scale } = input;
  const K = wA.length;
  const J = lnR.length;
  if (K === 0) throw new ScoringInputError("solveCoefficients: no lists");
  if (J === 0) throw new ScoringInputError("solveCoefficients: no pairs");
  if (wB.length !== K || wA.some((l) => l.length !== J) || wB.some((l) => l.length !== J)) {
    throw new ScoringInputError("solveCoefficients: wA and wB must both be K × J", {
      details: `K = ${K}, J = ${J}`,
    });
  }
  if (scale <= 0n) throw new ScoringInputError(`solveCoefficients: scale must be positive, got ${scale}`);
  const iterations = options.iterations ?? 400;
  const step = options.step ?? 0.5;

  const fa = wA.map((l) => l.map((w) => Number(w) / 1e18));
  const fb = wB.map((l) => l.map((w) => Number(w) / 1e18));
  const fr = lnR.map((r) => Number(r) / 1e18);
  const s = Number(scale) / 1e18;
  const floor = 1e-18;

  const evaluate = (c: readonly number[], grad: number[] | null): number => {
    let loss = 0;
    if (grad) grad.fill(0);
    for (let j = 0; j < J; j++) {
      let xa = 0;
      let xb = 0;
      for (let k = 0; k < K; k++) {
        xa += c[k] * fa[k][j];
        xb += c[k] * fb[k][j];
      }
      xa = Math.max(xa, floor);
      xb = Math.max(xb, floor);
      const d = Math.log(xb) - Math.log(xa) - fr[j];
      if (Math.abs(d) >= s) {
        loss += 1;
        continue;
      }
      loss += (d / s) ** 2;
      if (grad) {
        const g = (2 * d) / (s * s);
        for (let k = 0; k < K; k++) grad[k] += g * (fb[k][j] / xb - fa[k][j] / xa);
      }
    }
    if (grad) for (let k = 0; k < K; k++) grad[k] /= J;
    return loss / J;
  };

  let c = new Array<number>(K).fill(1 / K);
  let best = c.slice();
  let bestLoss = Infinity;
  const grad = new Array<number>(K).fill(0);
  for (let t = 0; t <= iterations; t++) {
    const loss = evaluate(c, grad);
    if (loss < bestLoss) {
      bestLoss = loss;
      best = c.slice();
    }
    if (t === iterations) break;
    const gMax = Math.max(...grad.map(Math.abs));
    if (!(gMax > 0)) break;
    const eta = step / gMax / Math.sqrt(1 + t / 50);
    const next = c.map((ck, k) => ck * Math.exp(-eta * grad[k]));
    const total = next.reduce((a, b) => a + b, 0);
    c = next.map((x) => x / total);
  }

  const candidates: bigint[][] = [];
  for (let k = 0; k < K; k++) candidates.push(Array.from({ length: K }, (_, i) => (i === k ? WAD : 0n)));
  candidates.push(toWadSimplex(best));
  let result: SolverResult | null = null;
  for (const coefficients of candidates) {
    const loss = combinedLoss(wA, wB, coefficients, lnR, scale);
    if (result === null || loss < result.loss) result = { coefficients, loss };
  }
  return result as SolverResult;
}
