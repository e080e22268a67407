/**
 * gengov scoring twin: the TypeScript twin of the hub's scoring and selection code.
 *
 *   lossMath.ts        contracts/libraries/LossMath.sol (+ Forecasts._epochLoss)
 *   median.ts          contracts/libraries/Median.sol
 *   effectiveScore.ts  the score record: registration, reveal, missed targets, settlement, bond units
 *   selection.ts       ScoreRecord.eligible and ExecutorSelection._upToDateFloor /
 *                      _computeSelection / _draw / ranking
 *   jury.ts            GengovHubModule.juryOf (who sits on a jury, given the ranking)
 *   judgement.ts       contracts/libraries/JudgementMath.sol (+ list losses and the jury's pair sample)
 *   sumTree.ts         contracts/libraries/SumTree.sol (the list commitment, built and verified)
 *   judgementSolver.ts the best simplex combination of lists on a jury sample (off-chain search)
 *   conditional.ts     contracts/conditional/GengovConditional.sol's decision and scoring math (futarchy mode)
 *   evmMath.ts         Solidity 0.8 checked integer semantics and panic codes
 *
 * The twin agrees with the contracts bit for bit: every function here repeats
 * its Solidity namesake's integer recipe (order of operations, rounding, early exits) with bigint,
 * and throws `EvmPanicError` where the contract reverts with a panic. Changing either side without
 * the other breaks `test/scoring.differential.test.ts`, which compares them on randomised inputs and
 * against a live hub; `seatJury` is compared with the hub's `juryOf` by
 * `test/jury.seating.differential.test.ts`.
 */
export * from "./conditional.js";
export * from "./effectiveScore.js";
export * from "./evmMath.js";
export * from "./judgement.js";
export * from "./judgementSolver.js";
export * from "./jury.js";
export * from "./lossMath.js";
export * from "./median.js";
export * from "./selection.js";
export * from "./sumTree.js";
