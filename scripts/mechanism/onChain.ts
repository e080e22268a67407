/**
 * The keys of `bench:mechanism` measured on the in-process chain instead of the scoring twin: the
 * vouching example (Weighted selection) run end to end by honest nodes with simulated models, as
 * `npm run demo -- --example vouching` runs it, for `ON_CHAIN_EPOCHS` epochs. Deterministic: the
 * models, the world and the chain's clock are seeded and driven by the demo.
 *
 * - `weighted.executorProposedShare`: of the epochs whose selection fixed an executor, the share in
 *   which that executor's own transition was finalized (not the fallback's, not none). A node that
 *   decided from a draw that moves between blocks would leave it to the fallback.
 */
import hre from "hardhat";

import { demoChainOf, runDemo } from "../../oracle/demo/runDemo.js";

/** Epochs of the on-chain run: at least 19 of them have an executor (minScored 2, then one per epoch). */
export const ON_CHAIN_EPOCHS = 22;

/** Measures the on-chain keys (compiles first, quietly, if the artifacts are stale). */
export async function measureOnChain(): Promise<Record<string, number>> {
  await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
  const conn = await hre.network.create();
  const r = await runDemo(demoChainOf(conn), {
    example: "vouching",
    epochs: ON_CHAIN_EPOCHS,
    root: process.cwd(),
    log: () => undefined,
  });
  const { withExecutor, byExecutor } = r.selection;
  if (withExecutor === 0) throw new Error("bench:mechanism: the vouching run fixed no executor at all");
  return { "weighted.executorProposedShare": byExecutor / withExecutor };
}
