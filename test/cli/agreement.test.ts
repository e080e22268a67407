/**
 * `gengov agreement create|show|list`, `input submit`, `deposit` and `key new`, run in-process
 * against the in-process chain, every --json output checked against chain reads; and the bad-usage
 * paths with their exact message and exit code (2 for usage, 1 for a revert).
 */
import { expect } from "chai";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

import { network } from "hardhat";
import {
  formatUnits,
  getAddress,
  hexToString,
  keccak256,
  parseEther,
  stringToHex,
  zeroAddress,
  type Hex,
} from "viem";

import { connect } from "../../oracle/chain/connect.js";
import { ConfigError } from "../../oracle/errors/BaseError.js";
import { deployCli, fisheriesParams, type CliFixture } from "../fixtures/cli.js";
import { TEXT, WAD } from "../fixtures/hub.js";

const FISHERIES_TEXT = readFileSync(join(process.cwd(), "examples", "fisheries", "agreement.md"), "utf8");

describe("cli: agreements, inputs, deposits, keys", function () {
  this.timeout(120_000);
  let x: CliFixture;
  let id: bigint;

  before(async () => {
    x = await deployCli(await network.create());
  });

  const createArgs = (text: string, params: unknown) => [
    "agreement",
    "create",
    "--text",
    x.file("agreement.md", text),
    "--params",
    x.file("params.json", JSON.stringify(params)),
  ];

  it("agreement create: creates the agreement from the text and params files and prints its id and text hash", async () => {
    const r = await x.run(createArgs(FISHERIES_TEXT, fisheriesParams(x, { minScored: 0 })), {
      account: x.as(0),
    });
    expect(r.code, r.err).to.equal(0);
    const out = r.json<{ agreementId: string; textHash: Hex; tx: Hex }>();
    id = BigInt(out.agreementId);
    expect(id).to.equal(2n); // the hub fixture created agreement 1
    const [p, textHash, count] = await x.hub.read.agreement([id]);
    expect(out.textHash).to.equal(textHash);
    expect(textHash).to.equal(keccak256(stringToHex(FISHERIES_TEXT)));
    expect(count).to.equal(0n);
    const receipt = await x.publicClient.getTransactionReceipt({ hash: out.tx });
    expect(receipt.status).to.equal("success");
    expect(getAddress(receipt.from)).to.equal(x.as(0).address);
    // The params file's values, as the contract stores them.
    expect(p.epochLength).to.equal(3600);
    expect(p.exitDelay).to.equal(10800);
    expect(p.minScored).to.equal(0);
    expect(p.minBond).to.equal(100n * WAD);
    expect(p.metrics.map((m) => [m.name, m.decimals, m.lossKind, m.scale])).to.deep.equal([
      ["catchPerBoatDay", 2, 0, 800n],
      ["stockIndex", 2, 1, 2000n],
    ]);
    expect(p.reporters).to.deep.equal([1, 2, 3].map((i) => x.as(i).address));
    expect(p.arbiter).to.equal(x.as(0).address);
    expect(p.bondToken).to.equal(x.token.address);
    expect(p.capTokens).to.deep.equal([x.token.address]);
    expect(p.maxOutflowPerEpoch).to.deep.equal([50n * WAD]);
    expect(p.randomness).to.equal(zeroAddress);
    expect(p.maxInputsPerEpoch).to.equal(32);
    expect(p.maxInputsPerSender).to.equal(8);
    expect(p.alpha).to.equal((2n * WAD) / 10n);
    expect(p.margin).to.equal(WAD / 100n);
    expect(p.maxScore).to.equal((7n * WAD) / 10n);
  });

  it("agreement show: parameters, text hash and candidate count as on chain; --full-text adds the text", async () => {
    const r = await x.run(["agreement", "show", id.toString()]);
    expect(r.code, r.err).to.equal(0);
    const out = r.json();
    const [p, textHash, count] = await x.hub.read.agreement([id]);
    expect(out.agreementId).to.equal(id.toString());
    expect(out.textHash).to.equal(textHash);
    expect(out.candidateCount).to.equal(count.toString());
    expect(out.params.genesis).to.equal(p.genesis.toString());
    expect(out.params.minBond).to.equal(p.minBond.toString());
    expect(out.params.challengeBond).to.equal(p.challengeBond.toString());
    expect(out.params.reporters).to.deep.equal(p.reporters);
    expect(out.params.metrics[1]).to.deep.equal({
      name: "stockIndex",
      decimals: 2,
      lossKind: 1,
      scale: "2000",
    });
    expect(out).to.not.have.property("text");

    const full = await x.run(["agreement", "show", id.toString(), "--full-text"]);
    expect(full.code, full.err).to.equal(0);
    expect(full.json().text).to.equal(FISHERIES_TEXT);
  });

  it("agreement show for people: bonds in tokens, the genesis as a date, periods as durations", async () => {
    const [p] = await x.hub.read.agreement([id]);
    const symbol = await x.token.read.symbol();
    const r = await x.run(["agreement", "show", id.toString()], { json: false });
    expect(r.code, r.err).to.equal(0);
    const lines = r.out.join("\n").split("\n");
    for (const line of [
      `  minBond: ${formatUnits(p.minBond, 18)} ${symbol}`,
      `  challengeBond: ${formatUnits(p.challengeBond, 18)} ${symbol}`,
      `  genesis: ${new Date(Number(p.genesis) * 1000).toISOString().replace(".000Z", "Z")}`,
      "  epochLength: 1h",
      "  exitDelay: 3h",
      "  reportWindow: 10m",
      `  maxOutflowPerEpoch: [${formatUnits(p.maxOutflowPerEpoch[0], 18)} ${symbol}]`,
    ])
      expect(lines).to.include(line);
  });

  it("deposit for people: the amount in tokens", async () => {
    const r = await x.run(["deposit", id.toString(), x.token.address, "2.25"], {
      account: x.as(0),
      json: false,
    });
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.deep.equal([
      `deposited 2.25 ${await x.token.read.symbol()} into agreement ${id}'s treasury`,
    ]);
  });

  it("agreement list: every agreement with creator, text hash and candidate count", async () => {
    const r = await x.run(["agreement", "list"]);
    expect(r.code, r.err).to.equal(0);
    const rows = r.json<{ agreementId: string; creator: Hex; textHash: Hex; candidates: string }[]>();
    expect(rows.map((row) => row.agreementId)).to.deep.equal(["1", "2"]);
    expect(rows[0].textHash).to.equal(keccak256(stringToHex(TEXT)));
    expect(rows[1]).to.deep.equal({
      agreementId: "2",
      creator: x.as(0).address,
      textHash: keccak256(stringToHex(FISHERIES_TEXT)),
      candidates: "0",
    });
  });

  it("input submit --data and --file: each input lands in the current epoch and extends the input chain", async () => {
    const byData = await x.run(["input", "submit", id.toString(), "--data", "boat 7 asks to fish less"], {
      account: x.as(13),
    });
    expect(byData.code, byData.err).to.equal(0);
    const first = byData.json();
    const path = x.file("input.txt", "catch report: 412 kg, 3 boats");
    const byFile = await x.run(["input", "submit", id.toString(), "--file", path], { account: x.as(14) });
    expect(byFile.code, byFile.err).to.equal(0);
    const second = byFile.json();

    expect([first.epoch, first.index, second.epoch, second.index]).to.deep.equal(["0", 0, "0", 1]);
    const [head, count] = await x.hub.read.epochInputs([id, 0n]);
    expect(count).to.equal(2);
    expect(second.inputsHash).to.equal(head);
    expect(await x.hub.read.inputsHeadAt([id, 0n])).to.equal(head);
    const events = await x.publicClient.getContractEvents({
      address: x.hub.address,
      abi: x.hub.abi,
      eventName: "InputSubmitted",
      args: { agreementId: id },
      fromBlock: 0n,
    });
    expect(events.map((e) => [e.args.sender, hexToString(e.args.data!), e.transactionHash])).to.deep.equal([
      [x.as(13).address, "boat 7 asks to fish less", first.tx],
      [x.as(14).address, "catch report: 412 kg, 3 boats", second.tx],
    ]);
  });

  it("deposit: approves the hub and funds the treasury by the whole-token amount", async () => {
    const before = await x.hub.read.treasuryBalance([id, x.token.address]);
    const r = await x.run(["deposit", id.toString(), x.token.address, "12.5"], { account: x.as(0) });
    expect(r.code, r.err).to.equal(0);
    const out = r.json();
    expect(out).to.include({
      agreementId: id.toString(),
      token: x.token.address,
      amount: (125n * WAD) / 10n + "",
    });
    expect(await x.hub.read.treasuryBalance([id, x.token.address])).to.equal(before + (125n * WAD) / 10n);
  });

  describe("key new", () => {
    const ENV = "GENGOV_KEYSTORE_PASSWORD";
    let saved: string | undefined;
    beforeEach(() => {
      saved = process.env[ENV];
    });
    afterEach(() => {
      if (saved === undefined) delete process.env[ENV];
      else process.env[ENV] = saved;
    });

    it("writes an encrypted keystore (mode 600) that signs a later command through --keystore", async () => {
      process.env[ENV] = "correct horse battery staple";
      const out = join(x.dir, "operator.json");
      const r = await x.run(["key", "new", "--out", out]);
      expect(r.code, r.err).to.equal(0);
      const { address, keystore } = r.json<{ address: Hex; keystore: string }>();
      expect(keystore).to.equal(out);
      expect(statSync(out).mode & 0o777).to.equal(0o600);
      expect(getAddress(`0x${JSON.parse(readFileSync(out, "utf8")).address}`)).to.equal(address);

      // Refuses to overwrite an existing key.
      const again = await x.run(["key", "new", "--out", out]);
      expect(again.code).to.equal(2);
      expect(again.err).to.include(`key new: ${out} exists; refusing to overwrite a key`);

      // The new key signs: fund it with gas money and submit an input with --keystore.
      const hash = await x.wallets[0].sendTransaction({ to: address, value: parseEther("1") });
      await x.publicClient.waitForTransactionReceipt({ hash });
      const sent = await x.run([
        "input",
        "submit",
        id.toString(),
        "--data",
        "from a keystore",
        "--keystore",
        out,
      ]);
      expect(sent.code, sent.err).to.equal(0);
      const receipt = await x.publicClient.getTransactionReceipt({ hash: sent.json().tx });
      expect(getAddress(receipt.from)).to.equal(address);
    });

    it("without the password variable: exit 2 naming it, and no file written", async () => {
      delete process.env[ENV];
      const out = join(x.dir, "nopassword.json");
      const r = await x.run(["key", "new", "--out", out]);
      expect(r.code).to.equal(2);
      expect(r.err).to.include(`key new: set ${ENV} to the keystore password`);
      expect(existsSync(out)).to.equal(false);
    });
  });

  describe("bad input", () => {
    it("--text naming a file that does not exist: exit 2 naming --text", async () => {
      const missing = join(x.dir, "no-such-agreement.md");
      const r = await x.run(
        [
          "agreement",
          "create",
          "--text",
          missing,
          "--params",
          x.file("p.json", JSON.stringify(fisheriesParams(x))),
        ],
        { account: x.as(0) },
      );
      expect(r.code).to.equal(2);
      expect(r.err).to.include(`--text: cannot read ${missing}`);
    });

    it("params without epochLength: exit 2 naming params.epochLength, nothing sent", async () => {
      const blockBefore = await x.publicClient.getBlockNumber();
      const r = await x.run(createArgs(FISHERIES_TEXT, fisheriesParams(x, { epochLength: undefined })), {
        account: x.as(0),
      });
      expect(r.code).to.equal(2);
      expect(r.err).to.include("invalid agreement parameters");
      expect(r.err).to.match(/params\.epochLength: /);
      expect(await x.publicClient.getBlockNumber()).to.equal(blockBefore);
    });

    it("params out of the mechanism's ranges: exit 2 naming each field, nothing sent", async () => {
      const blockBefore = await x.publicClient.getBlockNumber();
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ maxScore: "1000000000000000000" }, /params\.maxScore: must be in \(0, 1000000000000000000\)/],
        [{ maxScore: "0" }, /params\.maxScore: must be in \(0, /],
        [{ maxScore: undefined }, /params\.maxScore: /],
        [{ maxInputsPerSender: 33 }, /params\.maxInputsPerSender: at most maxInputsPerEpoch \(32\)/],
        [{ maxInputsPerSender: 0 }, /params\.maxInputsPerSender: /],
        [
          { openInputs: false, inputAllowlist: [1, 2, 3, 4, 5].map((i) => x.as(i).address) },
          /params\.maxInputsPerSender: × 5 listed senders exceeds maxInputsPerEpoch \(32\)/,
        ],
        [{ selection: "Weighted", eta: "0" }, /params\.eta: Weighted selection needs eta > 0/],
        [{ selection: "Weighted", eta: (10_001n * WAD).toString() }, /params\.eta: at most /],
        // The hub's MAX_HORIZON is COMMITMENT_RING - 2 = 14.
        [{ horizon: 15 }, /params\.horizon: /],
      ];
      for (const [overrides, message] of cases) {
        const r = await x.run(createArgs(FISHERIES_TEXT, fisheriesParams(x, overrides)), {
          account: x.as(0),
        });
        expect(r.code, JSON.stringify(overrides)).to.equal(2);
        expect(r.err).to.match(message);
      }
      expect(await x.publicClient.getBlockNumber()).to.equal(blockBefore);
    });

    it("a Weighted agreement without a randomness source draws from the hub's beacon", async () => {
      const r = await x.run(
        createArgs(FISHERIES_TEXT, fisheriesParams(x, { selection: "Weighted", eta: (8n * WAD).toString() })),
        { account: x.as(0) },
      );
      expect(r.code, r.err).to.equal(0);
      const [p] = await x.hub.read.agreement([BigInt(r.json().agreementId)]);
      expect([p.selection, p.eta, p.randomness]).to.deep.equal([1, 8n * WAD, zeroAddress]);
    });

    it("params file that is not JSON: exit 2 naming --params", async () => {
      const path = x.file("broken.json", "{ epochLength: 3600");
      const r = await x.run(["agreement", "create", "--text", x.file("a.md", "text"), "--params", path], {
        account: x.as(0),
      });
      expect(r.code).to.equal(2);
      expect(r.err).to.include(`--params: ${path} is not valid JSON`);
    });

    it("params the contract rejects (exitDelay shorter than a forecast's life): exit 1 with the decoded error", async () => {
      const before = (await x.run(["agreement", "list"])).json().length;
      const r = await x.run(createArgs(FISHERIES_TEXT, fisheriesParams(x, { exitDelay: 3600 })), {
        account: x.as(0),
      });
      expect(r.code).to.equal(1);
      expect(r.err).to.include("reverted: createAgreement: AgreementParameterInvalid(exitDelay)");
      expect((await x.run(["agreement", "list"])).json()).to.have.length(before);
    });

    it("--hub at an address with no code (another chain's deployment): exit 2 naming --hub", async () => {
      const nowhere = "0x00000000000000000000000000000000000c0de0";
      const r = await x.run(["agreement", "show", "1"], { hub: nowhere });
      expect(r.code).to.equal(2);
      const chainId = await x.publicClient.getChainId();
      expect(r.err).to.include(`--hub: no contract at ${nowhere} on chain ${chainId}`);
    });

    it("connecting with a chainId the endpoint does not serve: ConfigError naming chainId", async () => {
      const actual = await x.publicClient.getChainId();
      let error: unknown;
      try {
        await connect({ provider: x.provider, chainId: actual + 1 });
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as ConfigError).shortMessage).to.equal(
        `chainId: configured ${actual + 1} but the RPC endpoint serves chain ${actual}`,
      );
    });

    it("a non-numeric id: exit 2 naming the argument", async () => {
      const r = await x.run(["agreement", "show", "abc"]);
      expect(r.code).to.equal(2);
      expect(r.err).to.include('agreementId: expected a non-negative integer, got "abc"');
      const input = await x.run(["input", "submit", "1.5", "--data", "x"], { account: x.as(13) });
      expect(input.code).to.equal(2);
      expect(input.err).to.include('agreementId: expected a non-negative integer, got "1.5"');
    });

    it("an unknown command: exit 2", async () => {
      const r = await x.run(["agreements", "list"]);
      expect(r.code).to.equal(2);
      expect(r.err).to.include("unknown command 'agreements'");
      expect(r.out).to.deep.equal([]);
    });

    it("input submit with both --data and --file: exit 2", async () => {
      const r = await x.run(
        ["input", "submit", id.toString(), "--data", "a", "--file", x.file("b.txt", "b")],
        {
          account: x.as(13),
        },
      );
      expect(r.code).to.equal(2);
      expect(r.err).to.include("input submit: pass exactly one of --data or --file");
    });

    it("a command that sends without any key: exit 2 asking for --keystore or --private-key-env", async () => {
      const r = await x.run(["input", "submit", id.toString(), "--data", "unsigned"]);
      expect(r.code).to.equal(2);
      expect(r.err).to.include(
        "this command sends a transaction: pass --keystore <file> or --private-key-env <VAR>",
      );
    });
  });
});
