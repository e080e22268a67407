/**
 * The agreement's clock as a participant sees it: the current epoch, which windows are open now, and
 * the next deadlines. Windows are half-open, [opens, closes), in chain time (seconds).
 */
import {
  epochAt,
  epochEnd,
  epochStart,
  executorWindow,
  fallbackWindow,
  revealCloses,
  revealOpens,
  type Clock,
} from "../../../oracle/node/clock.js";

export type { Clock };

export type Window = { name: string; opens: bigint; closes: bigint };
export type Deadline = { name: string; at: bigint };

export type ClockView = {
  /** The current epoch, or undefined before genesis. */
  epoch: bigint | undefined;
  /** What is open now, in words. */
  phase: string;
  /** The windows open now. */
  open: Window[];
  /** Upcoming openings and closings, soonest first. */
  deadlines: Deadline[];
  /** The epoch whose outcome reporters may report now, if any. */
  reportEpoch: bigint | undefined;
};

/** The windows that concern epoch (or target) `e`, once it has ended. */
export function windowsOf(c: Clock, e: bigint): Window[] {
  return [
    { name: `report window of epoch ${e}`, opens: epochEnd(c, e), closes: epochEnd(c, e) + c.reportWindow },
    { name: `reveal window of target ${e}`, opens: revealOpens(c, e), closes: revealCloses(c, e) },
    { name: `execution window of epoch ${e}`, ...executorWindow(c, e) },
    { name: `fallback window of epoch ${e}`, ...fallbackWindow(c, e) },
  ];
}

export const isOpen = (w: Pick<Window, "opens" | "closes">, now: bigint) => now >= w.opens && now < w.closes;

export function clockView(c: Clock, now: bigint): ClockView {
  if (now < c.genesis) {
    return {
      epoch: undefined,
      phase: "not started",
      open: [],
      deadlines: [{ name: "epoch 0 starts", at: c.genesis }],
      reportEpoch: undefined,
    };
  }
  const e = epochAt(c, now);
  const windows = [
    {
      name: `epoch ${e}: inputs and forecast commits`,
      opens: epochStart(c, e),
      closes: epochEnd(c, e),
    },
    ...(e >= 1n ? windowsOf(c, e - 1n) : []),
    ...windowsOf(c, e),
  ];
  const open = windows.filter((w) => isOpen(w, now));
  const deadlines: Deadline[] = [];
  for (const w of windows) {
    if (w.opens > now) deadlines.push({ name: `${w.name} opens`, at: w.opens });
    if (w.closes > now) deadlines.push({ name: `${w.name} closes`, at: w.closes });
  }
  deadlines.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const report = e >= 1n ? windowsOf(c, e - 1n)[0] : undefined;
  return {
    epoch: e,
    phase: open.map((w) => w.name).join("; "),
    open,
    deadlines,
    reportEpoch: report && isOpen(report, now) ? e - 1n : undefined,
  };
}
