import { readFileSync } from "node:fs";

import { UsageError } from "../runtime.js";

/** A file a command was pointed at by `flag`, or one line saying it cannot be read. */
export const readFile = (flag: string, path: string) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new UsageError(`${flag}: cannot read ${path}`);
  }
};
