/**
 * Median of reporters' values: the TypeScript twin of `contracts/libraries/Median.sol`. Sorts
 * ascending; an odd count takes the middle value, an even count the checked int256 sum of the two
 * middle values divided by 2, rounding toward zero (Solidity's signed division and bigint division
 * agree). An empty list panics like the contract's `n / 2 − 1` underflow.
 */
import { addInt256, asInt256, divInt256, EvmPanicError, PanicCode } from "./evmMath.js";

/**
 * The median of `values` (not modified), exactly as `Median.compute`.
 * @param values At least one int256 value.
 * @returns The median.
 */
export function median(values: readonly bigint[]): bigint {
  const n = values.length;
  if (n === 0)
    throw new EvmPanicError(PanicCode.ArithmeticOverflow, "median of nothing", "n / 2 - 1 with n = 0");
  const sorted = values
    .map((v, i) => asInt256(`values[${i}]`, v))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const mid = Math.floor(n / 2);
  if (n % 2 === 1) return sorted[mid];
  return divInt256(addInt256(sorted[mid - 1], sorted[mid]), 2n);
}
