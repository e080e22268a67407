/// <reference lib="dom" />
/**
 * The browser test harness for the web app: the demo's scenario on an in-process Hardhat chain served
 * over HTTP (oracle/demo/app.ts), the built app served as static files, and headless Chromium driven
 * by puppeteer-core with a test wallet injected before every page loads.
 *
 * The scenario (fisheries, 5 epochs, then `openLastEpoch`): epochs 3 and 4 were executed and
 * finalized, each paying the cooperative (the account that submitted the catch reports, BOAT) from
 * the treasury; epoch 5's transition is proposed and in its challenge period; epoch 5's report window
 * is open and nobody has reported it; the four candidates have scores.
 *
 * The test wallet is an EIP-1193 object at `window.ethereum`, announced through EIP-6963: it answers
 * eth_requestAccounts / eth_accounts with one account and eth_chainId with the chain's, and forwards
 * every other request to the chain's RPC, whose accounts are unlocked (eth_sendTransaction works).
 * `page.evaluate(() => window.__gengovWallet.reject = "…")` makes it refuse the next transaction
 * with code 4001.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";

import { network } from "hardhat";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { getAddress, type Address, type Hex } from "viem";
import { mnemonicToAccount } from "viem/accounts";

import {
  appUrl,
  ensureAppBuilt,
  openLastEpoch,
  serveJsonRpc,
  serveStatic,
  type OpenEpoch,
  type Served,
} from "../../oracle/demo/app.js";
import { demoChainOf, runDemo, type DemoResult } from "../../oracle/demo/runDemo.js";
import { ROOT } from "../fixtures/standalone.js";

export { ROOT };
export const SCREENSHOTS = join(ROOT, "test-output", "app");

const MNEMONIC = "test test test test test test test test test test test junk";
const account = (i: number): Address => getAddress(mnemonicToAccount(MNEMONIC, { addressIndex: i }).address);

/** The demo's accounts (oracle/demo/runDemo.ts): every one holds the bond token. */
export const ACCOUNTS = {
  arbiter: account(0),
  reporter: account(1),
  /** Sends the catch reports: the fisheries policy pays it every executed epoch. */
  boat: account(8),
  adversary: account(9),
  /** Never used by the demo: free to challenge, submit inputs, deposit. */
  outsider: account(10),
  other: account(11),
};

/** The Chromium binary: CHROMIUM_PATH, else /usr/bin/chromium; one clear error when it is missing. */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(path))
    throw new Error(
      `Chromium not found at ${path}: install it (apt-get install chromium) or set CHROMIUM_PATH to its binary`,
    );
  return path;
}

/** Headless Chromium (never downloaded: the system's binary). */
export async function launchBrowser(): Promise<Browser> {
  const args = ["--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check"];
  if (process.getuid?.() === 0) args.push("--no-sandbox");
  return puppeteer.launch({ executablePath: chromiumPath(), headless: true, args });
}

export type WalletConfig = { rpc: string; account: Address; chainId: number };

/** Runs in the page before any of its scripts: the test wallet (see the file header). */
function installWallet(cfg: WalletConfig & { chainIdHex: string }): void {
  type Listener = (...args: unknown[]) => void;
  const listeners = new Map<string, Set<Listener>>();
  const control = { reject: "" as string, requests: [] as string[] };
  let nextId = 1;
  const forward = async (method: string, params: unknown) => {
    const res = await fetch(cfg.rpc, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params: params ?? [] }),
    });
    const body = (await res.json()) as {
      result?: unknown;
      error?: { code: number; message: string; data?: unknown };
    };
    if (body.error) {
      const err = new Error(body.error.message) as Error & { code: number; data?: unknown };
      err.code = body.error.code;
      err.data = body.error.data;
      throw err;
    }
    return body.result;
  };
  const provider = {
    isGengovTestWallet: true,
    async request({ method, params }: { method: string; params?: unknown }): Promise<unknown> {
      control.requests.push(method);
      switch (method) {
        case "eth_requestAccounts":
        case "eth_accounts":
          return [cfg.account];
        case "eth_chainId":
          return cfg.chainIdHex;
        case "net_version":
          return String(cfg.chainId);
        case "wallet_requestPermissions":
        case "wallet_getPermissions":
          return [{ parentCapability: "eth_accounts" }];
        case "wallet_revokePermissions":
          return null;
        case "wallet_switchEthereumChain": {
          const wanted = (params as [{ chainId: string }] | undefined)?.[0]?.chainId;
          if (wanted !== undefined && BigInt(wanted) !== BigInt(cfg.chainId)) {
            const err = new Error(`the test wallet only knows chain ${cfg.chainId}`) as Error & {
              code: number;
            };
            err.code = 4902;
            throw err;
          }
          return null;
        }
        case "eth_sendTransaction":
          if (control.reject) {
            const err = new Error(control.reject) as Error & { code: number };
            control.reject = "";
            err.code = 4001;
            throw err;
          }
          return forward(method, params);
        default:
          return forward(method, params);
      }
    },
    on(event: string, fn: Listener) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(fn);
      return provider;
    },
    removeListener(event: string, fn: Listener) {
      listeners.get(event)?.delete(fn);
      return provider;
    },
  };
  const w = window as unknown as Record<string, unknown>;
  w.ethereum = provider;
  w.__gengovWallet = control;
  const info = {
    uuid: "6f1c1d2e-7a43-4b1e-9a55-2d1f3c0a9e01",
    name: "gengov test wallet",
    icon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/%3E",
    rdns: "org.gengov.testwallet",
  };
  const announce = () =>
    window.dispatchEvent(
      new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }),
    );
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
}

/** A new page with the test wallet for `wallet.account` injected, at `url`. */
export async function openWithWallet(browser: Browser, url: string, wallet: WalletConfig): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  // tsx compiles functions with esbuild's keepNames, which wraps them in calls to a `__name` helper
  // that the page does not have: give it one before the wallet's source runs there.
  await page.evaluateOnNewDocument("globalThis.__name ??= (f) => f;");
  await page.evaluateOnNewDocument(installWallet, {
    ...wallet,
    chainIdHex: `0x${wallet.chainId.toString(16)}`,
  });
  await page.goto(url, { waitUntil: "load" });
  return page;
}

/** A full-page screenshot at test-output/app/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({
    path: join(SCREENSHOTS, `${name.replace(/[^\w.-]+/g, "-")}.png`) as `${string}.png`,
    fullPage: true,
  });
}

/** The visible text of the element with `data-testid` = id, waiting for it to exist. */
export async function textOf(page: Page, id: string, timeout = 15_000): Promise<string> {
  const el = await page.waitForSelector(`[data-testid="${id}"]`, { timeout });
  return el!.evaluate((e) => (e as HTMLElement).innerText ?? e.textContent ?? "");
}

/** Waits until the element with `data-testid` = id has text matching `re`; returns that text. */
export async function waitForText(page: Page, id: string, re: RegExp, timeout = 30_000): Promise<string> {
  await page.waitForFunction(
    (sel: string, source: string, flags: string) => {
      const el = document.querySelector(sel) as HTMLElement | null;
      return !!el && new RegExp(source, flags).test(el.innerText ?? el.textContent ?? "");
    },
    { timeout },
    `[data-testid="${id}"]`,
    re.source,
    re.flags,
  );
  return textOf(page, id);
}

export type Scenario = OpenEpoch & { agreementId: bigint; chainId: number; demo: DemoResult };

/** The demo's chain (in-process) with the scenario of the file header, and its connection. */
export async function seedScenario(epochs = 5) {
  const conn = await network.create();
  let open: OpenEpoch | undefined;
  const demo = await runDemo(demoChainOf(conn), {
    example: "fisheries",
    epochs,
    root: ROOT,
    log: () => undefined,
    afterEpochs: openLastEpoch(epochs, (o) => (open = o)),
  });
  if (demo.nodeErrors.length)
    throw new Error(`scenario: the demo's nodes logged errors:\n${demo.nodeErrors.join("\n")}`);
  const publicClient = await conn.viem.getPublicClient();
  const scenario: Scenario = { ...open!, agreementId: 1n, chainId: await publicClient.getChainId(), demo };
  return { conn, publicClient, scenario };
}

export type AppHarness = Awaited<ReturnType<typeof startAppHarness>>;

/**
 * Everything the end-to-end tests need: the scenario's chain served over HTTP, the built app
 * served, and a browser. `open(route, account)` opens the app at a route with a wallet for account.
 */
export async function startAppHarness() {
  chromiumPath();
  const dist = await ensureAppBuilt(ROOT);
  const { conn, publicClient, scenario } = await seedScenario();
  const servers: Served[] = [];
  let browser: Browser | undefined;
  try {
    const rpc = await serveJsonRpc(conn.provider);
    servers.push(rpc);
    const app = await serveStatic(dist);
    servers.push(app);
    browser = await launchBrowser();
    const b = browser;
    return {
      conn,
      publicClient,
      scenario,
      rpcUrl: rpc.url,
      appUrl: app.url,
      browser: b,
      url: (route: string) => appUrl(app.url, rpc.url, scenario.hub, route),
      open: (route: string, account: Address) =>
        openWithWallet(b, appUrl(app.url, rpc.url, scenario.hub, route), {
          rpc: rpc.url,
          account,
          chainId: scenario.chainId,
        }),
      close: async () => {
        await b.close();
        for (const s of servers) await s.close();
      },
    };
  } catch (e) {
    await browser?.close();
    for (const s of servers) await s.close();
    throw e;
  }
}

export type { Hex };
