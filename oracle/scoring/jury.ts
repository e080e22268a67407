/**
 * Jury seating: the TypeScript twin of `GengovHubModule.juryOf` (`IGengovHub.juryOf`). Given the
 * epoch's Leader ranking (eligible candidates by score, ties to the lower id: `ranking()` from the hub
 * or `./selection.ts`), it returns the same jurors, best first, as the contract.
 *
 * Only the first `MAX_JURY_CONSIDERED` of the ranking are considered. In ranking order, each is
 * skipped when it is the epoch's executor, the proposer, shares the proposer's operator or owner, or
 * is listed in `exclude` (an appeal jury excludes the proposal's jurors); the rest sit until `size`
 * (at most `MAX_JURY_SIZE`) are seated. An agreement without a jury seats nobody: the contract returns
 * no jurors whatever `size` is, and so does `seatJury` when `juryEnabled` is false.
 */
import type { Address } from "viem";

import { limits } from "../protocol/generated.js";
import { ScoringInputError } from "./evmMath.js";

/** Jurors seated for one vote (`Limits.MAX_JURY_SIZE`). */
export const MAX_JURY_SIZE = limits.MAX_JURY_SIZE;

/** Ranked candidates the seating considers (`Limits.MAX_JURY_CONSIDERED`). */
export const MAX_JURY_CONSIDERED = limits.MAX_JURY_CONSIDERED;

/** A candidate's identity as the hub stores it: its operator key and its owner. */
export interface CandidateIdentity {
  operator: Address;
  owner: Address;
}

export interface SeatJuryParameters {
  /** The epoch's ranking, best first (ids; scores are not read, the order is what counts). */
  ranking: { ids: readonly bigint[] };
  /** The epoch's executor. */
  executor: bigint;
  /** The proposing candidate (the executor or the fallback). */
  proposer: bigint;
  /** Operator and owner of a candidate id: asked for the proposer and for each considered candidate. */
  identityOf: (id: bigint) => CandidateIdentity;
  /** Jurors wanted; more than `MAX_JURY_SIZE` seats `MAX_JURY_SIZE`. */
  size: bigint | number;
  /** Candidates that may not sit. */
  exclude?: readonly bigint[];
  /** False for an agreement whose `jurySize` is 0: nobody sits. Defaults to true. */
  juryEnabled?: boolean;
}

const same = (a: Address, b: Address) => a.toLowerCase() === b.toLowerCase();

/**
 * The jury of a transition, as `juryOf(agreementId, epoch, proposer, size, exclude)` returns it.
 * @returns Juror ids, best score first.
 * @throws ScoringInputError when `size` is negative or the ranking lists an id twice.
 */
export function seatJury(params: SeatJuryParameters): bigint[] {
  const size = BigInt(params.size);
  if (size < 0n) throw new ScoringInputError(`jury size ${size} is negative`);
  const ids = params.ranking.ids;
  if (new Set(ids).size !== ids.length) throw new ScoringInputError("the ranking lists a candidate twice");
  if (params.juryEnabled === false || size === 0n) return [];
  const wanted = Number(size > BigInt(MAX_JURY_SIZE) ? BigInt(MAX_JURY_SIZE) : size);
  const side = params.identityOf(params.proposer);
  const exclude = new Set(params.exclude ?? []);
  const jurors: bigint[] = [];
  for (const id of ids.slice(0, MAX_JURY_CONSIDERED)) {
    if (jurors.length === wanted) break;
    if (id === params.executor || id === params.proposer || exclude.has(id)) continue;
    const who = params.identityOf(id);
    if (same(who.operator, side.operator) || same(who.owner, side.owner)) continue;
    jurors.push(id);
  }
  return jurors;
}
