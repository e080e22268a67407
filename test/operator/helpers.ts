/**
 * Running the operator guide's commands as child processes: `hardhat node` on a free port (optionally
 * with its own chain id, so an Ignition deployment lands in its own ignition/deployments/chain-<id>),
 * the gengov bin, and the process tree under a pid (Linux /proc) to prove nothing is left running.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { freePort, ROOT, rpc, sleep } from "../fixtures/standalone.js";

export { ROOT, rpc, sleep };
export const GENGOV_BIN = join(ROOT, "bin", "gengov.mjs");
const HARDHAT_CLI = join(ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");

export type Ran = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

/** Runs a command to completion and collects its output. */
export function run(
  command: string,
  args: string[],
  options: { env?: Record<string, string | undefined>; timeoutMs?: number; cwd?: string } = {},
): Promise<Ran> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(
        new Error(
          `${command} ${args.join(" ")}: no exit within ${options.timeoutMs ?? 120_000} ms\n${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 120_000);
    child.once("error", fail);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr });
    });
  });
}

/** `gengov <args>` through the bin, under this process's Node (22), from the repository root. */
export async function gengov(args: string[], env: Record<string, string | undefined> = {}): Promise<Ran> {
  return run(process.execPath, [GENGOV_BIN, ...args], { env });
}

/** Like gengov(), but a nonzero exit is an error carrying its stderr. */
export async function gengovOk(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<string> {
  const r = await gengov(args, env);
  if (r.code !== 0) throw new Error(`gengov ${args.join(" ")} exited ${r.code}:\n${r.stderr}`);
  return r.stdout;
}

export type HardhatNode = { url: string; port: number; child: ChildProcess; stop(): Promise<void> };

/** Starts `hardhat node --port N [--chain-id C]` and waits until it answers eth_chainId. */
export async function startHardhatNode(chainId?: number): Promise<HardhatNode> {
  const port = await freePort();
  const args = [HARDHAT_CLI, "node", "--port", String(port)];
  if (chainId !== undefined) args.push("--chain-id", String(chainId));
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-4000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once("exit", () => done());
      child.kill("SIGKILL");
    });
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hardhat node exited early:\n${output}`);
    try {
      await rpc(url, "eth_chainId");
      return { url, port, child, stop };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`hardhat node did not answer on ${url}:\n${output}`);
      }
      await sleep(250);
    }
  }
}

/** Every live process whose parent chain leads to `root` (Linux /proc), root excluded. */
export function descendants(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may contain spaces and parentheses.
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields[0] !== "Z") parentOf.set(Number(name), Number(fields[1]));
    } catch {
      // the process ended while we read
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const [child, parent] of parentOf)
      if (parent === pid) {
        out.push(child);
        walk(child);
      }
  };
  walk(root);
  return out;
}

/** Whether a process exists (and is not a zombie). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** Polls `check` until it is true or `ms` pass; returns its last value. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  ms: number,
  stepMs = 200,
): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(stepMs);
  }
}
