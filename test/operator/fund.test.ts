/**
 * `gengov fund <address> --eth N --token N`: on a Hardhat node it adds N ETH (hardhat_setBalance) and
 * mints N test tokens; on a chain that is not a development node it refuses in one line and sends
 * nothing.
 */
import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";

import { createPublicClient, http, type Address } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import {
  connectChain,
  deployHubOver,
  startChain,
  stopAll,
  type StandaloneChain,
} from "../fixtures/standalone.js";
import { GENGOV_BIN, run } from "./helpers.js";

const WAD = 10n ** 18n;

describe("gengov fund", function () {
  this.timeout(120_000);
  let chain: StandaloneChain;
  let token: Address;

  before(async () => {
    chain = await startChain();
    const f = await deployHubOver(await connectChain(chain));
    token = f.token.address;
  });
  after(stopAll);

  const fund = (args: string[], rpcUrl: string, cwd?: string) =>
    run(process.execPath, [GENGOV_BIN, "fund", ...args, "--rpc", rpcUrl], {
      ...(cwd ? { cwd } : {}),
    });

  it("adds ETH and mints test tokens on a local Hardhat node", async () => {
    const who = privateKeyToAccount(generatePrivateKey()).address;
    const client = createPublicClient({ transport: http(chain.url) });
    const balanceOf = () =>
      client.readContract({
        address: token,
        abi: [
          {
            type: "function",
            name: "balanceOf",
            stateMutability: "view",
            inputs: [{ name: "a", type: "address" }],
            outputs: [{ type: "uint256" }],
          },
        ],
        functionName: "balanceOf",
        args: [who],
      });
    const first = await fund([who, "--eth", "10", "--token", "1000", "--token-address", token], chain.url);
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout).to.include(`funded ${who} with 10 ETH`);
    expect(await client.getBalance({ address: who })).to.equal(10n * WAD);
    expect(await balanceOf()).to.equal(1000n * WAD);
    // Funding again adds to what is there.
    const second = await fund([who, "--eth", "2.5", "--token", "1", "--token-address", token], chain.url);
    expect(second.code, second.stderr).to.equal(0);
    expect(await client.getBalance({ address: who })).to.equal(125n * 10n ** 17n);
    expect(await balanceOf()).to.equal(1001n * WAD);
  });

  it("takes the address from a keystore file; an unreadable argument is exit 2 naming it", async () => {
    const dir = mkdtempSync(`${tmpdir()}/gengov-fund-key-`);
    const keystore = `${dir}/operator.json`;
    const made = await run(process.execPath, [GENGOV_BIN, "key", "new", "--out", keystore, "--json"], {
      env: { GENGOV_KEYSTORE_PASSWORD: "pw" },
    });
    const who = (JSON.parse(made.stdout) as { address: Address }).address;
    const r = await fund([keystore, "--eth", "3"], chain.url);
    expect(r.code, r.stderr).to.equal(0);
    expect(await createPublicClient({ transport: http(chain.url) }).getBalance({ address: who })).to.equal(
      3n * WAD,
    );
    const bad = await fund([`${dir}/missing.json`, "--eth", "3"], chain.url);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.include("is neither an address nor a readable keystore file");
  });

  it("without a GengovLocal deployment for the chain and no --token-address: exit 2 naming both", async () => {
    const who = privateKeyToAccount(generatePrivateKey()).address;
    const elsewhere = mkdtempSync(`${tmpdir()}/gengov-fund-`);
    const r = await fund([who, "--token", "5"], chain.url, elsewhere);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include("no GengovLocal#MockERC20 in");
    expect(r.stderr).to.include("--token-address");
  });

  it("refuses a chain that is not a development node, in one line, sending nothing", async () => {
    const methods: string[] = [];
    const server: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        const calls = JSON.parse(body) as { id: number; method: string } | { id: number; method: string }[];
        const answer = (c: { id: number; method: string }) => {
          methods.push(c.method);
          return c.method === "eth_chainId"
            ? { jsonrpc: "2.0", id: c.id, result: "0xaa36a7" }
            : { jsonrpc: "2.0", id: c.id, error: { code: -32601, message: "the method does not exist" } };
        };
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(Array.isArray(calls) ? calls.map(answer) : answer(calls)));
      });
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const who = privateKeyToAccount(generatePrivateKey()).address;
      const r = await fund([who, "--eth", "10", "--token", "1000", "--token-address", token], url);
      expect(r.code).to.equal(2);
      expect(r.stderr.trim().split("\n")).to.have.length(1);
      expect(r.stderr).to.include("chain 11155111");
      expect(r.stderr).to.include("is not a local development chain");
      expect(methods).not.to.include("hardhat_setBalance");
      expect(methods).not.to.include("eth_sendRawTransaction");
      expect(methods).not.to.include("eth_sendTransaction");
    } finally {
      server.close();
    }
  });
});
