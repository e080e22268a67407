import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import GengovModule from "./Gengov.js";

/**
 * Local networks only: the hub plus a test ERC-20 (with EIP-2612 permit) used as bond and treasury
 * token by the demo and the tests. Never deploy this module to a real network.
 *
 * Parameters: GengovLocal.tokenName (default "Gengov Test Bond"), GengovLocal.tokenSymbol ("GBOND").
 */
export default buildModule("GengovLocal", (m) => {
  const { hub, execution, jury, judgement, conditional } = m.useModule(GengovModule);
  const token = m.contract("MockERC20", [
    m.getParameter("tokenName", "Gengov Test Bond"),
    m.getParameter("tokenSymbol", "GBOND"),
  ]);
  return { hub, execution, jury, judgement, conditional, token };
});
