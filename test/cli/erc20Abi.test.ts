import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Every .ts file under a directory, recursively. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

describe("cli: one ERC-20 ABI", () => {
  it("no CLI file, nor the proposer, imports the test token's ABI (oracle/chain/abis.ts erc20Abi); they use viem's", () => {
    const offenders = [...sources("oracle/cli"), "oracle/jobs/proposeTransition.ts"].filter((file) =>
      /import\s*\{[^}]*\berc20Abi\b[^}]*\}\s*from\s*"[./]*\/chain\/abis\.js"/.test(
        readFileSync(file, "utf8"),
      ),
    );
    expect(offenders).to.deep.equal([]);
  });
});
