/**
 * The vouching world: a mutual aid group whose vouched membership grows with vouches and whose
 * members approve some funding proposals. Metrics: vouched members (integer) and approval rate
 * (percent, two decimals).
 */
import type { ExecuteRequest, ProposedAction } from "../models/types.js";
import { rng, type World } from "./world.js";

const GRANT = 10n * 10n ** 18n;

export function vouchingWorld(seed = 7): World {
  const random = rng(seed);
  let members = 5;
  let approval = 55;
  let current = 0n;
  return {
    name: "vouching",
    advance(epoch, state) {
      const vouched = typeof state.members === "number" ? state.members : members;
      members =
        Math.max(vouched, members) + (random.uniform() < 0.7 ? 1 : 0) + (random.uniform() < 0.3 ? 1 : 0);
      approval = Math.min(95, Math.max(10, approval + (state.funded ? 2 : -1) + random.normal() * 4));
      current = epoch + 1n;
      return [BigInt(members), BigInt(Math.round(approval * 100))];
    },
    project(target) {
      const ahead = Number(target - current + 1n);
      return [BigInt(members + Math.round(ahead)), BigInt(Math.round(approval * 100))];
    },
    inputs(epoch) {
      return [
        `VOUCH newcomer-${epoch}: I have worked beside them at the food bank for a year.`,
        `PROPOSAL ${epoch}: 10 tokens for seeds for the community garden.`,
        `VOTE proposal ${epoch}: yes`,
      ];
    },
    policy(request: ExecuteRequest) {
      const prior = (request.state ?? {}) as Record<string, unknown>;
      const vouches = request.inputs.filter((i) => i.data.startsWith("VOUCH")).length;
      const proposal = request.inputs.find((i) => i.data.startsWith("PROPOSAL"));
      const votes = request.inputs.filter((i) => i.data.startsWith("VOTE")).length;
      const actions: ProposedAction[] = [];
      const token = request.allowedTokens[0];
      if (token && proposal && votes > 0) {
        const limit = token.remaining < token.balance ? token.remaining : token.balance;
        const amount = GRANT < limit ? GRANT : limit;
        if (amount > 0n) actions.push({ token: token.token, to: proposal.sender, amount });
      }
      return {
        newState: {
          ...prior,
          epoch: Number(request.epoch),
          members: (typeof prior.members === "number" ? prior.members : 5) + vouches,
          funded: actions.length > 0,
          lastProposal: proposal ? proposal.data.slice(0, 80) : null,
        },
        actions,
      };
    },
    stateSeries(state) {
      return [{ label: "members in state", value: typeof state.members === "number" ? state.members : 0 }];
    },
  };
}
