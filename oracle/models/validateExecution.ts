/**
 * The node-side policy check of an executor's answer. A model only returns data: before anything is
 * proposed on-chain the node checks the new state and every treasury action against the request it
 * rendered the prompt from. Whatever an input told the model, an answer that breaks the policy is
 * discarded here, so a prompt injection can at most move funds the agreement allows to move this
 * epoch (to a valid address, in an allowed token, within the cap), which the challenge period covers.
 */
import { getAddress, isAddress, zeroAddress } from "viem";

import { ModelError } from "../errors/BaseError.js";
import { limits } from "../protocol/generated.js";
import { canonicalJson } from "./canonicalJson.js";
import type { ExecuteRequest, ExecuteResult } from "./types.js";

/** Largest new state, in bytes of its canonical JSON (UTF-8): the execution contract's limit. */
export const MAX_STATE_BYTES = limits.MAX_STATE_BYTES;
/** Most treasury actions in one transition: the execution contract's limit. */
export const MAX_ACTIONS = limits.MAX_ACTIONS;

/** One rule an answer broke. `action` is the index of the offending action where there is one. */
export type PolicyViolation = {
  rule:
    | "stateNotObject"
    | "stateTooLarge"
    | "tooManyActions"
    | "badToken"
    | "tokenNotAllowed"
    | "badRecipient"
    | "zeroRecipient"
    | "zeroAmount"
    | "overCap"
    | "overBalance";
  message: string;
  action?: number;
};

/** An answer that broke the execution policy: kind "policy", with every violation listed. */
export class ExecutionPolicyError extends ModelError {
  override name = "ExecutionPolicyError";
  constructor(readonly violations: PolicyViolation[]) {
    super(`Execution rejected by policy: ${violations[0].message}`, "policy", {
      details: violations.map((v) => `- ${v.rule}: ${v.message}`).join("\n"),
    });
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Lists every policy rule an execution answer breaks.
 * @param result The model's parsed answer (new state and actions).
 * @param request The request the prompt was rendered from (allowed tokens, caps, balances).
 * @returns The violations, empty when the answer may be proposed.
 */
export function findPolicyViolations(
  result: Pick<ExecuteResult, "newState" | "actions">,
  request: Pick<ExecuteRequest, "allowedTokens">,
): PolicyViolation[] {
  const violations: PolicyViolation[] = [];

  if (!isPlainObject(result.newState)) {
    violations.push({ rule: "stateNotObject", message: "newState is not a JSON object" });
  } else {
    let bytes: number | undefined;
    try {
      bytes = Buffer.byteLength(canonicalJson(result.newState), "utf8");
    } catch (error) {
      violations.push({
        rule: "stateNotObject",
        message: `newState has no JSON form: ${(error as Error).message}`,
      });
    }
    if (bytes !== undefined && bytes > MAX_STATE_BYTES) {
      violations.push({
        rule: "stateTooLarge",
        message: `newState is ${bytes} bytes as canonical JSON, above the ${MAX_STATE_BYTES}-byte limit`,
      });
    }
  }

  if (result.actions.length > MAX_ACTIONS) {
    violations.push({
      rule: "tooManyActions",
      message: `${result.actions.length} actions, above the limit of ${MAX_ACTIONS}`,
    });
  }

  const allowed = new Map(request.allowedTokens.map((t) => [getAddress(t.token), t]));
  const totals = new Map<`0x${string}`, bigint>();
  result.actions.forEach((action, i) => {
    const at = `action ${i}`;
    let token: `0x${string}` | undefined;
    if (typeof action.token !== "string" || !isAddress(action.token, { strict: false })) {
      violations.push({
        rule: "badToken",
        message: `${at}: token ${String(action.token)} is not an address`,
        action: i,
      });
    } else {
      token = getAddress(action.token);
      if (!allowed.has(token)) {
        violations.push({
          rule: "tokenNotAllowed",
          message: `${at}: token ${token} is not allowed`,
          action: i,
        });
        token = undefined;
      }
    }
    if (typeof action.to !== "string" || !isAddress(action.to, { strict: false })) {
      violations.push({
        rule: "badRecipient",
        message: `${at}: recipient ${String(action.to)} is not an address`,
        action: i,
      });
    } else if (getAddress(action.to) === zeroAddress) {
      violations.push({ rule: "zeroRecipient", message: `${at}: recipient is the zero address`, action: i });
    }
    if (typeof action.amount !== "bigint" || action.amount <= 0n) {
      violations.push({
        rule: "zeroAmount",
        message: `${at}: amount ${String(action.amount)} is not positive`,
        action: i,
      });
    } else if (token !== undefined) {
      totals.set(token, (totals.get(token) ?? 0n) + action.amount);
    }
  });

  for (const [token, total] of totals) {
    const t = allowed.get(token)!;
    if (total > t.remaining) {
      violations.push({
        rule: "overCap",
        message: `token ${token} (${t.symbol}): total ${total} exceeds the remaining cap ${t.remaining}`,
      });
    }
    if (total > t.balance) {
      violations.push({
        rule: "overBalance",
        message: `token ${token} (${t.symbol}): total ${total} exceeds the treasury balance ${t.balance}`,
      });
    }
  }
  return violations;
}

/**
 * The policy check as an error value.
 * @param result The model's parsed answer.
 * @param request The request the prompt was rendered from.
 * @returns An `ExecutionPolicyError` (kind "policy") naming every violation, or null when the answer passes.
 */
export function validateExecution(
  result: Pick<ExecuteResult, "newState" | "actions">,
  request: Pick<ExecuteRequest, "allowedTokens">,
): ExecutionPolicyError | null {
  const violations = findPolicyViolations(result, request);
  return violations.length === 0 ? null : new ExecutionPolicyError(violations);
}

/**
 * Throws unless the answer passes the policy.
 * @throws ExecutionPolicyError (a ModelError of kind "policy").
 */
export function assertValidExecution(
  result: Pick<ExecuteResult, "newState" | "actions">,
  request: Pick<ExecuteRequest, "allowedTokens">,
): void {
  const error = validateExecution(result, request);
  if (error) throw error;
}
