/**
 * How the app writes numbers and times: amounts in whole tokens, scores as decimals, times as local
 * dates and countdowns; and how it reads amounts typed in whole tokens.
 */
import { formatUnits, parseUnits } from "viem";

import { formatDuration } from "../../../oracle/chain/revert.js";

export const WAD = 10n ** 18n;

/** An amount in whole tokens, grouped by thousands: "1,234.5 GOV". */
export function formatAmount(amount: bigint, decimals: number, symbol?: string): string {
  const [int, frac] = formatUnits(amount, decimals).split(".");
  const neg = int.startsWith("-");
  const digits = neg ? int.slice(1) : int;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${neg ? "-" : ""}${grouped}${frac ? `.${frac}` : ""}${symbol ? ` ${symbol}` : ""}`;
}

/**
 * Whole tokens typed by a person ("12", "0.5", "1,000") in base units.
 * @throws Error naming the problem: not a number, negative, zero when `positive`, too many decimals.
 */
export function parseAmount(text: string, decimals: number, opts: { positive?: boolean } = {}): bigint {
  const t = text.trim().replaceAll(",", "").replaceAll("_", "");
  if (!/^-?(\d+\.?\d*|\.\d+)$/.test(t)) throw new Error(`"${text}" is not a number`);
  const frac = t.split(".")[1] ?? "";
  if (frac.length > decimals) throw new Error(`"${text}" has more than ${decimals} decimals`);
  const v = parseUnits(t, decimals);
  if (opts.positive && v <= 0n) throw new Error(`"${text}" must be more than zero`);
  return v;
}

/** A WAD fraction (score, loss) as a decimal with `digits` places: 0.1234. */
export function formatWad(v: bigint, digits = 4): string {
  const scale = 10n ** BigInt(18 - digits);
  const rounded = (v + scale / 2n) / scale;
  const s = rounded.toString().padStart(digits + 1, "0");
  return `${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

/** Time left until `at` from `now`: "in 1h 12m", "now", or "5m ago". */
export function formatCountdown(at: bigint, now: bigint): string {
  if (at === now) return "now";
  return at > now ? `in ${formatDuration(at - now)}` : `${formatDuration(now - at)} ago`;
}

/** A unix time as a local date and time (the browser's zone unless one is given). */
export function formatLocalDate(seconds: bigint, timeZone?: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    timeZone,
  }).format(new Date(Number(seconds) * 1000));
}

/** A metric value (scaled integer) in its units: 1234 with 2 decimals → "12.34". */
export const formatMetric = (v: bigint, decimals: number) => formatUnits(v, decimals);

/** An address shortened for tables: 0x1234…abcd. */
export const shortAddress = (a: string) => `${a.slice(0, 6)}…${a.slice(-4)}`;
