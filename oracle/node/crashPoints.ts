/**
 * Test hook: when GENGOV_CRASH_AT names this point (optionally "name:n" for the n-th time it is
 * reached), the process kills itself with SIGKILL right there. Used by the crash-safety tests; inert
 * otherwise.
 */
const hits = new Map<string, number>();

export function crashPoint(name: string) {
  const spec = process.env.GENGOV_CRASH_AT;
  if (!spec) return;
  const [point, nth] = spec.split(":");
  if (point !== name) return;
  const count = (hits.get(name) ?? 0) + 1;
  hits.set(name, count);
  if (count >= Number(nth ?? "1")) process.kill(process.pid, "SIGKILL");
}
