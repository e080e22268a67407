/**
 * Canonical JSON (RFC 8785, JCS) through the `canonicalize` package: keys sorted by UTF-16 code
 * units, no whitespace, numbers in their shortest round-trip form. Every hash the node puts on-chain
 * over a JSON document (spec, prompt, manifest, state) is keccak256 of these UTF-8 bytes.
 */
import canonicalizeModule from "canonicalize";

// The package is CommonJS (`module.exports = serialize`) while its typings declare a default export;
// under Node's ESM loader the default import is the function itself.
const serialize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

/**
 * The canonical JSON text of a JSON value.
 * @param value A JSON value (no bigint, NaN, Infinity or cycles).
 * @returns The canonical text.
 * @throws TypeError when the value has no JSON form (undefined, a function, a bigint, a cycle…).
 */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = serialize(value);
  } catch (error) {
    throw new TypeError(`canonicalJson: value has no JSON form (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (text === undefined) throw new TypeError("canonicalJson: value has no JSON form");
  return text;
}
