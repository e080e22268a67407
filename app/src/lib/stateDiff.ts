/**
 * The agreement state as a readable diff: every leaf (JSON path) that was added, removed or changed
 * between the previous state and the new one.
 */
export type DiffEntry =
  | { kind: "added"; path: string; after: unknown }
  | { kind: "removed"; path: string; before: unknown }
  | { kind: "changed"; path: string; before: unknown; after: unknown };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const join = (path: string, key: string | number) =>
  typeof key === "number"
    ? `${path}[${key}]`
    : /^[A-Za-z_$][\w$]*$/.test(key)
      ? path
        ? `${path}.${key}`
        : key
      : `${path}[${JSON.stringify(key)}]`;

export function diffState(before: unknown, after: unknown, path = ""): DiffEntry[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => {
      const p = join(path, k);
      if (!(k in after)) return [{ kind: "removed" as const, path: p, before: before[k] }];
      if (!(k in before)) return [{ kind: "added" as const, path: p, after: after[k] }];
      return diffState(before[k], after[k], p);
    });
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: DiffEntry[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      const p = join(path, i);
      if (i >= after.length) out.push({ kind: "removed", path: p, before: before[i] });
      else if (i >= before.length) out.push({ kind: "added", path: p, after: after[i] });
      else out.push(...diffState(before[i], after[i], p));
    }
    return out;
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (before === undefined) return [{ kind: "added", path: path || "(state)", after }];
  return [{ kind: "changed", path: path || "(state)", before, after }];
}

/** One line per entry: "+ quota.boat1 = 120", "- notes[2] (was "x")", "~ stock: 900 → 850". */
export function diffLines(entries: DiffEntry[]): string[] {
  const v = (x: unknown) => JSON.stringify(x);
  return entries.map((e) =>
    e.kind === "added"
      ? `+ ${e.path} = ${v(e.after)}`
      : e.kind === "removed"
        ? `- ${e.path} (was ${v(e.before)})`
        : `~ ${e.path}: ${v(e.before)} → ${v(e.after)}`,
  );
}
