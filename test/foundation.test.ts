import { expect } from "chai";
import { network } from "hardhat";

describe("foundation: in-process chain", () => {
  it("deploys a contract and moves tokens with balance-difference accounting visible", async () => {
    const { viem } = await network.create();
    const [alice, bob] = await viem.getWalletClients();
    const token = await viem.deployContract("MockERC20", ["Bond", "BOND"]);
    await token.write.mint([alice.account.address, 1_000n]);
    await token.write.setFeeBps([100n]);
    await token.write.transfer([bob.account.address, 500n]);
    expect(await token.read.balanceOf([bob.account.address])).to.equal(495n);
    expect(await token.read.balanceOf([alice.account.address])).to.equal(500n);
  });
});
