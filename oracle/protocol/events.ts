/**
 * The events of the hub, the execution contract and the jury, typed by their ABIs: what the log scanner stores
 * and the store returns, as viem's `parseEventLogs` decodes them.
 */
import type { ContractEventName, GetEventArgs, Hex, ParseEventLogsReturnType } from "viem";

import { gengovExecutionAbi, gengovHubAbi, gengovJuryAbi } from "../chain/abis.js";

/** The hub's, the execution contract's and the jury's ABIs together: every event a gengov node scans. */
export const protocolAbi = [...gengovHubAbi, ...gengovExecutionAbi, ...gengovJuryAbi] as const;
export type ProtocolAbi = typeof protocolAbi;

export type ProtocolEventName = ContractEventName<ProtocolAbi>;

/** An event's decoded arguments, every one present (as `parseEventLogs` with `strict: true`). */
export type ProtocolEventArgs<E extends ProtocolEventName> = GetEventArgs<
  ProtocolAbi,
  E,
  { EnableUnion: false; IndexedOnly: false; Required: true }
>;

/** A scanned event: where it was emitted and its decoded arguments. */
export type ProtocolLog<E extends ProtocolEventName = ProtocolEventName> = {
  [K in E]: {
    blockNumber: bigint;
    blockHash: Hex;
    logIndex: number;
    address: Hex;
    event: K;
    args: ProtocolEventArgs<K>;
  };
}[E];

/** A log as `parseEventLogs({ abi: protocolAbi, strict: true })` returns it, before it is stored. */
export type ScannedLog = ParseEventLogsReturnType<ProtocolAbi, undefined, true>[number];
