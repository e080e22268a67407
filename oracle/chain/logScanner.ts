/**
 * Polls the chain for the hub's, the execution contract's and the jury's events over bounded block ranges, only up to
 * `head − confirmations`, and persists them with the scan cursor. Before each scan it checks that the
 * cursor's block hash is still canonical; after a reorg it rewinds to the newest stored checkpoint that
 * still is, drops every log above it and scans again, so the node never acts on an orphaned log.
 */
import { parseEventLogs, type Hex, type PublicClient } from "viem";

import type { Logger } from "../node/logger.js";
import { protocolAbi } from "../protocol/events.js";
import type { Store } from "../store/Store.js";

export type LogScannerOptions = {
  /** The hub, the execution contract and the jury: their events (`protocolAbi`) are decoded and stored. */
  addresses: Hex[];
  confirmations: number;
  rangeBlocks: number;
  /** First block to scan when the store has no cursor (the hub's deployment block or 0). */
  startBlock: bigint;
};

export class LogScanner {
  constructor(
    private readonly client: PublicClient,
    private readonly store: Store,
    private readonly options: LogScannerOptions,
    private readonly log: Logger,
  ) {}

  /** Scans up to the confirmed head; returns the confirmed head block number (or -1). */
  async scan(): Promise<bigint> {
    const head = await this.client.getBlockNumber({ cacheTime: 0 });
    const confirmed = head - BigInt(this.options.confirmations);
    if (confirmed < 0n) return -1n;
    await this.checkReorg();
    const cursor = this.store.cursor();
    let from = cursor ? cursor.number + 1n : this.options.startBlock;
    while (from <= confirmed) {
      const to =
        from + BigInt(this.options.rangeBlocks) - 1n < confirmed
          ? from + BigInt(this.options.rangeBlocks) - 1n
          : confirmed;
      const raw = await this.client.getLogs({
        address: this.options.addresses,
        fromBlock: from,
        toBlock: to,
      });
      // Only logs that decode completely against the contracts' ABIs are kept (`strict`).
      const parsed = parseEventLogs({ abi: protocolAbi, logs: raw, strict: true });
      const last = await this.client.getBlock({ blockNumber: to });
      // A range whose last block changed while we read it is read again on the next pass.
      if (parsed.some((l) => l.blockNumber === to && l.blockHash !== last.hash)) break;
      this.store.recordScan(parsed, { number: to, hash: last.hash! });
      from = to + 1n;
    }
    return confirmed;
  }

  private async checkReorg() {
    const cursor = this.store.cursor();
    if (!cursor) return;
    const block = await this.client.getBlock({ blockNumber: cursor.number }).catch(() => undefined);
    if (block?.hash === cursor.hash) return;
    for (const checkpoint of this.store.checkpointsBelow(cursor.number - 1n)) {
      const b = await this.client.getBlock({ blockNumber: checkpoint.number }).catch(() => undefined);
      if (b?.hash === checkpoint.hash) {
        this.log.warn({
          at: "logScanner",
          msg: "reorg: rewinding",
          from: cursor.number,
          to: checkpoint.number,
        });
        this.store.rewindTo(checkpoint.number);
        return;
      }
    }
    this.log.warn({ at: "logScanner", msg: "reorg deeper than stored checkpoints: rescanning from start" });
    this.store.rewindTo(this.options.startBlock - 1n);
  }
}
