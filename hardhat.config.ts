import { createRequire } from "node:module";

import hardhatIgnitionViem from "@nomicfoundation/hardhat-ignition-viem";
import hardhatMocha from "@nomicfoundation/hardhat-mocha";
import hardhatNetworkHelpers from "@nomicfoundation/hardhat-network-helpers";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import hardhatViemAssertions from "@nomicfoundation/hardhat-viem-assertions";
import { defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);

/** Solidity version: must equal the pinned npm `solc` package, whose soljson.js is the compiler. */
export const SOLC_VERSION = "0.8.37";
/** Gas figures are quoted for the Prague schedule; compile and simulate for it. */
export const EVM_VERSION = "prague";

const solcPackageVersion: string = require("solc/package.json").version;
if (solcPackageVersion !== SOLC_VERSION) {
  throw new Error(
    `hardhat.config.ts: SOLC_VERSION ${SOLC_VERSION} differs from the installed npm solc ${solcPackageVersion}; pin both to the same version.`,
  );
}

/**
 * One compiler configuration for every build profile. Hardhat 3 compiles tests and scripts with the
 * `default` profile and Ignition deployments with `production`, which would otherwise get its own
 * optimizer settings and no viaIR (the hub does not compile without it). Both profiles compile
 * together (not isolated), so a deployment runs exactly the bytecode the tests, gas benchmarks and
 * snapshots measure, and reuses the default profile's compilation cache.
 */
const compiler = {
  version: SOLC_VERSION,
  // The npm solc package ships the compiler as soljson.js; Hardhat never downloads one.
  path: require.resolve("solc/soljson.js"),
  settings: {
    evmVersion: EVM_VERSION,
    viaIR: true,
    optimizer: { enabled: true, runs: 100 },
  },
  isolated: false,
  toolVersionsInBuildInfo: false,
};

/** Ignition's `localhost` network: GENGOV_LOCALHOST_URL, else http://127.0.0.1:8545. */
export const LOCALHOST_URL = process.env.GENGOV_LOCALHOST_URL ?? "http://127.0.0.1:8545";

export default defineConfig({
  plugins: [hardhatViem, hardhatViemAssertions, hardhatNetworkHelpers, hardhatMocha, hardhatIgnitionViem],
  solidity: {
    profiles: { default: compiler, production: compiler },
  },
  networks: {
    default: {
      type: "edr-simulated",
      chainType: "l1",
      hardfork: EVM_VERSION,
      allowBlocksWithSameTimestamp: true,
    },
    localhost: {
      type: "http",
      chainType: "l1",
      url: LOCALHOST_URL,
    },
  },
  test: {
    solidity: {
      // Fixed seed: local runs are reproducible. CI raises the run counts through inline config.
      fuzz: {
        runs: 256,
        seed: "0x67656e676f762d66757a7a2d736565642d7631000000000000000000000000ff",
      },
      invariant: { runs: 64, depth: 64, failOnRevert: false },
    },
    mocha: { timeout: 120_000 },
  },
});
