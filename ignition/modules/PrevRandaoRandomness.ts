import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * Optional: an external randomness source for a Weighted agreement that names one in `randomness`
 * instead of the hub's salt beacon (the default, zero address). PrevRandaoRandomness hashes the
 * RANDAO mix of the block that fixes the executor, so the caller who fixes the selection chooses the
 * block: prefer the beacon, or a VRF behind IRandomnessSource.
 */
export default buildModule("PrevRandaoRandomness", (m) => {
  const randomness = m.contract("PrevRandaoRandomness");
  return { randomness };
});
