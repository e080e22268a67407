import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { contractSizes, INITCODE_LIMIT, LIMIT } from "../scripts/sizes.js";

function artifact(
  dir: string,
  source: string,
  name: string,
  runtimeBytes: number,
  initcodeBytes = runtimeBytes + 32,
): void {
  mkdirSync(join(dir, source), { recursive: true });
  const deployedBytecode = `0x${"60".repeat(runtimeBytes)}`;
  const bytecode = `0x${"60".repeat(initcodeBytes)}`;
  writeFileSync(
    join(dir, source, `${name}.json`),
    JSON.stringify({ contractName: name, deployedBytecode, bytecode }),
  );
}

function runSizes(dir: string) {
  return spawnSync("node_modules/.bin/tsx", ["scripts/sizes.ts", dir], { encoding: "utf8" });
}

describe("scripts/sizes.ts (npm run sizes)", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "gengov-sizes-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("measures runtime code and initcode, skipping contracts/test/, code-less artifacts and debug files", () => {
    artifact(dir, "Big.sol", "Big", 300, 1000);
    artifact(dir, "hub/Small.sol", "Small", 7, 40);
    artifact(dir, "test/Mock.sol", "Mock", LIMIT + 1);
    artifact(dir, "interfaces/IThing.sol", "IThing", 0);
    writeFileSync(join(dir, "Big.sol", "Big.dbg.json"), JSON.stringify({ deployedBytecode: "0x6060" }));
    expect(contractSizes(dir)).to.deep.equal([
      { source: "contracts/Big.sol", name: "Big", bytes: 300, initcodeBytes: 1000 },
      { source: "contracts/hub/Small.sol", name: "Small", bytes: 7, initcodeBytes: 40 },
    ]);
  });

  it("passes at exactly the limit and fails one byte above it, naming the contract", () => {
    artifact(dir, "Edge.sol", "Edge", LIMIT);
    artifact(dir, "test/Mock.sol", "Mock", LIMIT + 100);
    const ok = runSizes(dir);
    expect(ok.status, ok.stderr).to.equal(0);
    expect(ok.stdout).to.match(/Edge\s+20480 bytes/);
    artifact(dir, "Over.sol", "Over", LIMIT + 1);
    const over = runSizes(dir);
    expect(over.status).to.equal(1);
    expect(over.stderr).to.include("Over (20481 bytes) over the 20480-byte limit");
  });

  it("passes initcode at exactly EIP-3860's limit and fails one byte above it, naming the contract", () => {
    artifact(dir, "Edge.sol", "Edge", 100, INITCODE_LIMIT);
    artifact(dir, "test/Mock.sol", "Mock", 100, INITCODE_LIMIT + 100);
    const ok = runSizes(dir);
    expect(ok.status, ok.stderr).to.equal(0);
    expect(ok.stdout).to.match(/Edge\s+100 bytes.*initcode\s+49152/);
    artifact(dir, "Creator.sol", "Creator", 100, INITCODE_LIMIT + 1);
    const over = runSizes(dir);
    expect(over.status).to.equal(1);
    expect(over.stderr).to.include("initcode of Creator (49153 bytes) over EIP-3860's 49152-byte limit");
  });

  it("finds every deployed contract of the build within the limits, the hub's initcode (which creates its execution contract and module) within EIP-3860's", () => {
    const sizes = contractSizes();
    const names = sizes.map((s) => s.name);
    expect(names).to.include.members(["GengovHub", "GengovHubModule", "GengovExecution"]);
    for (const s of sizes) expect(s.bytes, s.name).to.be.at.most(LIMIT);
    for (const s of sizes) expect(s.initcodeBytes, `${s.name} initcode`).to.be.at.most(INITCODE_LIMIT);
    const hub = sizes.find((s) => s.name === "GengovHub")!;
    const created = sizes.filter((s) => s.name === "GengovHubModule" || s.name === "GengovExecution");
    // The hub's initcode embeds the initcode of both contracts it creates.
    expect(hub.initcodeBytes).to.be.greaterThan(created.reduce((sum, s) => sum + s.initcodeBytes, 0));
    expect(hub.initcodeBytes, "GengovHub initcode").to.be.at.most(INITCODE_LIMIT);
  });
});
