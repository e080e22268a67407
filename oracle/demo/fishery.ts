/**
 * The fisheries world: a logistic fish stock that the executor's quota harvests, with noise. The
 * metrics are average catch per boat-day and the stock index (100 = carrying capacity), both with
 * two decimals.
 */
import type { ExecuteRequest, ProposedAction } from "../models/types.js";
import { rng, type World } from "./world.js";

const K = 10_000;
const R = 0.35;
const BOATS = ["Aurora", "Brisa", "Caracol", "Delfin", "Estrella"];
const DAYS = 20;
const REWARD = 5n * 10n ** 18n;

export function fisheryWorld(seed = 42): World {
  const random = rng(seed);
  let stock = 6_000;
  let quota = 1_500;
  const metrics = (catchTotal: number, s: number) => [
    BigInt(Math.round((catchTotal / (BOATS.length * DAYS)) * 100)),
    BigInt(Math.round((s / K) * 100 * 100)),
  ];
  const step = (s: number, q: number, noise: boolean) => {
    const catchTotal = Math.max(0, Math.min(q, 0.6 * s) * (1 + (noise ? random.normal() * 0.06 : 0)));
    const next = Math.max(100, s + R * s * (1 - s / K) - catchTotal + (noise ? random.normal() * 120 : 0));
    return { catchTotal, next };
  };
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
