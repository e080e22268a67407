/// <reference lib="dom" />
/**
 * The web app end to end: the built app in headless Chromium with the test wallet, on the seeded
 * scenario of test/app/harness.ts. Each test checks what the page shows and that the chain changed:
 * reading an agreement (text hash, leaderboard, transitions and their manifests), submitting an
 * input, a transaction the wallet refuses, a deposit, reporting an outcome as a reporter,
 * challenging a transition, a second challenge by the same account shown as its decoded revert, and
 * withdrawing a payment.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";
import type { Page } from "puppeteer-core";
import { erc20Abi, getAddress, type Address } from "viem";

import { gengovExecutionAbi } from "../../oracle/chain/abis.js";
import { clockOf, epochAt, type Clock } from "../../oracle/node/clock.js";
import { waitFor } from "../operator/helpers.js";
import {
  ACCOUNTS,
  ROOT,
  screenshot,
  startAppHarness,
  textOf,
  waitForText,
  type AppHarness,
} from "./harness.js";

const PROPOSED = 1;
const CHALLENGED = 2;

async function click(page: Page, id: string): Promise<void> {
  const el = await page.waitForSelector(`[data-testid="${id}"]`, { visible: true, timeout: 15_000 });
  await el!.click();
}

/** Replaces the value of the input with `data-testid` = id by typing `text`. */
async function fill(page: Page, id: string, text: string): Promise<void> {
  const el = await page.waitForSelector(`[data-testid="${id}"]`, { visible: true, timeout: 15_000 });
  await el!.click({ count: 3 });
  await page.keyboard.down("Control");
  await page.keyboard.press("a");
  await page.keyboard.up("Control");
  await page.keyboard.press("Backspace");
  await el!.type(text);
}

/**
 * Connects the wallet: clicks connect-wallet unless the app already connected the authorized wallet
 * by itself (as it does for a wallet that lists the account in eth_accounts); waits until
 * wallet-address shows `account`.
 */
async function connect(page: Page, account: Address): Promise<void> {
  const first = await page.waitForSelector('[data-testid="connect-wallet"], [data-testid="wallet-address"]', {
    visible: true,
    timeout: 15_000,
  });
  if ((await first!.evaluate((e) => e.getAttribute("data-testid"))) === "connect-wallet")
    await first!.click();
  await waitForText(page, "wallet-address", new RegExp(account.slice(2), "i"));
}

/** Waits for the latest action's tx-status to leave "pending"; returns its text. */
async function settled(page: Page, timeout = 60_000): Promise<string> {
  await waitForText(page, "tx-status", /^\s*(confirmed|reverted|rejected)/, timeout);
  return (await textOf(page, "tx-status")).trim();
}

describe("web app end to end (Chromium)", function () {
  this.timeout(180_000);
  let h: AppHarness;
  let clock: Clock;

  before(async () => {
    h = await startAppHarness();
    const hub = await h.conn.viem.getContractAt("GengovHub", h.scenario.hub);
    const [stored] = await hub.read.agreement([h.scenario.agreementId]);
    clock = clockOf(stored);
  });

  afterEach(async function () {
    // A failed test leaves its page open: keep what it showed, then close it.
    if (!h) return;
    for (const [i, page] of (await h.browser.pages()).entries()) {
      if (this.currentTest?.state === "failed" && page.url().startsWith(h.appUrl))
        await screenshot(page, `failed-${this.currentTest.title.slice(0, 40)}-${i}`).catch(() => undefined);
      if (page.url() !== "about:blank") await page.close();
    }
  });

  after(async () => {
    await h?.close();
  });

  const execution = () => h.conn.viem.getContractAt("GengovExecution", h.scenario.execution);
  const hub = () => h.conn.viem.getContractAt("GengovHub", h.scenario.hub);

  it("reads an agreement: the list links it; its text matches the on-chain hash; leaderboard, epoch and every transition with its status and a verified manifest", async () => {
    const page = await h.open("#/", ACCOUNTS.outsider);
    await page.waitForSelector('[data-testid="agreement-link-1"]', { timeout: 15_000 });
    await screenshot(page, "agreements");
    await click(page, "agreement-link-1");
    await page.waitForFunction(() => location.hash === "#/agreement/1", { timeout: 10_000 });
    const text = await textOf(page, "agreement-text");
    const source = readFileSync(join(ROOT, "examples", "fisheries", "agreement.md"), "utf8");
    expect(text).to.contain("Caleta Norte fishing commons");
    expect(text).to.contain(source.split("\n")[2].split(" ").slice(0, 6).join(" "));
    expect(await waitForText(page, "text-hash-status", /matches|MISMATCH/)).to.contain("matches");
    const now = (await h.publicClient.getBlock()).timestamp;
    expect((await textOf(page, "epoch-current")).trim()).to.match(new RegExp(`\\b${epochAt(clock, now)}\\b`));
    expect((await textOf(page, "epoch-phase")).trim()).to.not.equal("");
    await page.waitForSelector('[data-testid="treasury"]');
    for (const c of h.scenario.demo.candidates)
      await page.waitForSelector(`[data-testid="candidate-row-${c.id}"]`);
    const finalized = await h.publicClient.getContractEvents({
      address: h.scenario.execution,
      abi: gengovExecutionAbi,
      eventName: "TransitionFinalized",
      args: { agreementId: h.scenario.agreementId },
      fromBlock: 0n,
    });
    expect(finalized.length).to.be.greaterThan(0);
    for (const f of finalized) {
      const e = f.args.epoch!;
      await page.waitForSelector(`[data-testid="transition-${e}"]`);
      expect((await textOf(page, `transition-status-${e}`)).toLowerCase()).to.contain("finalized");
      expect(await waitForText(page, `manifest-check-${e}`, /verified|failed/)).to.contain("verified");
    }
    const open = h.scenario.epoch;
    expect((await textOf(page, `transition-status-${open}`)).toLowerCase()).to.contain("proposed");
    expect(await waitForText(page, `manifest-check-${open}`, /verified|failed/)).to.contain("verified");
    await screenshot(page, "agreement");
    await page.close();
  });

  it("submits an input: the page lists it and the chain's epochInputs count grew", async () => {
    const page = await h.open("#/agreement/1", ACCOUNTS.other);
    await connect(page, ACCOUNTS.other);
    const epoch = epochAt(clock, (await h.publicClient.getBlock()).timestamp);
    const [, before] = await (await hub()).read.epochInputs([h.scenario.agreementId, epoch]);
    const message = `Harbour master: the north jetty is closed for repairs (${Date.now()}).`;
    await fill(page, "input-data", message);
    await click(page, "input-submit");
    expect(await settled(page)).to.match(/^confirmed/);
    await waitForText(page, "inputs", new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    const [, after] = await (await hub()).read.epochInputs([h.scenario.agreementId, epoch]);
    expect(after).to.equal(before + 1);
    await screenshot(page, "input-submitted");
    await page.close();
  });

  it("a transaction the wallet refuses shows as rejected with the wallet's message, and nothing reaches the chain", async () => {
    const page = await h.open("#/agreement/1", ACCOUNTS.other);
    await connect(page, ACCOUNTS.other);
    const nonce = await h.publicClient.getTransactionCount({ address: ACCOUNTS.other });
    await page.evaluate(() => {
      (window as unknown as { __gengovWallet: { reject: string } }).__gengovWallet.reject =
        "User rejected the request.";
    });
    await fill(page, "input-data", "This input is never sent.");
    await click(page, "input-submit");
    expect(await settled(page)).to.match(/^rejected: .*User rejected the request\./);
    expect(await h.publicClient.getTransactionCount({ address: ACCOUNTS.other })).to.equal(nonce);
    await page.close();
  });

  it("deposits into the treasury: approve then deposit, the treasury's balance grows by the amount", async () => {
    const { token, agreementId } = h.scenario;
    const treasury = () => hub().then((c) => c.read.treasuryBalance([agreementId, token]));
    const before = await treasury();
    const page = await h.open("#/agreement/1", ACCOUNTS.outsider);
    await connect(page, ACCOUNTS.outsider);
    await fill(page, "deposit-amount", "7");
    await click(page, "deposit-submit");
    expect(await settled(page)).to.match(/^confirmed/);
    // Two transactions: the deposit follows the approval.
    const grown = await waitFor(async () => (await treasury()) === before + 7n * 10n ** 18n, 30_000);
    expect(grown, `treasury ${await treasury()}, was ${before}`).to.equal(true);
    await screenshot(page, "deposited");
    await page.close();
  });

  it("reports an outcome as a reporter: the open report window's epoch is prefilled, values in units reach the chain scaled", async () => {
    const page = await h.open("#/agreement/1", ACCOUNTS.reporter);
    await connect(page, ACCOUNTS.reporter);
    const epochField = await page.waitForSelector('[data-testid="report-epoch"]', { timeout: 15_000 });
    expect(await epochField!.evaluate((e) => (e as HTMLInputElement).value)).to.equal(
      String(h.scenario.epoch),
    );
    await fill(page, "report-value-0", "412.5");
    await fill(page, "report-value-1", "58.07");
    await click(page, "report-submit");
    expect(await settled(page)).to.match(/^confirmed/);
    const h2 = await hub();
    const reports = await h.publicClient.getContractEvents({
      address: h.scenario.hub,
      abi: h2.abi,
      eventName: "OutcomeReported",
      args: { agreementId: h.scenario.agreementId, epoch: h.scenario.epoch, reporter: ACCOUNTS.reporter },
      fromBlock: 0n,
    });
    expect(reports).to.have.length(1);
    // Both metrics have 2 decimals (examples/fisheries/params.json).
    expect([...(reports[0].args as { values: readonly bigint[] }).values]).to.deep.equal([41250n, 5807n]);
    await screenshot(page, "outcome-reported");
    await page.close();
  });

  it("challenges the transition in its challenge period: the page shows it challenged, the chain's proposal too", async () => {
    const epoch = h.scenario.epoch;
    expect((await (await execution()).read.proposal([h.scenario.agreementId])).status).to.equal(PROPOSED);
    const page = await h.open("#/agreement/1", ACCOUNTS.outsider);
    await connect(page, ACCOUNTS.outsider);
    await click(page, `challenge-${epoch}`);
    expect(await settled(page)).to.match(/^confirmed/);
    await waitForText(page, `transition-status-${epoch}`, /challenged/i);
    const p = await (await execution()).read.proposal([h.scenario.agreementId]);
    expect(p.status).to.equal(CHALLENGED);
    expect(p.challenges.map((c) => getAddress(c.challenger))).to.deep.equal([ACCOUNTS.outsider]);
    await screenshot(page, "challenged");
    await page.close();
  });

  it("a second challenge by the same account is refused: the page shows the decoded revert, the chain is unchanged", async () => {
    const epoch = h.scenario.epoch;
    const page = await h.open("#/agreement/1", ACCOUNTS.outsider);
    await connect(page, ACCOUNTS.outsider);
    await click(page, `challenge-${epoch}`);
    const status = await settled(page);
    expect(status).to.match(/^reverted: AlreadyChallenged\(/);
    expect(status).to.contain(String(epoch));
    const p = await (await execution()).read.proposal([h.scenario.agreementId]);
    expect(p.challenges).to.have.length(1);
    await screenshot(page, "challenge-reverted");
    await page.close();
  });

  it("withdraws a payment: the payee sees what it is owed, withdraws it, and its token balance grows by that much", async () => {
    const token = h.scenario.token;
    const owed = await (await execution()).read.owed([ACCOUNTS.boat, token]);
    expect(owed > 0n).to.equal(true);
    const balance = () =>
      h.publicClient.readContract({
        address: token,
        abi: erc20Abi,
        functionName: "balanceOf",
        args: [ACCOUNTS.boat],
      });
    const before = await balance();
    const page = await h.open("#/agreement/1", ACCOUNTS.boat);
    await connect(page, ACCOUNTS.boat);
    await page.waitForSelector('[data-testid="payments"]', { timeout: 15_000 });
    await click(page, `withdraw-${token.toLowerCase()}`);
    expect(await settled(page)).to.match(/^confirmed/);
    expect(await balance()).to.equal(before + owed);
    expect(await (await execution()).read.owed([ACCOUNTS.boat, token])).to.equal(0n);
    await screenshot(page, "withdrawn");
    await page.close();
  });
});
