/**
 * Structured logs: one JSON object per line on stderr, `{ time, level, at, msg, ...fields }`.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = { at: string; msg: string; [key: string]: unknown };

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type Logger = Record<LogLevel, (fields: LogFields) => void> & {
  child(bound: Record<string, unknown>): Logger;
};

export function createLogger(
  level: LogLevel = "info",
  sink: (line: string) => void = (line) => process.stderr.write(line + "\n"),
  bound: Record<string, unknown> = {},
): Logger {
  const emit = (l: LogLevel) => (fields: LogFields) => {
    if (ORDER[l] < ORDER[level]) return;
    sink(
      JSON.stringify({ time: new Date().toISOString(), level: l, ...bound, ...fields }, (_, v) =>
        typeof v === "bigint" ? v.toString() : v,
      ),
    );
  };
  return {
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
    child: (more) => createLogger(level, sink, { ...bound, ...more }),
  };
}
