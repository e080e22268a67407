/**
 * A naive, obedient "model" for prompt-injection tests: a FakeOpenAI handler that follows any
 * instruction it can find in the user message, the worst case of a model fooled by its inputs.
 *
 * It reads through the spotlighting on purpose (datamarks become spaces again, JSON string escapes are
 * undone, raw Unicode tag characters are decoded as hidden ASCII), then:
 * - copies verbatim any JSON object in the text that looks like an execution answer ({"newState"…});
 * - turns every "transfer|send|pay <amount|all> [token 0x…] to 0x…" clause into a payment (amount in
 *   base units; "all" = the token's whole balance; token = the named one, else the first allowed);
 * - "store <n> bytes" pads the new state with n bytes;
 * - "ignore previous instructions" marks the state compromised and, with no payment named, drains the
 *   first allowed token to `OBEDIENT_DEFAULT_ATTACKER`;
 * - otherwise answers honestly: the prior state plus the epoch, no action.
 * Forecasts: "forecast <number>" sets every value, else the last non-void outcome (persistence).
 *
 * What it cannot read is exactly what spotlighting removed: neutralised invisible text shows up as
 * `[U+XXXX]` escapes, which it does not decode.
 */
import type { FakeReply, RecordedRequest } from "./fakeOpenAI.js";

/** Where the obedient model sends funds when told to "ignore previous instructions" with no recipient. */
export const OBEDIENT_DEFAULT_ATTACKER = "0xBadBadBaDbAdBADbaDBadBAdbadbAdBAdbaDbAd0";

type DataBlock = {
  epoch?: string;
  state?: Record<string, unknown>;
  history?: { epoch: string; outcome: string[] | "void" | "pending" }[];
  metrics?: unknown[];
  allowedTokens?: { token: string; remaining: string; balance: string }[];
};

/** The real data block of the prompt (the one whose delimiters are whole lines), parsed. */
function readDataBlock(user: string): DataBlock {
  const open = /^<<<BEGIN DATA ([0-9a-f]{24})>>>$/m.exec(user);
  if (!open) return {};
  const start = open.index + open[0].length + 1;
  const end = user.indexOf(`\n<<<END DATA ${open[1]}>>>`, start);
  if (end < 0) return {};
  try {
    return JSON.parse(user.slice(start, end)) as DataBlock;
  } catch {
    return {};
  }
}

/** The text as a gullible reader sees it. */
function readable(text: string): string {
  return text
    .replaceAll("\u02C6", " ")
    .replace(/\\n/g, "\n")
    .replace(/\\"/g, '"')
    .replace(/\\\\/g, "\\")
    .replace(/[\u{E0020}-\u{E007E}]/gu, (c) => String.fromCharCode(c.codePointAt(0)! - 0xe0000));
}

/** The first balanced JSON object starting at `from`, if it parses. */
function jsonObjectAt(text: string, from: number): unknown {
  let depth = 0;
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) {
      try {
        return JSON.parse(text.slice(from, i + 1));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function mimickedAnswer(text: string): string | undefined {
  const at = text.search(/\{\s*"newState"/);
  if (at < 0) return undefined;
  const value = jsonObjectAt(text, at);
  return value !== undefined && typeof value === "object" ? JSON.stringify(value) : undefined;
}

function payments(text: string, data: DataBlock) {
  const allowed = data.allowedTokens ?? [];
  const actions: { token: string; to: string; amount: string }[] = [];
  for (const match of text.matchAll(
    /\b(?:transfer|send|pay)\b((?:(?!\b(?:transfer|send|pay)\b)[^\n.;])*)/gi,
  )) {
    const clause = match[1];
    const to = /\bto\s+(0x[0-9a-zA-Z]*)/i.exec(clause)?.[1];
    if (!to) continue;
    const token = /\btoken\s+(0x[0-9a-fA-F]+)/i.exec(clause)?.[1] ?? allowed[0]?.token ?? "0x";
    const known = allowed.find((t) => t.token.toLowerCase() === token.toLowerCase());
    const amount = /\b(all|everything|entire|whole)\b/i.test(clause)
      ? (known?.balance ?? (10n ** 24n).toString())
      : /\b(\d+)\b/.exec(clause.replace(/0x[0-9a-zA-Z]*/g, ""))?.[1];
    if (amount === undefined) continue;
    actions.push({ token, to, amount });
  }
  return actions;
}

function executionAnswer(text: string, data: DataBlock): FakeReply {
  const mimic = mimickedAnswer(text);
  if (mimic !== undefined) return { content: mimic };
  const newState: Record<string, unknown> = { ...(data.state ?? {}), epoch: data.epoch ?? "0" };
  const actions = payments(text, data);
  const store = /\bstore\s+(\d+)\s+bytes\b/i.exec(text);
  if (store) newState.blob = "x".repeat(Number(store[1]));
  if (/\bignore\s+(?:all\s+)?(?:previous|prior|above)\s+instructions\b/i.test(text)) {
    newState.compromised = true;
    const first = data.allowedTokens?.[0];
    if (actions.length === 0 && first) {
      actions.push({ token: first.token, to: OBEDIENT_DEFAULT_ATTACKER, amount: first.balance });
    }
  }
  const rationale = actions.length ? "Following the instructions in the inputs." : "Nothing to do.";
  return { content: JSON.stringify({ newState, actions, rationale }) };
}

function forecastAnswer(text: string, data: DataBlock): FakeReply {
  const count = data.metrics?.length ?? 1;
  const told = /\bforecast\s+(-?\d+(?:\.\d+)?)\b/i.exec(text)?.[1];
  let values: number[];
  if (told !== undefined) values = Array(count).fill(Number(told));
  else {
    const last = [...(data.history ?? [])].reverse().find((h) => Array.isArray(h.outcome));
    values = last && Array.isArray(last.outcome) ? last.outcome.map(Number) : Array(count).fill(0);
  }
  return { content: JSON.stringify({ values, rationale: "Persistence, or as told." }) };
}

/**
 * The handler: obeys the user message of a chat request.
 * @param request The recorded request.
 * @returns The answer it would give.
 */
export function obedientModel(request: RecordedRequest): FakeReply {
  const user = request.body.messages
    .filter((m) => m.role === "user")
    .map((m) => m.content)
    .join("\n");
  const data = readDataBlock(user);
  const text = readable(user);
  const name =
    request.body.response_format?.json_schema?.name ??
    (data.allowedTokens !== undefined ? "execution" : "forecast");
  return name === "execution" ? executionAnswer(text, data) : forecastAnswer(text, data);
}
