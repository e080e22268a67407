/**
 * The fisheries world: a logistic fish stock that the executor's quota harvests, with noise. The
 * metrics are average catch per boat-day and the stock index (100 = carrying capacity), both with
 * two decimals.
 */
import type { ExecuteRequest, ProposedAction } from "../models/types.js";
import { rng, type World } from "./world.js";

/** Carrying capacity (stock index 100.00). */
export const K = 10_000;
/** Intrinsic growth rate per epoch. */
export const R = 0.35;
const BOATS = ["Aurora", "Brisa", "Caracol", "Delfin", "Estrella"];
const DAYS = 20;
const REWARD = 5n * 10n ** 18n;
/** The stock and quota an epoch-0 world starts from. */
export const INITIAL_STOCK = 6_000;
export const INITIAL_QUOTA = 1_500;

/**
 * The metrics of an epoch: catch per boat-day and the stock index (100 = carrying capacity), both
 * with two decimals.
 * @param catchTotal The epoch's total catch.
 * @param stock The stock at the end of the epoch.
 */
export function fisheryMetrics(catchTotal: number, stock: number): bigint[] {
  return [
    BigInt(Math.round((catchTotal / (BOATS.length * DAYS)) * 100)),
    BigInt(Math.round((stock / K) * 100 * 100)),
  ];
}

/**
 * One epoch of the stock: the fleet lands the quota (at most 60 % of the stock), the stock grows
 * logistically. `normal`, when given, draws the catch noise (6 %) and then the stock noise (120),
 * in that order; without it the step is the expected one.
 * @param stock The stock at the start of the epoch.
 * @param quota The total quota in force.
 * @param normal A standard normal source, or undefined for no noise.
 * @returns The catch and the stock at the end of the epoch (at least 100).
 */
export function fisheryStep(
  stock: number,
  quota: number,
  normal?: () => number,
): { catchTotal: number; next: number } {
  const catchTotal = Math.max(0, Math.min(quota, 0.6 * stock) * (1 + (normal ? normal() * 0.06 : 0)));
  const next = Math.max(
    100,
    stock + R * stock * (1 - stock / K) - catchTotal + (normal ? normal() * 120 : 0),
  );
  return { catchTotal, next };
}

export function fisheryWorld(seed = 42): World {
  const random = rng(seed);
  let stock = INITIAL_STOCK;
  let quota = INITIAL_QUOTA;
  const metrics = fisheryMetrics;
  const step = (s: number, q: number, noise: boolean) => fisheryStep(s, q, noise ? random.normal : undefined);
  let current = 0n;
  return {
    name: "fisheries",
    advance(epoch, state) {
      if (typeof state.totalQuota === "number") quota = state.totalQuota;
      const { catchTotal, next } = step(stock, quota, true);
      stock = next;
      current = epoch + 1n;
      return metrics(catchTotal, stock);
    },
    project(target) {
      let s = stock;
      let last = { catchTotal: 0, next: s };
      for (let e = current; e <= target; e++) {
        last = step(s, quota, false);
        s = last.next;
      }
      return metrics(last.catchTotal, s);
    },
    inputs(epoch) {
      const boat = BOATS[Number(epoch) % BOATS.length];
      return [
        `Catch report from the cooperative for epoch ${epoch}: all boats landed their share, nets inspected.`,
        `${boat}: we saw juveniles near the reef; please keep the quota prudent.`,
      ];
    },
    policy(request: ExecuteRequest) {
      const prior = (request.state ?? {}) as Record<string, unknown>;
      const last = [...request.history].reverse().find((h) => h.outcome !== null)?.outcome;
      const stockIndex = last ? Number(last[1]) / 100 : 60;
      const estimate = (stockIndex / 100) * K;
      // Harvest below the surplus: a fifth of the estimated stock, never more than half the growth peak.
      const totalQuota = Math.round(Math.min(0.2 * estimate, 0.5 * R * K));
      const share = Math.floor(totalQuota / BOATS.length);
      const actions: ProposedAction[] = [];
      const token = request.allowedTokens[0];
      const cooperative = request.inputs.find((i) => i.data.startsWith("Catch report"))?.sender;
      if (token && cooperative) {
        const limit = token.remaining < token.balance ? token.remaining : token.balance;
        const amount = REWARD < limit ? REWARD : limit;
        if (amount > 0n) actions.push({ token: token.token, to: cooperative, amount });
      }
      return {
        newState: {
          ...prior,
          epoch: Number(request.epoch),
          stockIndexSeen: stockIndex,
          totalQuota,
          allocations: Object.fromEntries(BOATS.map((b) => [b, share])),
          ignoredInputs: request.inputs.filter(
            (i) => !i.data.startsWith("Catch report") && !BOATS.some((b) => i.data.startsWith(b)),
          ).length,
        },
        actions,
      };
    },
    stateSeries(state) {
      return [{ label: "total quota", value: typeof state.totalQuota === "number" ? state.totalQuota : 0 }];
    },
  };
}
