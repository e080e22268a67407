/**
 * The item set of a judgement round: an OpenZeppelin `MerkleProof` tree (sorted pairs) over the
 * leaves `keccak256(bytes.concat(keccak256(abi.encode(uint256 index, address payout))))`, the form
 * `IGengovJudgement.JudgementParams.itemsRoot` names. Leaves stay in index order; a node is
 * `keccak256(min(a, b) ‖ max(a, b))` and the last node of an odd level moves up unchanged, so a proof
 * is the list of siblings from the leaf up and verifies with `MerkleProof.verify`.
 */
import { concat, encodeAbiParameters, getAddress, isAddress, keccak256, type Hex } from "viem";
import { z } from "zod";

import { BaseError } from "../errors/BaseError.js";

/** An item as published (items.json): its index, name, web address and payout address. */
export type JudgementItem = { index: number; name: string; url: string; payout: Hex };

/** Validator of an item list: indices 0..n−1 in order, names non-empty, payouts non-zero addresses. */
export const itemsFileSchema = z
  .array(
    z.strictObject({
      index: z.int().min(0),
      name: z.string().min(1),
      url: z.string(),
      payout: z
        .string()
        .refine((s) => isAddress(s, { strict: false }) && BigInt(s) !== 0n, {
          message: "not a non-zero address",
        })
        .transform((s) => getAddress(s)),
    }),
  )
  .min(2)
  .superRefine((items, ctx) => {
    items.forEach((item, i) => {
      if (item.index !== i)
        ctx.addIssue({
          code: "custom",
          path: [i, "index"],
          message: `must be ${i} (items in index order from 0)`,
        });
    });
  });

/**
 * Validates a parsed item list.
 * @param raw The parsed JSON.
 * @param source Named in the error.
 * @returns The items.
 * @throws BaseError naming the first invalid field.
 */
export function parseItems(raw: unknown, source = "items"): JudgementItem[] {
  const r = itemsFileSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new BaseError(`${source}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return r.data;
}

/** An item's leaf: keccak256(bytes.concat(keccak256(abi.encode(index, payout)))). */
export function itemLeaf(index: bigint | number, payout: Hex): Hex {
  return keccak256(
    keccak256(encodeAbiParameters([{ type: "uint256" }, { type: "address" }], [BigInt(index), payout])),
  );
}

/** keccak256 of the two hashes in ascending order (OpenZeppelin `Hashes.commutativeKeccak256`). */
export function hashPair(a: Hex, b: Hex): Hex {
  return BigInt(a) < BigInt(b) ? keccak256(concat([a, b])) : keccak256(concat([b, a]));
}

/** A built item tree: its root and the proof of any item. */
export type ItemTree = { root: Hex; count: number; leaves: Hex[]; proof(index: number): Hex[] };

/**
 * Builds the item tree.
 * @param items The items, in index order (their payouts are the leaves' addresses).
 * @returns Root and proofs.
 */
export function buildItemTree(items: readonly Pick<JudgementItem, "payout">[]): ItemTree {
  if (items.length === 0) throw new BaseError("item tree: no items");
  const levels: Hex[][] = [items.map((item, i) => itemLeaf(i, item.payout))];
  while (levels[levels.length - 1].length > 1) {
    const below = levels[levels.length - 1];
    const level: Hex[] = [];
    for (let i = 0; i < below.length; i += 2)
      level.push(i + 1 < below.length ? hashPair(below[i], below[i + 1]) : below[i]);
    levels.push(level);
  }
  return {
    root: levels[levels.length - 1][0],
    count: items.length,
    leaves: levels[0],
    proof(index: number): Hex[] {
      if (!Number.isSafeInteger(index) || index < 0 || index >= items.length) {
        throw new BaseError(`item tree: no item ${index} (0–${items.length - 1})`);
      }
      const proof: Hex[] = [];
      let i = index;
      for (let level = 0; level < levels.length - 1; level++) {
        const sibling = i ^ 1;
        if (sibling < levels[level].length) proof.push(levels[level][sibling]);
        i >>= 1;
      }
      return proof;
    },
  };
}

/**
 * Verifies a proof as `MerkleProof.verify` does.
 * @returns Whether the proof leads from the leaf to the root.
 */
export function verifyItemProof(root: Hex, leaf: Hex, proof: readonly Hex[]): boolean {
  return (
    proof.reduce<Hex>((node, sibling) => hashPair(node, sibling), leaf).toLowerCase() === root.toLowerCase()
  );
}
