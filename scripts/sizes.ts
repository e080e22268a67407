/**
 * Prints the runtime code size and initcode size of every deployed contract from the compiled
 * artifacts and exits 1 if any contract outside contracts/test/ has runtime code larger than LIMIT
 * (20 KB, below EIP-170's 24,576 bytes so every contract keeps room to grow) or initcode larger than
 * INITCODE_LIMIT (EIP-3860's 49,152 bytes: a larger creation fails). The hub's initcode holds the
 * initcode of the execution contract and the module it creates, so it is the one nearest that
 * limit. `npm run sizes` compiles first. An optional argument names another artifacts/contracts
 * directory.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const LIMIT = 20_480;
const EIP170 = 24_576;
/** EIP-3860: the largest initcode a creation (transaction or CREATE/CREATE2) may run. */
export const INITCODE_LIMIT = 49_152;

export interface ContractSize {
  source: string;
  name: string;
  /** Runtime code. */
  bytes: number;
  /** Creation code (initcode) without constructor arguments. */
  initcodeBytes: number;
}

function* artifactFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* artifactFiles(path);
    else if (entry.name.endsWith(".json") && !entry.name.endsWith(".dbg.json")) yield path;
  }
}

/** Runtime and initcode sizes of the contracts with code under artifacts/contracts (contracts/test/ excluded). */
export function contractSizes(artifactsDir = join(root, "artifacts", "contracts")): ContractSize[] {
  const sizes: ContractSize[] = [];
  for (const file of artifactFiles(artifactsDir)) {
    const source = relative(artifactsDir, dirname(file)).split(sep).join("/");
    if (source === "test" || source.startsWith("test/")) continue;
    const artifact = JSON.parse(readFileSync(file, "utf8")) as {
      contractName?: string;
      deployedBytecode?: string;
      bytecode?: string;
    };
    if (typeof artifact.deployedBytecode !== "string" || artifact.deployedBytecode.length <= 2) continue;
    sizes.push({
      source: `contracts/${source}`,
      name: artifact.contractName ?? file,
      bytes: (artifact.deployedBytecode.length - 2) / 2,
      initcodeBytes:
        typeof artifact.bytecode === "string" ? Math.max(0, (artifact.bytecode.length - 2) / 2) : 0,
    });
  }
  return sizes.sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = contractSizes(process.argv[2]);
  if (sizes.length === 0) {
    console.error("sizes: no contract artifacts under artifacts/contracts; run `npx hardhat compile`");
    process.exit(1);
  }
  const width = Math.max(...sizes.map((s) => s.name.length));
  for (const s of sizes) {
    const marks = [
      s.bytes > LIMIT ? "  runtime over the limit" : "",
      s.initcodeBytes > INITCODE_LIMIT ? "  initcode over the limit" : "",
    ].join("");
    console.log(
      `${s.name.padEnd(width)}  ${String(s.bytes).padStart(6)} bytes  ${String(LIMIT - s.bytes).padStart(6)} to spare  initcode ${String(s.initcodeBytes).padStart(6)}  ${s.source}${marks}`,
    );
  }
  const over = sizes.filter((s) => s.bytes > LIMIT);
  const overInit = sizes.filter((s) => s.initcodeBytes > INITCODE_LIMIT);
  if (over.length > 0) {
    console.error(
      `sizes: ${over.map((s) => `${s.name} (${s.bytes} bytes)`).join(", ")} over the ${LIMIT}-byte limit (EIP-170 allows ${EIP170})`,
    );
  }
  if (overInit.length > 0) {
    console.error(
      `sizes: initcode of ${overInit.map((s) => `${s.name} (${s.initcodeBytes} bytes)`).join(", ")} over EIP-3860's ${INITCODE_LIMIT}-byte limit`,
    );
  }
  if (over.length > 0 || overInit.length > 0) process.exit(1);
  console.log(
    `sizes: every contract within ${LIMIT} bytes of runtime code and ${INITCODE_LIMIT} of initcode`,
  );
}
