/**
 * The casting rule of oracle/ (eslint.config.js): contract results and event arguments keep the types
 * the protocol layer infers from the ABIs. Each snippet below is linted as if it were a file of
 * oracle/ and must be reported; the same code outside oracle/ is not (the rule is oracle/'s), and
 * oracle/ itself has no finding of the rule.
 */
import { expect } from "chai";

import { ESLint } from "eslint";

const FORBIDDEN: [string, string][] = [
  ["as never", `export const f = (x: unknown) => x as never;`],
  ["as any", `export const f = (x: unknown) => x as any;`],
  [
    "a read's awaited result",
    `export const f = async (h: any) => (await h.read("stateHash", [1n])) as string;`,
  ],
  ["a readContract result", `export const f = async (c: any) => (await c.readContract({})) as bigint;`],
  [
    "a bare readContract call",
    `export const f = async (c: any) => (await readContract(c, "0x", [], "x", [])) as bigint;`,
  ],
  ["a read's promise", `export const f = (h: any) => h.read("owed", [1n]) as Promise<bigint>;`],
  ["an event's args", `export const f = (l: any) => l.args as { epoch: bigint };`],
  ["an event argument", `export const f = (l: any) => l.args.epoch as bigint;`],
  ["an optional event's args", `export const f = (logs: any[]) => logs[0]?.args as { epoch: bigint };`],
  ["an optional event's argument", `export const f = (logs: any[]) => logs[0]?.args.epoch as bigint;`],
].map(([what, code]) => [what, `declare const readContract: any;\n${code}\n`]);

const castFindings = (results: ESLint.LintResult[]) =>
  results.flatMap((r) =>
    r.messages.filter(
      (m) => m.ruleId === "no-restricted-syntax" || m.ruleId === "@typescript-eslint/no-explicit-any",
    ),
  );

describe("lint: no casts on contract results, event arguments, never or any in oracle/", function () {
  this.timeout(120_000);
  const eslint = new ESLint({ cwd: process.cwd() });

  for (const [what, code] of FORBIDDEN) {
    it(`reports a cast of ${what}`, async () => {
      const results = await eslint.lintText(code, { filePath: "oracle/castProbe.ts" });
      const found = results[0].messages.filter((m) => m.ruleId === "no-restricted-syntax");
      expect(found, `${what}: ${JSON.stringify(results[0].messages)}`).to.have.length.above(0);
    });
  }

  it("leaves a typed read alone", async () => {
    const code = `import { hub } from "./protocol/contracts.js";\nexport const f = (t: Parameters<typeof hub>[0]) => hub(t).read("inputsHeadAt", [1n, 2n]);\n`;
    const results = await eslint.lintText(code, { filePath: "oracle/castProbe.ts" });
    expect(castFindings(results)).to.deep.equal([]);
  });

  it("finds none in oracle/", async () => {
    const findings = castFindings(await eslint.lintFiles(["oracle"]));
    expect(findings.map((m) => `${m.line}: ${m.message}`)).to.deep.equal([]);
  });
});
