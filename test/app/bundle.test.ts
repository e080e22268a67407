/**
 * The built app runs offline: its HTML loads only its own relative assets, its CSS imports nothing,
 * and every http(s) URL inside its JavaScript is one the app never requests (XML namespaces, and the
 * documentation links and identifiers inside the libraries' error messages and schemas).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

/** Hosts that appear only as text: namespaces, docs links in error messages, schema ids. */
const TEXT_ONLY_HOSTS = new Set([
  "www.w3.org",
  "react.dev",
  "viem.sh",
  "wagmi.sh",
  "oxlib.sh",
  "abitype.dev",
  "4byte.sourcify.dev",
  "github.com",
  "docs.soliditylang.org",
  "json-schema.org",
  // viem's ENS avatar gateways: used only by ENS avatar lookups, which the app never makes.
  "ipfs.io",
  "arweave.net",
]);

describe("app: the static bundle", function () {
  this.timeout(180_000);
  let dir: string;
  let files: string[];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "gengov-app-dist-"));
    // `npm run build:app` into a temporary directory (the CLI, so no test loader is in the way).
    execFileSync(
      process.execPath,
      [
        "node_modules/vite/bin/vite.js",
        "build",
        "--config",
        "app/vite.config.ts",
        "--outDir",
        dir,
        "--emptyOutDir",
        "--logLevel",
        "warn",
      ],
      // A production build, whatever NODE_ENV the test runner set.
      { stdio: "pipe", env: { ...process.env, NODE_ENV: "production" } },
    );
    files = readdirSync(join(dir, "assets")).map((f) => join(dir, "assets", f));
  });

  it("the HTML loads only relative assets", () => {
    const html = readFileSync(join(dir, "index.html"), "utf8");
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).to.be.greaterThan(0);
    for (const ref of refs) expect(ref, ref).to.match(/^(\.\/assets\/|data:)/);
  });

  it("the CSS imports nothing and loads no remote resource", () => {
    for (const f of files.filter((f) => f.endsWith(".css"))) {
      const css = readFileSync(f, "utf8");
      expect(css).to.not.match(/@import|url\(\s*['"]?https?:/);
    }
  });

  it("every URL in the JavaScript is text the app never requests", () => {
    const hosts = new Set<string>();
    for (const f of files.filter((f) => f.endsWith(".js"))) {
      for (const m of readFileSync(f, "utf8").matchAll(/https?:\/\/([a-zA-Z0-9.-]+)/g)) hosts.add(m[1]);
    }
    expect([...hosts].filter((h) => !TEXT_ONLY_HOSTS.has(h))).to.deep.equal([]);
  });
});
