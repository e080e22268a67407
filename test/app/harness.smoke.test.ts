/// <reference lib="dom" />
/**
 * The browser harness without the web app: the seeded scenario is on the chain as the e2e tests
 * expect it, and on a trivial page the injected test wallet is announced (EIP-6963), answers accounts
 * and chain id, sends a transaction through the chain's HTTP RPC, passes a revert's data through so it
 * decodes to the hub's custom error, and refuses with 4001 when told to; Chromium exits on close.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import type { Browser, Page } from "puppeteer-core";
import { decodeErrorResult, encodeFunctionData, type Hex } from "viem";

import { gengovExecutionAbi } from "../../oracle/chain/abis.js";
import { serveJsonRpc, serveStatic, type Served } from "../../oracle/demo/app.js";
import { alive, waitFor } from "../operator/helpers.js";
import { ACCOUNTS, launchBrowser, openWithWallet, screenshot, seedScenario } from "./harness.js";

type Seeded = Awaited<ReturnType<typeof seedScenario>>;

describe("app harness (trivial page, no web app)", function () {
  this.timeout(240_000);
  let seeded: Seeded;
  let rpc: Served;
  let site: Served;
  let browser: Browser;
  let page: Page;

  before(async () => {
    seeded = await seedScenario();
    rpc = await serveJsonRpc(seeded.conn.provider);
    const dir = mkdtempSync(join(tmpdir(), "gengov-harness-"));
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>harness</title><p>trivial page</p>");
    site = await serveStatic(dir);
    browser = await launchBrowser();
    page = await openWithWallet(browser, `${site.url}/`, {
      rpc: rpc.url,
      account: ACCOUNTS.outsider,
      chainId: seeded.scenario.chainId,
    });
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    await rpc?.close();
  });

  it("the scenario: a finalized transition paid the cooperative, the last one is in its challenge period, its report window is open, candidates are scored", async () => {
    const { publicClient, scenario, conn } = seeded;
    const execution = await conn.viem.getContractAt("GengovExecution", scenario.execution);
    const hub = await conn.viem.getContractAt("GengovHub", scenario.hub);
    const credited = await publicClient.getContractEvents({
      address: scenario.execution,
      abi: gengovExecutionAbi,
      eventName: "PaymentCredited",
      fromBlock: 0n,
    });
    expect(credited.some((l) => l.args.to === ACCOUNTS.boat && l.args.amount! > 0n)).to.equal(true);
    expect((await execution.read.owed([ACCOUNTS.boat, scenario.token])) > 0n).to.equal(true);
    const now = (await publicClient.getBlock()).timestamp;
    const p = await execution.read.proposal([scenario.agreementId]);
    expect(p.epoch).to.equal(scenario.epoch);
    expect(p.status).to.equal(1); // Proposed
    const [stored] = await hub.read.agreement([scenario.agreementId]);
    expect(now < p.proposedAt + BigInt(stored.challengePeriod)).to.equal(true);
    expect(now < scenario.reportCloses).to.equal(true);
    const reports = await publicClient.getContractEvents({
      address: scenario.hub,
      abi: hub.abi,
      eventName: "OutcomeReported",
      args: { agreementId: scenario.agreementId, epoch: scenario.epoch },
      fromBlock: 0n,
    });
    expect(reports).to.deep.equal([]);
    const scored = scenario.demo.leaderboard.filter((l) => l.scored > 0);
    expect(scored.length).to.equal(4);
  });

  it("the wallet is announced through EIP-6963 and answers accounts and chain id", async () => {
    const name = await page.evaluate(
      () =>
        new Promise<string>((done) => {
          window.addEventListener("eip6963:announceProvider", (e) =>
            done((e as CustomEvent<{ info: { name: string } }>).detail.info.name),
          );
          window.dispatchEvent(new Event("eip6963:requestProvider"));
          setTimeout(() => done("no announcement within 5 s"), 5_000);
        }),
    );
    expect(name).to.equal("gengov test wallet");
    const got = await page.evaluate(async () => {
      const eth = (window as unknown as { ethereum: { request(a: { method: string }): Promise<unknown> } })
        .ethereum;
      return {
        accounts: await eth.request({ method: "eth_requestAccounts" }),
        chainId: await eth.request({ method: "eth_chainId" }),
        block: await eth.request({ method: "eth_blockNumber" }),
      };
    });
    expect(got.accounts).to.deep.equal([ACCOUNTS.outsider]);
    expect(Number(got.chainId)).to.equal(seeded.scenario.chainId);
    expect(BigInt(got.block as string)).to.equal(await seeded.publicClient.getBlockNumber());
    await screenshot(page, "harness-trivial-page");
  });

  it("eth_sendTransaction from the page is mined on the chain", async () => {
    const before = await seeded.publicClient.getBalance({ address: ACCOUNTS.other });
    const hash = (await page.evaluate(
      async (from: string, to: string) => {
        const eth = (window as unknown as { ethereum: { request(a: unknown): Promise<unknown> } }).ethereum;
        return eth.request({ method: "eth_sendTransaction", params: [{ from, to, value: "0x3e8" }] });
      },
      ACCOUNTS.outsider,
      ACCOUNTS.other,
    )) as Hex;
    const receipt = await seeded.publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).to.equal("success");
    expect(await seeded.publicClient.getBalance({ address: ACCOUNTS.other })).to.equal(before + 1000n);
  });

  it("a revert reaches the page as code 3 with its data, which decodes to the custom error", async () => {
    const data = encodeFunctionData({
      abi: gengovExecutionAbi,
      functionName: "withdrawPayment",
      args: [seeded.scenario.token],
    });
    const error = await page.evaluate(
      async (from: string, to: string, input: string) => {
        const eth = (window as unknown as { ethereum: { request(a: unknown): Promise<unknown> } }).ethereum;
        try {
          await eth.request({ method: "eth_call", params: [{ from, to, data: input }, "latest"] });
          return null;
        } catch (e) {
          const err = e as { code: number; data: string };
          return { code: err.code, data: err.data };
        }
      },
      ACCOUNTS.outsider,
      seeded.scenario.execution,
      data,
    );
    expect(error).to.not.equal(null);
    expect(error!.code).to.equal(3);
    const decoded = decodeErrorResult({ abi: gengovExecutionAbi, data: error!.data as Hex });
    expect(decoded.errorName).to.equal("NothingOwed");
    expect(decoded.args).to.deep.equal([ACCOUNTS.outsider, seeded.scenario.token]);
  });

  it("told to refuse, the wallet rejects the next transaction with 4001 and sends nothing", async () => {
    const nonce = await seeded.publicClient.getTransactionCount({ address: ACCOUNTS.outsider });
    const error = await page.evaluate(async (from: string) => {
      const w = window as unknown as {
        ethereum: { request(a: unknown): Promise<unknown> };
        __gengovWallet: { reject: string };
      };
      w.__gengovWallet.reject = "User rejected the request.";
      try {
        await w.ethereum.request({
          method: "eth_sendTransaction",
          params: [{ from, to: from, value: "0x1" }],
        });
        return null;
      } catch (e) {
        return { code: (e as { code: number }).code, message: (e as Error).message };
      }
    }, ACCOUNTS.outsider);
    expect(error).to.deep.equal({ code: 4001, message: "User rejected the request." });
    expect(await seeded.publicClient.getTransactionCount({ address: ACCOUNTS.outsider })).to.equal(nonce);
  });

  it("closing the browser ends Chromium", async () => {
    const pid = browser.process()!.pid!;
    expect(alive(pid)).to.equal(true);
    await browser.close();
    expect(await waitFor(() => !alive(pid), 10_000)).to.equal(true);
  });
});
