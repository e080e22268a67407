/**
 * gengov scoring twin: the TypeScript twin of the hub's scoring and selection code.
 *
 *   lossMath.ts        contracts/libraries/LossMath.sol (+ Forecasts._epochLoss)
 *   median.ts          contracts/libraries/Median.sol
 *   effectiveScore.ts  the score record: registration, reveal, missed targets, settlement, bond units
 *   selection.ts       ScoreRecord.eligible and ExecutorSelection._upToDateFloor /
 *                      _computeSelection / _draw / ranking
 *   jury.ts            GengovHubModule.juryOf (who sits on a jury, given the ranking)
 *   evmMath.ts         Solidity 0.8 checked integer semantics and panic codes
 *
 * The twin agrees with the contracts bit for bit: every function here repeats
 * its Solidity namesake's integer recipe (order of operations, rounding, early exits) with bigint,
 * and throws `EvmPanicError` where the contract reverts with a panic. Changing either side without
 * the other breaks `test/scoring.differential.test.ts`, which compares them on randomised inputs and
 * against a live hub; `seatJury` is compared with the hub's `juryOf` by
 * `test/jury.seating.differential.test.ts`.
 */
export * from "./effectiveScore.js";
export * from "./evmMath.js";
export * from "./jury.js";
export * from "./lossMath.js";
export * from "./median.js";
export * from "./selection.js";
