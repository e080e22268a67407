/**
 * Solidity 0.8 integer semantics for the scoring twin: checked uint256 / int256 arithmetic that
 * fails exactly where the compiled contracts revert, with the same panic codes.
 *
 * Twin of the arithmetic the compiler inserts into `contracts/libraries/*.sol`; see `./index.ts`.
 */
import { BaseError } from "../errors/BaseError.js";

/** 2^256 − 1, `type(uint256).max`. */
export const MAX_UINT256 = (1n << 256n) - 1n;
/** `type(int256).max`. */
export const MAX_INT256 = (1n << 255n) - 1n;
/** `type(int256).min`. */
export const MIN_INT256 = -(1n << 255n);

/** Solidity panic codes (`Panic(uint256)`) the twin reproduces. */
export const PanicCode = {
  /** Arithmetic overflow or underflow outside an `unchecked` block. */
  ArithmeticOverflow: 0x11,
  /** Division or modulo by zero. */
  DivisionByZero: 0x12,
  /** Conversion of an out-of-range value to an enum. */
  EnumConversion: 0x21,
} as const;
export type PanicCode = (typeof PanicCode)[keyof typeof PanicCode];

/**
 * Thrown where the Solidity code would revert with `Panic(code)`: `shortMessage` names the operation,
 * `details` the operands.
 */
export class EvmPanicError extends BaseError {
  override name = "EvmPanicError";
  readonly code: PanicCode;

  constructor(code: PanicCode, shortMessage: string, details: string) {
    super(`${shortMessage} (panic 0x${code.toString(16)})`, { details });
    this.code = code;
  }
}

/** An argument outside what the contract's ABI types or preconditions allow (a caller bug). */
export class ScoringInputError extends BaseError {
  override name = "ScoringInputError";
}

function overflow(op: string, a: bigint, b: bigint): EvmPanicError {
  return new EvmPanicError(PanicCode.ArithmeticOverflow, `${op} overflows`, `${a} ${op} ${b}`);
}

/**
 * Checks that `value` is a uint256, as the ABI decoder guarantees for a `uint256` argument.
 * @param name The argument's name, for the error message.
 * @param value The value.
 * @returns The value.
 */
export function asUint256(name: string, value: bigint): bigint {
  if (value < 0n || value > MAX_UINT256)
    throw new ScoringInputError(`${name} is not a uint256`, { details: `${value}` });
  return value;
}

/**
 * Checks that `value` is an int256, as the ABI decoder guarantees for an `int256` argument.
 * @param name The argument's name, for the error message.
 * @param value The value.
 * @returns The value.
 */
export function asInt256(name: string, value: bigint): bigint {
  if (value < MIN_INT256 || value > MAX_INT256)
    throw new ScoringInputError(`${name} is not an int256`, { details: `${value}` });
  return value;
}

/** Checked uint256 `a + b`. */
export function add(a: bigint, b: bigint): bigint {
  const r = a + b;
  if (r > MAX_UINT256) throw overflow("+", a, b);
  return r;
}

/** Checked uint256 `a − b`. */
export function sub(a: bigint, b: bigint): bigint {
  if (b > a) throw overflow("-", a, b);
  return a - b;
}

/** Checked uint256 `a · b`. */
export function mul(a: bigint, b: bigint): bigint {
  const r = a * b;
  if (r > MAX_UINT256) throw overflow("*", a, b);
  return r;
}

/** uint256 `a / b`, rounding down; panics on division by zero. */
export function div(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new EvmPanicError(PanicCode.DivisionByZero, "division by zero", `${a} / 0`);
  return a / b;
}

/** uint256 `a % b`; panics on modulo by zero. */
export function mod(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new EvmPanicError(PanicCode.DivisionByZero, "modulo by zero", `${a} % 0`);
  return a % b;
}

/** Checked int256 `a + b`. */
export function addInt256(a: bigint, b: bigint): bigint {
  const r = a + b;
  if (r > MAX_INT256 || r < MIN_INT256) throw overflow("+", a, b);
  return r;
}

/** Checked int256 `a − b`. */
export function subInt256(a: bigint, b: bigint): bigint {
  const r = a - b;
  if (r > MAX_INT256 || r < MIN_INT256) throw overflow("-", a, b);
  return r;
}

/**
 * int256 `a / b`, rounding toward zero like Solidity (and like bigint division); panics on division by
 * zero and on `type(int256).min / −1`.
 */
export function divInt256(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new EvmPanicError(PanicCode.DivisionByZero, "division by zero", `${a} / 0`);
  if (a === MIN_INT256 && b === -1n) throw overflow("/", a, b);
  return a / b;
}

/** Checked int256 `a · b`. */
export function mulInt256(a: bigint, b: bigint): bigint {
  const r = a * b;
  if (r > MAX_INT256 || r < MIN_INT256) throw overflow("*", a, b);
  return r;
}

/**
 * Checks that `value` fits a signed integer of `bits` bits (`int64`, `int128`, …), as the ABI decoder
 * guarantees for such an argument.
 * @param name The argument's name, for the error message.
 * @param value The value.
 * @param bits The width (8 to 256).
 * @returns The value.
 */
export function asIntN(name: string, value: bigint, bits: number): bigint {
  const max = (1n << BigInt(bits - 1)) - 1n;
  if (value < -max - 1n || value > max)
    throw new ScoringInputError(`${name} is not an int${bits}`, { details: `${value}` });
  return value;
}

/**
 * Checks that `value` fits an unsigned integer of `bits` bits (`uint64`, `uint96`, …).
 * @param name The argument's name, for the error message.
 * @param value The value.
 * @param bits The width (8 to 256).
 * @returns The value.
 */
export function asUintN(name: string, value: bigint, bits: number): bigint {
  if (value < 0n || value >= 1n << BigInt(bits))
    throw new ScoringInputError(`${name} is not a uint${bits}`, { details: `${value}` });
  return value;
}
