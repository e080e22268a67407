import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * Deploys the gengov hub module, the hub bound to it (which creates its execution contract), its jury
 * contract, its judgement contract and its conditional-forecast contract, and attaches the three to
 * the hub (once each, by the deployer; the hub checks that each names it, and the jury its execution
 * contract). No parameters: the hub holds every agreement and each agreement carries its
 * own parameters. Weighted agreements draw from the hub's own beacon of revealed salts
 * (`randomness` = the zero address), so no randomness contract is deployed;
 * `PrevRandaoRandomness.ts` deploys one for an agreement that asks for it. `GengovLocal` adds a test
 * token.
 */
export default buildModule("Gengov", (m) => {
  // The module is code only; the hub runs its functions on the hub's storage (DELEGATECALL).
  const module = m.contract("GengovHubModule");
  const hub = m.contract("GengovHub", [module]);
  // The hub creates its execution contract in its constructor; bind to it rather than deploy one.
  const execution = m.contractAt("GengovExecution", m.staticCall(hub, "execution"));
  const jury = m.contract("GengovJury", [hub]);
  m.call(hub, "attachJury", [jury]);
  const judgement = m.contract("GengovJudgement", [hub]);
  m.call(hub, "attachJudgement", [judgement]);
  const conditional = m.contract("GengovConditional", [hub]);
  m.call(hub, "attachConditional", [conditional]);
  return { hub, execution, jury, judgement, conditional };
});
