/**
 * Compile-time checks of the typed protocol layer (`tsc --noEmit`, part of `npm run lint`): each
 * `@ts-expect-error` line must be an error, so if the typing of reads or sends loosens, the directive
 * is unused and tsc fails. Nothing here runs.
 */
import type { Hex, PublicClient } from "viem";

import { gengovExecutionAbi, gengovHubAbi } from "../oracle/chain/abis.js";
import type { TxSender } from "../oracle/chain/txSender.js";
import type { Runtime } from "../oracle/cli/runtime.js";
import type { Store } from "../oracle/store/Store.js";
import { execution, hub, readContract } from "../oracle/protocol/contracts.js";

export async function reads(client: PublicClient, at: Hex) {
  const t = { client, hub: at, execution: at };
  const [executor, fallbackCandidate, fixed] = await hub(t).read("executorOf", [1n, 2n]);
  const ok: [bigint, bigint, boolean] = [executor, fallbackCandidate, fixed];
  // @ts-expect-error misspelled function name
  await hub(t).read("executorOff", [1n, 2n]);
  // @ts-expect-error wrong argument type (an epoch is a bigint)
  await hub(t).read("executorOf", [1n, "2"]);
  // @ts-expect-error a state-changing function is not a read
  await hub(t).read("poke", [1n, 2n]);
  // @ts-expect-error wrong use of the result: `fixed` is a boolean
  const wrong: bigint = (await hub(t).read("executorOf", [1n, 2n]))[2];
  const proposal = await execution(t).read("proposal", [1n]);
  // @ts-expect-error wrong use of the result: a proposal has no `stateHash`
  void proposal.stateHash;
  const owed: bigint = await hub(t).simulate("poke", [1n, 2n]);
  // @ts-expect-error misspelled function name
  await readContract(client, at, gengovExecutionAbi, "stateHashh", [1n]);
  return { ok, wrong, owed };
}

export async function sends(sender: TxSender, at: Hex) {
  const h = { jobKey: "k", address: at, abi: gengovHubAbi };
  await sender.send({ ...h, functionName: "poke", args: [1n, 2n] });
  // @ts-expect-error misspelled function name
  await sender.send({ ...h, functionName: "pokee", args: [1n, 2n] });
  // @ts-expect-error wrong argument type (an id is a bigint)
  await sender.send({ ...h, functionName: "poke", args: [1n, "2"] });
  // @ts-expect-error a view is not sent
  await sender.send({ ...h, functionName: "executorOf", args: [1n, 2n] });
  const x = { jobKey: "k", address: at, abi: gengovExecutionAbi };
  // @ts-expect-error a function of the hub, not of the execution contract
  await sender.send({ ...x, functionName: "poke", args: [1n, 2n] });
  const receipt = await sender.send({ ...x, functionName: "lapseChallenge", args: [1n, 2n] });
  // @ts-expect-error wrong use of the result: a receipt's status is "success" | "reverted"
  const status: number = receipt.status;
  return status;
}

export function events(store: Store) {
  const [proposed] = store.logs("TransitionProposed", (a) => a.epoch === 1n);
  const hash: Hex = proposed.args.newStateHash;
  const amount: bigint = proposed.args.actions[0].amount;
  // @ts-expect-error misspelled event name
  store.logs("TransitionProposd");
  // @ts-expect-error wrong use of an argument: `epoch` is a bigint
  store.logs("InputSubmitted", (a) => a.epoch === "1");
  // @ts-expect-error wrong use of an argument: a finalized transition has no `newState`
  void store.logs("TransitionFinalized")[0].args.newState;
  return { hash, amount };
}

export async function cliSends(r: Runtime, at: Hex) {
  await r.send({ address: at, abi: gengovHubAbi, functionName: "poke", args: [1n, 2n] });
  // @ts-expect-error misspelled function name
  await r.send({ address: at, abi: gengovHubAbi, functionName: "pokee", args: [1n, 2n] });
  // @ts-expect-error wrong argument type (a token is an address)
  await r.send({ address: at, abi: gengovExecutionAbi, functionName: "withdrawPayment", args: ["usdc"] });
  // @ts-expect-error a view is not sent
  await r.send({ address: at, abi: gengovHubAbi, functionName: "executorOf", args: [1n, 2n] });
}
