/**
 * The node's configuration file (JSON), validated with zod: every option has a description and a
 * default where one makes sense, and a bad value stops the node with a message naming the option.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";

import { isAddress } from "viem";
import { z } from "zod";

import { ConfigError } from "../errors/BaseError.js";

const address = z
  .string()
  .refine((s) => isAddress(s, { strict: false }), { message: "not a 0x-prefixed 20-byte address" })
  .transform((s) => s as `0x${string}`);
const id = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, "a decimal integer")])
  .transform((v) => BigInt(v));

export const providerSchema = z
  .object({
    baseURL: z
      .string()
      .url()
      .optional()
      .describe(
        "OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp); default: OPENAI_BASE_URL or OpenAI",
      ),
    apiKeyEnv: z.string().default("OPENAI_API_KEY").describe("Environment variable holding the API key"),
    timeoutMs: z.number().int().positive().default(60_000).describe("Per-request timeout"),
    maxRetries: z
      .number()
      .int()
      .min(0)
      .max(10)
      .default(3)
      .describe("Retries on 429/5xx/timeouts, with backoff"),
  })
  .strict();

export const candidateSchema = z
  .object({
    agreementId: id.describe("Agreement id on the hub"),
    candidateId: id.describe("Candidate id within the agreement (operated by this node's key)"),
    spec: z
      .string()
      .min(1)
      .describe("Path to the model spec JSON (its canonical JSON hashes to the specHash)"),
    provider: providerSchema.default({ apiKeyEnv: "OPENAI_API_KEY", timeoutMs: 60_000, maxRetries: 3 }),
    judgementItems: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Judgement rounds: path to the agreement's item list (JSON), instead of its terms' itemsUri; checked against the terms' item root",
      ),
  })
  .strict();

export const keySchema = z
  .object({
    keystore: z.string().optional().describe("Path to an encrypted JSON keystore (Web3 Secret Storage)"),
    passwordEnv: z
      .string()
      .default("GENGOV_KEYSTORE_PASSWORD")
      .describe("Environment variable with the keystore password (prompted for when unset and interactive)"),
    privateKeyEnv: z
      .string()
      .optional()
      .describe("Environment variable with a raw private key (needs allowRawKey)"),
    allowRawKey: z.boolean().default(false).describe("Allow privateKeyEnv; the node warns at start"),
  })
  .strict()
  .refine((k) => k.keystore !== undefined || k.privateKeyEnv !== undefined, {
    message: "set key.keystore (recommended) or key.privateKeyEnv with key.allowRawKey",
  })
  .refine((k) => k.privateKeyEnv === undefined || k.allowRawKey, {
    message: "key.privateKeyEnv needs key.allowRawKey: true (a raw key in the environment is unsafe)",
  });

export const nodeConfigSchema = z
  .object({
    rpcUrls: z
      .array(z.string().url())
      .min(1)
      .describe("JSON-RPC endpoints: healthy ones first, in this order; a failing one waits rpcCooldownMs"),
    rpcCooldownMs: z
      .number()
      .int()
      .min(0)
      .default(30_000)
      .describe("How long a failing RPC endpoint is passed over before it is tried again"),
    chainId: z
      .number()
      .int()
      .positive()
      .describe("Expected chain id; the node refuses to start on a mismatch"),
    hub: address
      .optional()
      .describe("GengovHub address; default: ignition/deployments/chain-<chainId>/deployed_addresses.json"),
    store: z.string().default("./gengov-node.sqlite").describe("SQLite file of this node (one per node)"),
    confirmations: z
      .number()
      .int()
      .min(0)
      .max(128)
      .default(2)
      .describe("Blocks before a log or state is acted on"),
    pollIntervalMs: z.number().int().min(10).default(4_000).describe("Time between polls of the chain"),
    logRangeBlocks: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(2_000)
      .describe("Max blocks per eth_getLogs"),
    http: z
      .object({
        host: z.string().default("127.0.0.1").describe("Bind address of /healthz and /metrics"),
        port: z
          .number()
          .int()
          .min(0)
          .max(65_535)
          .default(9464)
          .describe("Port of /healthz and /metrics (0 = any)"),
        stalledAfterMs: z
          .number()
          .int()
          .positive()
          .optional()
          .describe(
            "/healthz is 503 when the loop made no progress this long outside a model call (default: 5 polls, at least 10 s)",
          ),
      })
      .strict()
      .default({ host: "127.0.0.1", port: 9464 }),
    tx: z
      .object({
        stuckAfterMs: z
          .number()
          .int()
          .positive()
          .default(30_000)
          .describe("Re-price a transaction unmined this long"),
        feeBumpPercent: z
          .number()
          .int()
          .min(10)
          .max(500)
          .default(20)
          .describe("Fee increase per replacement"),
        maxAttempts: z.number().int().min(1).max(20).default(5).describe("Replacements before giving up"),
        receiptTimeoutMs: z
          .number()
          .int()
          .positive()
          .default(120_000)
          .describe("Wait for a receipt at most this long"),
      })
      .strict()
      .default({ stuckAfterMs: 30_000, feeBumpPercent: 20, maxAttempts: 5, receiptTimeoutMs: 120_000 }),
    key: keySchema,
    candidates: z.array(candidateSchema).min(1).describe("Candidates this node operates"),
    keeper: z
      .boolean()
      .default(true)
      .describe("Also do permissionless upkeep (finalize, lapse, backstop selection) when due"),
    catchUpAfterMisses: z
      .number()
      .int()
      .min(1)
      .default(2)
      .describe("Poke an own candidate owing this many missed targets, so it is eligible again"),
    modelBackoff: z
      .object({
        initialMs: z
          .number()
          .int()
          .min(0)
          .default(10_000)
          .describe(
            "Wait after a failed model answer before asking that candidate's model again (0 = no wait)",
          ),
        maxMs: z
          .number()
          .int()
          .min(0)
          .default(600_000)
          .describe("Longest wait; it doubles per failure up to this"),
      })
      .strict()
      .default({ initialMs: 10_000, maxMs: 600_000 }),
    gasBalanceLowWei: z
      .union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, "a decimal integer")])
      .transform((v) => BigInt(v))
      .default(10n ** 16n)
      .describe("Operator balance (wei) below which /metrics reports the gas balance as low"),
    logLevel: z
      .enum(["debug", "info", "warn", "error"])
      .default("info")
      .describe("Least severe log level printed"),
  })
  .strict();

export type NodeConfig = z.infer<typeof nodeConfigSchema>;
export type CandidateConfig = z.infer<typeof candidateSchema>;

/** Formats zod issues as "config.<path>: <message>" lines, one per problem (an unknown key each). */
export function formatIssues(error: z.ZodError, prefix = "config"): string {
  const where = (path: PropertyKey[]) =>
    [prefix, ...path.map((p) => (typeof p === "number" ? `[${p}]` : String(p)))]
      .join(".")
      .replace(/\.\[/g, "[");
  return error.issues
    .flatMap((i) =>
      i.code === "unrecognized_keys"
        ? i.keys.map((k) => `${where([...i.path, k])}: unknown option`)
        : [`${where(i.path)}: ${i.message}`],
    )
    .join("\n");
}

/** Parses and validates a config object; relative paths are resolved against `baseDir`. */
export function parseNodeConfig(raw: unknown, baseDir = process.cwd()): NodeConfig {
  const result = nodeConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(formatIssues(result.error));
  const c = result.data;
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  return {
    ...c,
    store: c.store === ":memory:" ? c.store : abs(c.store),
    key: { ...c.key, keystore: c.key.keystore ? abs(c.key.keystore) : undefined },
    candidates: c.candidates.map((k) => ({
      ...k,
      spec: abs(k.spec),
      ...(k.judgementItems ? { judgementItems: abs(k.judgementItems) } : {}),
    })),
  };
}

/** Reads and validates a config file. */
export function loadNodeConfig(path: string): NodeConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new ConfigError(`cannot read config file ${path}`, { cause });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  return parseNodeConfig(raw, dirname(resolve(path)));
}

/** Every option with its description and default, for the README's config table. */
export function describeOptions(): { option: string; description: string; default: string }[] {
  const rows: { option: string; description: string; default: string }[] = [];
  const walk = (schema: z.ZodType, path: string) => {
    const def = (
      schema as unknown as {
        def: {
          type: string;
          innerType?: z.ZodType;
          shape?: Record<string, z.ZodType>;
          defaultValue?: unknown;
          element?: z.ZodType;
          in?: z.ZodType;
        };
      }
    ).def;
    const description = schema.description ?? "";
    if (def.type === "default") {
      const value = def.defaultValue;
      const inner = def.innerType as z.ZodType;
      if ((inner as unknown as { def: { type: string } }).def.type === "object") return walk(inner, path);
      rows.push({
        option: path,
        description: description || inner.description || "",
        default: JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v)),
      });
      return;
    }
    if (def.type === "object" && def.shape) {
      for (const [k, v] of Object.entries(def.shape)) walk(v, path ? `${path}.${k}` : k);
      return;
    }
    if (
      def.type === "array" &&
      def.element &&
      (def.element as unknown as { def: { type: string } }).def.type === "object"
    ) {
      rows.push({ option: path, description, default: "(required)" });
      return walk(def.element, `${path}[]`);
    }
    if (def.type === "pipe") {
      rows.push({ option: path, description, default: "(required)" });
      return;
    }
    rows.push({ option: path, description, default: def.type === "optional" ? "(unset)" : "(required)" });
  };
  walk(nodeConfigSchema, "");
  return rows;
}
