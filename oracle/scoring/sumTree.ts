/**
 * Merkle sum tree bound to positions: the TypeScript twin of `contracts/libraries/SumTree.sol`.
 *
 * Leaf of (index, weight): hash `keccak256(abi.encode(index, weight))`, sum `weight`; padding leaves
 * (index ≥ count): hash `bytes32(0)`, sum 0. depth = the smallest d ≥ 1 with 2^d ≥ count. Node: hash
 * `keccak256(abi.encode(leftHash, leftSum, rightHash, rightSum))`, sum `leftSum + rightSum` (checked).
 * A proof is 2·depth words, `(siblingHash, bytes32(siblingSum))` from the leaf up; bit i of the index
 * says whether the running node is a right child at level i. The encoding is built by hand (each
 * value one big-endian 32-byte word, as `abi.encode` lays out static types) so that 10,000 leaves
 * take well under a second; `test/judgement.math.differential.test.ts` checks it against
 * `encodeAbiParameters` and the contract.
 */
import { bytesToHex, hexToBytes, keccak256, type Hex } from "viem";

import { add, asUint256, MAX_UINT256, ScoringInputError } from "./evmMath.js";

/** A built sum tree: its root, total and depth, and the proof of any leaf. */
export interface SumTree {
  /** Root hash. */
  root: Hex;
  /** Root sum: the weights' total. */
  total: bigint;
  /** Levels above the leaves (≥ 1). */
  depth: number;
  /** Number of real (non-padding) leaves. */
  count: number;
  /** The proof of leaf `index` (< count): 2·depth words. */
  proof(index: number): Hex[];
}

/** The depth of a tree of `count` leaves: the smallest d ≥ 1 with 2^d ≥ count. */
export function sumTreeDepth(count: number): number {
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new ScoringInputError(`sumTreeDepth: count must be a positive integer, got ${count}`);
  }
  let d = 1;
  while (2 ** d < count) d++;
  return d;
}

function word(into: Uint8Array, offset: number, value: bigint): void {
  let v = value;
  for (let i = offset + 31; i >= offset; i--) {
    into[i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

function leafHash(index: bigint, weight: bigint): Uint8Array {
  const buf = new Uint8Array(64);
  word(buf, 0, index);
  word(buf, 32, weight);
  return keccak256(buf, "bytes");
}

function nodeHash(
  leftHash: Uint8Array,
  leftSum: bigint,
  rightHash: Uint8Array,
  rightSum: bigint,
): Uint8Array {
  const buf = new Uint8Array(128);
  buf.set(leftHash, 0);
  word(buf, 32, leftSum);
  buf.set(rightHash, 64);
  word(buf, 96, rightSum);
  return keccak256(buf, "bytes");
}

function checkedSum(a: bigint, b: bigint): bigint {
  const s = a + b;
  if (s > MAX_UINT256)
    throw new ScoringInputError("sum tree: a node's sum overflows uint256", { details: `${a} + ${b}` });
  return s;
}

const ZERO_HASH = new Uint8Array(32);

/**
 * Builds the sum tree of a full list.
 * @param weights One weight per item (uint256), at least one.
 * @returns The root, total, depth and a proof builder.
 */
export function buildSumTree(weights: readonly bigint[]): SumTree {
  const count = weights.length;
  if (count === 0) throw new ScoringInputError("buildSumTree: the list is empty");
  weights.forEach((w, i) => asUint256(`weights[${i}]`, w));
  const depth = sumTreeDepth(count);
  const width = 2 ** depth;
  const hashes: Uint8Array[][] = [[]];
  const sums: bigint[][] = [[]];
  for (let i = 0; i < width; i++) {
    hashes[0].push(i < count ? leafHash(BigInt(i), weights[i]) : ZERO_HASH);
    sums[0].push(i < count ? weights[i] : 0n);
  }
  for (let level = 1; level <= depth; level++) {
    const below = hashes[level - 1];
    const belowSums = sums[level - 1];
    const h: Uint8Array[] = [];
    const s: bigint[] = [];
    for (let i = 0; i < below.length; i += 2) {
      h.push(nodeHash(below[i], belowSums[i], below[i + 1], belowSums[i + 1]));
      s.push(checkedSum(belowSums[i], belowSums[i + 1]));
    }
    hashes.push(h);
    sums.push(s);
  }
  return {
    root: bytesToHex(hashes[depth][0]),
    total: sums[depth][0],
    depth,
    count,
    proof(index: number): Hex[] {
      if (!Number.isSafeInteger(index) || index < 0 || index >= count) {
        throw new ScoringInputError(`sum tree proof: index ${index} is not below the count ${count}`);
      }
      const out: Hex[] = [];
      let i = index;
      for (let level = 0; level < depth; level++) {
        const sibling = i ^ 1;
        out.push(bytesToHex(hashes[level][sibling]), bytesToHex(toWord(sums[level][sibling])));
        i >>= 1;
      }
      return out;
    },
  };
}

function asWord(hex: Hex): Uint8Array {
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex))
    throw new ScoringInputError(`sum tree proof: ${hex} is not one 32-byte word`);
  return hexToBytes(hex);
}

function toWord(value: bigint): Uint8Array {
  const buf = new Uint8Array(32);
  word(buf, 0, value);
  return buf;
}

/** Thrown where `SumTree.root` reverts; `errorName` is the custom error's name. */
export class SumTreeError extends ScoringInputError {
  override name = "SumTreeError";
  readonly errorName: "ProofLengthInvalid" | "IndexOutOfTree";

  constructor(errorName: SumTreeError["errorName"], details: string) {
    super(`SumTree: ${errorName}`, { details });
    this.errorName = errorName;
  }
}

/**
 * Recomputes a sum tree's root and total from one leaf and its proof, as `SumTree.root` does
 * (its custom errors as `SumTreeError`, its overflowing sum as `EvmPanicError`).
 * @param index The leaf's position (uint256).
 * @param weight The leaf's weight (uint256).
 * @param proof `(siblingHash, bytes32(siblingSum))` pairs from the leaf up.
 * @returns The root hash and sum.
 */
export function sumTreeRoot(
  index: bigint,
  weight: bigint,
  proof: readonly Hex[],
): { hash: Hex; sum: bigint } {
  asUint256("index", index);
  asUint256("weight", weight);
  const length = proof.length;
  if (length === 0 || length % 2 === 1) throw new SumTreeError("ProofLengthInvalid", `length ${length}`);
  const depth = length / 2;
  if (depth < 256 && index >> BigInt(depth) !== 0n) {
    throw new SumTreeError("IndexOutOfTree", `index ${index}, depth ${depth}`);
  }
  let hash = leafHash(index, weight);
  let sum = weight;
  for (let i = 0; i < depth; i++) {
    const siblingHash = asWord(proof[2 * i]);
    const siblingSum = BigInt(bytesToHex(asWord(proof[2 * i + 1])));
    hash =
      ((index >> BigInt(i)) & 1n) === 1n
        ? nodeHash(siblingHash, siblingSum, hash, sum)
        : nodeHash(hash, sum, siblingHash, siblingSum);
    sum = add(sum, siblingSum);
  }
  return { hash: bytesToHex(hash), sum };
}
