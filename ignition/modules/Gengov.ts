import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * Deploys the gengov hub (which creates its execution contract) and the default randomness source. No parameters: the hub holds every
 * agreement and each agreement carries its own parameters. `GengovLocal` adds a test token.
 */
export default buildModule("Gengov", (m) => {
  const hub = m.contract("GengovHub");
  // The hub creates its execution contract in its constructor; bind to it rather than deploy one.
  const execution = m.contractAt("GengovExecution", m.staticCall(hub, "execution"));
  const randomness = m.contract("PrevRandaoRandomness");
  return { hub, execution, randomness };
});
