/**
 * `agreement create --set NAME=value`: the shipped examples/*\/params.json leave reporters, arbiter and
 * token as `$NAME` placeholders; --set fills them, and an unfilled one (or a malformed or unused
 * --set) is one line naming it, exit 2, before any chain is contacted.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { fillPlaceholders, parseSets, toContractParams } from "../../oracle/cli/agreementParams.js";
import { main } from "../../oracle/cli/main.js";
import { localAccount } from "../fixtures/node.js";
import { ROOT } from "./helpers.js";

const [arbiter, r1, r2, r3, token] = [0, 1, 2, 3, 4].map((i) => localAccount(i).address);
const SETS = [
  `REPORTER1=${r1}`,
  `REPORTER2=${r2}`,
  `REPORTER3=${r3}`,
  `ARBITER=${arbiter}`,
  `TOKEN=${token}`,
];

/** Runs the CLI in-process against an address nobody listens on; returns exit code and stderr. */
async function cli(args: string[]): Promise<{ code: number; err: string }> {
  let err = "";
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main([...args, "--rpc", "http://127.0.0.1:1", "--private-key-env", "UNUSED_KEY"]);
    return { code, err };
  } finally {
    process.stderr.write = write;
  }
}

describe("agreement create --set", () => {
  for (const example of ["fisheries", "vouching"]) {
    it(`fills every placeholder of examples/${example}/params.json into valid parameters`, () => {
      const raw = JSON.parse(readFileSync(join(ROOT, "examples", example, "params.json"), "utf8"));
      const params = toContractParams(fillPlaceholders(raw, parseSets(SETS)));
      expect(params.reporters).to.deep.equal([r1, r2, r3]);
      expect(params.arbiter).to.equal(arbiter);
      expect(params.bondToken).to.equal(token);
      expect(params.capTokens).to.deep.equal([token]);
      // genesis is absent from the examples: 0, which the hub turns into the creation time.
      expect(params.genesis).to.equal(0n);
    });
  }

  it("replaces a placeholder inside a longer string too", () => {
    expect(fillPlaceholders({ a: ["x-$N-y"] }, parseSets(["N=7"]))).to.deep.equal({ a: ["x-7-y"] });
  });

  const files = ["--text", "examples/fisheries/agreement.md", "--params", "examples/fisheries/params.json"];

  it("an unfilled placeholder: exit 2, one line naming it and the flag that fills it, no connection", async () => {
    const r = await cli(["agreement", "create", ...files, ...SETS.slice(1).flatMap((s) => ["--set", s])]);
    expect(r.code).to.equal(2);
    expect(r.err.trim().split("\n")).to.have.length(1);
    expect(r.err).to.include("$REPORTER1 not filled; pass --set REPORTER1=<value>");
    expect(r.err).not.to.include("cannot reach");
  });

  it("a malformed --set: exit 2 naming it", async () => {
    const r = await cli(["agreement", "create", ...files, "--set", "REPORTER1"]);
    expect(r.code).to.equal(2);
    expect(r.err).to.include('--set: expected NAME=value, got "REPORTER1"');
  });

  it("a --set the file does not use: exit 2 naming it", async () => {
    const r = await cli([
      "agreement",
      "create",
      ...files,
      ...[...SETS, "REPORTR4=0x1"].flatMap((s) => ["--set", s]),
    ]);
    expect(r.code).to.equal(2);
    expect(r.err).to.include("--set REPORTR4: examples/fisheries/params.json has no $REPORTR4");
  });

  it("with every placeholder filled it gets as far as the chain", async () => {
    const r = await cli(["agreement", "create", ...files, ...SETS.flatMap((s) => ["--set", s])]);
    expect(r.code).to.equal(1);
    expect(r.err).to.include("--rpc: cannot reach http://127.0.0.1:1");
  });
});
