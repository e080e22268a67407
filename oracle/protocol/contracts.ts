/**
 * Typed access to the gengov contracts, on viem's inference from the generated ABIs: function names,
 * arguments and results are checked by the compiler, so a misspelled function, a wrong argument or a
 * wrong use of a result fails `tsc`. Reads, eth_call simulations of state-changing functions, and the
 * parameters of sends all go through the client given (its transport's retries and fallbacks apply).
 */
import type {
  Abi,
  Address,
  ContractFunctionArgs,
  ContractFunctionName,
  ContractFunctionReturnType,
  PublicClient,
} from "viem";

import {
  gengovConditionalAbi,
  gengovExecutionAbi,
  gengovHubAbi,
  gengovJudgementAbi,
  gengovJuryAbi,
} from "../chain/abis.js";

export type HubAbi = typeof gengovHubAbi;
export type ExecutionAbi = typeof gengovExecutionAbi;
export type JuryAbi = typeof gengovJuryAbi;

type ReadMutability = "pure" | "view";
type WriteMutability = "nonpayable" | "payable";

/** Functions of `A` that only read (view, pure). */
export type ReadName<A extends Abi> = ContractFunctionName<A, ReadMutability>;
export type ReadArgs<A extends Abi, F extends ReadName<A>> = ContractFunctionArgs<A, ReadMutability, F>;
export type ReadResult<A extends Abi, F extends ReadName<A>> = ContractFunctionReturnType<
  A,
  ReadMutability,
  F
>;

/** Functions of `A` that change state (nonpayable, payable): sent, or simulated with eth_call. */
export type WriteName<A extends Abi> = ContractFunctionName<A, WriteMutability>;
export type WriteArgs<A extends Abi, F extends WriteName<A>> = ContractFunctionArgs<A, WriteMutability, F>;
export type WriteResult<A extends Abi, F extends WriteName<A>> = ContractFunctionReturnType<
  A,
  WriteMutability,
  F
>;

/** A call of a state-changing function: what a transaction sender needs to encode and simulate it. */
export type WriteCall<A extends Abi, F extends WriteName<A>> = {
  address: Address;
  abi: A;
  functionName: F;
  args: WriteArgs<A, F>;
};

/** The same call seen without its ABI's types (for encoding, logging and storage). */
export type UntypedCall = { address: Address; abi: Abi; functionName: string; args: readonly unknown[] };

/** Arguments checked at the call site, as the list viem encodes. */
const list = (args: unknown): readonly unknown[] => (Array.isArray(args) ? args : []);

/** Forgets a typed call's inference once it has been checked at the call site. */
export function untyped<A extends Abi, F extends WriteName<A>>(call: WriteCall<A, F>): UntypedCall {
  return { address: call.address, abi: call.abi, functionName: call.functionName, args: list(call.args) };
}

/** Reads a view or pure function; its result has the type the ABI gives it. */
export async function readContract<const A extends Abi, F extends ReadName<A>>(
  client: PublicClient,
  address: Address,
  abi: A,
  functionName: F,
  args: ReadArgs<A, F>,
): Promise<ReadResult<A, F>> {
  const abiLoose: Abi = abi;
  const result: unknown = await client.readContract({
    address,
    abi: abiLoose,
    functionName,
    args: list(args),
  });
  return result as ReadResult<A, F>;
}

/**
 * What a state-changing function would return now, by eth_call (nothing is sent). A revert surfaces
 * as viem's contract error, as for reads.
 */
export async function simulateContract<const A extends Abi, F extends WriteName<A>>(
  client: PublicClient,
  address: Address,
  abi: A,
  functionName: F,
  args: WriteArgs<A, F>,
): Promise<WriteResult<A, F>> {
  const abiLoose: Abi = abi;
  const { result } = await client.simulateContract({
    address,
    abi: abiLoose,
    functionName,
    args: list(args),
  });
  return result as WriteResult<A, F>;
}

/** Where the hub and its execution contract are, and the client that reaches them. */
export type ProtocolTarget = { client: PublicClient; hub: Address; execution: Address };

/** The hub's functions, typed: `hub(t).read("executorOf", [id, e])`. */
export function hub(t: Pick<ProtocolTarget, "client" | "hub">) {
  return {
    read: <F extends ReadName<HubAbi>>(functionName: F, args: ReadArgs<HubAbi, F>) =>
      readContract(t.client, t.hub, gengovHubAbi, functionName, args),
    simulate: <F extends WriteName<HubAbi>>(functionName: F, args: WriteArgs<HubAbi, F>) =>
      simulateContract(t.client, t.hub, gengovHubAbi, functionName, args),
    call: <F extends WriteName<HubAbi>>(functionName: F, args: WriteArgs<HubAbi, F>) =>
      ({ address: t.hub, abi: gengovHubAbi, functionName, args }) satisfies WriteCall<HubAbi, F>,
  };
}

/** The execution contract's functions, typed, as `hub`. */
export function execution(t: Pick<ProtocolTarget, "client" | "execution">) {
  return {
    read: <F extends ReadName<ExecutionAbi>>(functionName: F, args: ReadArgs<ExecutionAbi, F>) =>
      readContract(t.client, t.execution, gengovExecutionAbi, functionName, args),
    simulate: <F extends WriteName<ExecutionAbi>>(functionName: F, args: WriteArgs<ExecutionAbi, F>) =>
      simulateContract(t.client, t.execution, gengovExecutionAbi, functionName, args),
    call: <F extends WriteName<ExecutionAbi>>(functionName: F, args: WriteArgs<ExecutionAbi, F>) =>
      ({ address: t.execution, abi: gengovExecutionAbi, functionName, args }) satisfies WriteCall<
        ExecutionAbi,
        F
      >,
  };
}

/** The jury contract's functions, typed, as `hub` (its address is the hub's `jury()`). */
export function jury(t: { client: PublicClient; jury: Address }) {
  return {
    read: <F extends ReadName<JuryAbi>>(functionName: F, args: ReadArgs<JuryAbi, F>) =>
      readContract(t.client, t.jury, gengovJuryAbi, functionName, args),
    simulate: <F extends WriteName<JuryAbi>>(functionName: F, args: WriteArgs<JuryAbi, F>) =>
      simulateContract(t.client, t.jury, gengovJuryAbi, functionName, args),
    call: <F extends WriteName<JuryAbi>>(functionName: F, args: WriteArgs<JuryAbi, F>) =>
      ({ address: t.jury, abi: gengovJuryAbi, functionName, args }) satisfies WriteCall<JuryAbi, F>,
  };
}

export type JudgementAbi = typeof gengovJudgementAbi;

/** The judgement contract's functions, typed, as `hub` (its address is the hub's `judgement()`). */
export function judgement(t: { client: PublicClient; judgement: Address }) {
  return {
    read: <F extends ReadName<JudgementAbi>>(functionName: F, args: ReadArgs<JudgementAbi, F>) =>
      readContract(t.client, t.judgement, gengovJudgementAbi, functionName, args),
    simulate: <F extends WriteName<JudgementAbi>>(functionName: F, args: WriteArgs<JudgementAbi, F>) =>
      simulateContract(t.client, t.judgement, gengovJudgementAbi, functionName, args),
    call: <F extends WriteName<JudgementAbi>>(functionName: F, args: WriteArgs<JudgementAbi, F>) =>
      ({ address: t.judgement, abi: gengovJudgementAbi, functionName, args }) satisfies WriteCall<
        JudgementAbi,
        F
      >,
  };
}

export type ConditionalAbi = typeof gengovConditionalAbi;

/** The conditional-forecast contract's functions, typed, as `hub` (its address is the hub's `conditional()`). */
export function conditional(t: { client: PublicClient; conditional: Address }) {
  return {
    read: <F extends ReadName<ConditionalAbi>>(functionName: F, args: ReadArgs<ConditionalAbi, F>) =>
      readContract(t.client, t.conditional, gengovConditionalAbi, functionName, args),
    simulate: <F extends WriteName<ConditionalAbi>>(functionName: F, args: WriteArgs<ConditionalAbi, F>) =>
      simulateContract(t.client, t.conditional, gengovConditionalAbi, functionName, args),
    call: <F extends WriteName<ConditionalAbi>>(functionName: F, args: WriteArgs<ConditionalAbi, F>) =>
      ({ address: t.conditional, abi: gengovConditionalAbi, functionName, args }) satisfies WriteCall<
        ConditionalAbi,
        F
      >,
  };
}
