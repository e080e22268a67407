import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * Deploys the gengov hub and the default randomness source. No parameters: the hub holds every
 * agreement and each agreement carries its own parameters. `GengovLocal` adds a test token.
 */
export default buildModule("Gengov", (m) => {
  const hub = m.contract("GengovHub");
  const randomness = m.contract("PrevRandaoRandomness");
  return { hub, randomness };
});
